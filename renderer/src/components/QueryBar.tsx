/**
 * The query bar of Records and Diff: a line of the filter language (docs/QUERIES.md), checked
 * by the service as the user types (`query.check`), with the error's column marked by a caret
 * under the text, the syntax shown beside it, and a history the arrow keys walk (kept for this
 * window's session in sessionStorage, per view).
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { QUERY_TEXT_MAX } from '../../../app/contract';
import { useTransport } from '../api/hooks';
import { caretLine, historyStep, remember } from '../lib/query';
import { IconX } from './Icons';

/** What the bar filters: records (one value each) or a diff (`changed(path)` allowed). */
export type QueryScope = 'records' | 'diff';

/** The contract's query length limit (typed against it: the renderer imports no contract values). */
const QUERY_MAX: typeof QUERY_TEXT_MAX = 2000;

/** How long typing pauses before the text is checked (ms). */
const CHECK_DELAY_MS = 200;

const SYNTAX: Record<QueryScope, string> = {
  records: 'status = "pending" · total > 100 and not exists(cancelled) · tag in ["a", "b"] · startsWith(name, "Ad") · contains(email, "@x")',
  diff: 'changed(status) · changed(status) and status = "shipped" · total > 100 (before or after) · and / or / not',
};

/** Props of {@link QueryBar}. */
export interface QueryBarProps {
  readonly scope: QueryScope;
  /** The query applied now (undefined: none). */
  readonly applied: string | undefined;
  /** Applies a query (undefined clears it). */
  onApply(query: string | undefined): void;
}

/** The history of one scope in this window's session. */
function loadHistory(scope: QueryScope): readonly string[] {
  try {
    const raw = sessionStorage.getItem(`thunderhead.queries.${scope}`);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((q): q is string => typeof q === 'string') : [];
  } catch {
    return [];
  }
}

function saveHistory(scope: QueryScope, history: readonly string[]): void {
  try {
    sessionStorage.setItem(`thunderhead.queries.${scope}`, JSON.stringify(history));
  } catch {
    // Storage full or disabled: the history lasts as long as the component.
  }
}

/** A query input with checking, an error caret, the syntax hint and a history. */
export function QueryBar({ scope, applied, onApply }: QueryBarProps) {
  const transport = useTransport();
  const [text, setText] = useState(applied ?? '');
  const [draft, setDraft] = useState(applied ?? '');
  const [history, setHistory] = useState(() => loadHistory(scope));
  const [at, setAt] = useState(-1);
  const [error, setError] = useState<{ readonly text: string; readonly message: string; readonly column: number } | null>(null);
  const [focused, setFocused] = useState(false);
  const [scrollLeft, setScrollLeft] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setText(applied ?? '');
  }, [applied]);

  // Check as the user types (debounced); only the latest answer counts.
  useEffect(() => {
    if (text.trim() === '') {
      setError(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void transport
        .call('query.check', { text, scope })
        .then((r) => {
          if (live) setError(r.ok ? null : { text, message: r.message, column: r.column });
        })
        .catch((e: unknown) => {
          if (live) setError({ text, message: e instanceof Error ? e.message : String(e), column: 1 });
        });
    }, CHECK_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [text, scope, transport]);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const q = text.trim();
    if (q === '') {
      onApply(undefined);
      return;
    }
    if (error && error.text === text) return;
    const next = remember(history, q);
    setHistory(next);
    saveHistory(scope, next);
    setAt(-1);
    onApply(q);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    const step = historyStep(history, at, e.key === 'ArrowUp', draft);
    setAt(step.at);
    setText(step.text);
  };

  const shownError = error && error.text === text ? error : null;
  return (
    <form className="query-bar" onSubmit={submit} aria-label={scope === 'diff' ? 'Query the changes' : 'Query the records'}>
      <span className="query-label">Where</span>
      <div className={`query-field${shownError ? ' invalid' : ''}`}>
        <input
          ref={input}
          className="input input-small mono"
          value={text}
          maxLength={QUERY_MAX}
          placeholder={scope === 'diff' ? 'changed(status)   — ↑↓ history' : 'status = "pending"   — ↑↓ history'}
          onChange={(e) => {
            setText(e.target.value);
            setDraft(e.target.value);
            setAt(-1);
          }}
          onKeyDown={onKey}
          onScroll={(e) => setScrollLeft(e.currentTarget.scrollLeft)}
          onSelect={(e) => setScrollLeft(e.currentTarget.scrollLeft)}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={shownError !== null}
          aria-describedby={`query-help-${scope}`}
          data-testid={`${scope}-query`}
        />
        {shownError && (
          <span className="query-caret mono" aria-hidden="true" style={{ transform: `translateX(${-scrollLeft}px)` }} data-testid={`${scope}-query-caret`}>
            {caretLine(text, shownError.column)}
          </span>
        )}
      </div>
      <button type="submit" className="btn btn-small" disabled={shownError !== null} data-testid={`${scope}-query-apply`}>
        Find
      </button>
      {applied !== undefined && (
        <button type="button" className="btn btn-small btn-ghost" title="Clear the query" onClick={() => onApply(undefined)}>
          <IconX size={14} /> Clear
        </button>
      )}
      <span id={`query-help-${scope}`} className={`query-help small${shownError ? ' danger' : ' dim'}`} data-testid={`${scope}-query-help`}>
        {shownError ? `Column ${shownError.column}: ${shownError.message}` : focused || text === '' ? SYNTAX[scope] : ''}
      </span>
    </form>
  );
}
