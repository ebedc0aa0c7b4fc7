/**
 * Diff: two versions compared key by key. The list pages `diff.page` on demand as it scrolls
 * (never the whole diff), values are compared field by field (DiffRows), and two jobs run
 * beside it: `diff.summary` for the counts (with a progress bar and Cancel, for wide diffs)
 * and `diff.density` for the strip of where in the key space the changes are.
 * When A and B are two branches, the default is "changes since the fork": from their merge base
 * (`merge.base`) to B, so what A did meanwhile is not listed as undone; the two-way compare of
 * the heads is one click away, and the line above the list says which is shown.
 * Keys: n / p move to the next / previous change.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { DiffPageResult, KeyInput, KeyView } from '../../../../app/contract';
import { useCall, useInfiniteCall, useJob } from '../../api/hooks';
import { Segmented } from '../../components/Empty';
import { ErrorPanel } from '../../components/ErrorPanel';
import { IconX } from '../../components/Icons';
import { ProgressBar } from '../../components/Progress';
import { formatCount } from '../../lib/format';
import { keyText, parseKeyText, type KeyMode } from '../../lib/keys';
import { useOpenStore, useSession } from '../../shell/session';
import { DensityStrip } from './DensityStrip';
import { QueryBar } from '../../components/QueryBar';
import { DiffRows, type DiffRowsHandle } from './DiffRows';
import { compareLabel, comparesBranches, effectiveFrom, type CompareMode } from './forkCompare';
import type { DiffMode } from './rowLayout';
import { useLoadedValues } from './useLoadedValues';
import { parseVersionRef, SUGGESTED_VERSIONS, useVersionOptions, VersionPicker } from './VersionPicker';
import './diff.css';

const PAGE = 100;
const DENSITY_BUCKETS = 96;

const MODES: readonly { value: DiffMode; label: string; title: string }[] = [
  { value: 'split', label: 'Split', title: 'Before and after side by side' },
  { value: 'unified', label: 'Unified', title: 'One column: removed (−) and added (+) lines' },
];

/** What is being compared (applied from the pickers, or from another view). */
interface Compare {
  readonly a: string;
  readonly b: string;
  readonly prefix: KeyInput | null;
  readonly prefixText: string;
}

export function DiffView() {
  const store = useOpenStore();
  const session = useSession();
  const options = useVersionOptions(store.storeId);
  const head = store.info.head;
  // The first comparison: the head against its parent. Kept in state so later commits do not
  // change what the user is looking at.
  const [initial] = useState<Compare>(() => ({ a: head.parents[0] !== undefined ? `#${head.parents[0]}` : `#${head.id}`, b: `#${head.id}`, prefix: null, prefixText: '' }));
  const [draftA, setDraftA] = useState(initial.a);
  const [draftB, setDraftB] = useState(initial.b);
  const [prefixDraft, setPrefixDraft] = useState('');
  const [keyMode, setKeyMode] = useState<KeyMode>('tuple');
  const [compare, setCompare] = useState<Compare>(initial);
  const [formError, setFormError] = useState<string | null>(null);
  const [mode, setMode] = useState<DiffMode>('split');
  const [showUnchanged, setShowUnchanged] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState(0);
  const [jump, setJump] = useState<{ key: KeyView; bucket: number } | null>(null);
  // A query over the changes (`changed(status)`): the list shows only the changes it matches.
  const [query, setQuery] = useState<string | undefined>(undefined);
  const list = useRef<DiffRowsHandle>(null);
  const [compareMode, setCompareMode] = useState<CompareMode>('fork');

  // Two branches compare from their merge base unless the person asked for the two-way diff.
  const lineage = useCall('versions.list', { storeId: store.storeId, limit: SUGGESTED_VERSIONS });
  const branches = useMemo(() => lineage.data?.branches.map((b) => b.name) ?? [], [lineage.data]);
  const forkPair = compareMode === 'fork' && comparesBranches(compare.a, compare.b, branches);
  const baseQuery = useCall('merge.base', forkPair ? { storeId: store.storeId, a: compare.a, b: compare.b } : null);
  const base = baseQuery.isError ? null : baseQuery.data ? (baseQuery.data.base?.id ?? null) : undefined;
  // Until the branches are known, whether A and B are branches is not known either.
  const from = lineage.data || lineage.isError ? effectiveFrom(compare.a, compare.b, branches, compareMode, base) : undefined;
  const modeLabel = compareLabel(compare.a, compare.b, branches, compareMode, base);

  const params = useMemo(
    () =>
      from === undefined
        ? null
        : {
            storeId: store.storeId,
            a: from,
            b: compare.b,
            limit: PAGE,
            ...(compare.prefix ? { prefix: compare.prefix } : {}),
            ...(jump ? { from: { hex: jump.key.hex } } : {}),
            ...(query !== undefined ? { where: query } : {}),
          },
    [store.storeId, compare, jump, from, query],
  );
  const pages = useInfiniteCall('diff.page', params, 'after', (p: DiffPageResult) => p.nextAfter);
  const rows = useMemo(() => pages.data?.pages.flatMap((p) => p.rows) ?? [], [pages.data]);
  const firstPage = pages.data?.pages[0];
  const hasMore = pages.hasNextPage ?? false;
  const sides = useMemo(() => (firstPage ? { a: firstPage.a, b: firstPage.b } : undefined), [firstPage]);
  const values = useLoadedValues(store.storeId, rows, sides, `${from} ${compare.b} #${sides?.a}-#${sides?.b}`);

  const summary = useJob('diff.summary');
  const density = useJob('diff.density');
  const { run: runSummary } = summary;
  const { run: runDensity } = density;
  const scope = useMemo(
    () => (from === undefined ? null : { storeId: store.storeId, a: from, b: compare.b, ...(compare.prefix ? { prefix: compare.prefix } : {}) }),
    [store.storeId, compare, from],
  );
  const { cancel: cancelSummary, reset: resetSummary } = summary;
  const { cancel: cancelDensity, reset: resetDensity } = density;
  const count = useCallback(() => {
    // A new comparison supersedes the jobs of the previous one: stop them on the host too.
    cancelSummary();
    cancelDensity();
    resetSummary();
    resetDensity();
    if (scope === null) return;
    // One after the other: each is a full diff pass, and the counts matter first. A superseded
    // summary resolves undefined, so a stale one never starts a density pass.
    void runSummary(scope).then((r) => {
      if (r && r.added + r.removed + r.changed > 0) void runDensity({ ...scope, buckets: DENSITY_BUCKETS });
    });
  }, [runSummary, runDensity, cancelSummary, cancelDensity, resetSummary, resetDensity, scope]);
  // New versions or prefix: count again (the jobs of the previous comparison are superseded).
  useEffect(() => {
    count();
  }, [count, store.generation]);

  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    const a = parseVersionRef(draftA);
    const b = parseVersionRef(draftB);
    if (a === null || b === null) {
      setFormError(`Name ${a === null ? 'the version to compare from (A)' : 'the version to compare with (B)'}: an id, a snapshot or a branch.`);
      return;
    }
    let prefix: KeyInput | null = null;
    if (prefixDraft.trim()) {
      const parsed = parseKeyText(prefixDraft, keyMode);
      if (!parsed.ok) {
        setFormError(`Prefix: ${parsed.error}`);
        return;
      }
      prefix = parsed.key;
    }
    setFormError(null);
    setJump(null);
    setSelected(0);
    setCompare({ a, b, prefix, prefixText: prefixDraft.trim() });
  };

  const swap = () => {
    setDraftA(draftB);
    setDraftB(draftA);
    setJump(null);
    setSelected(0);
    setCompare((c) => ({ ...c, a: c.b, b: c.a }));
  };

  // Requests from other views (Lineage): "compare these two versions".
  const intent = session.intent;
  const handled = useRef(0);
  useEffect(() => {
    if (!intent || intent.kind !== 'diff.versions' || handled.current === intent.id) return;
    handled.current = intent.id;
    const a = String(typeof intent.a === 'number' ? `#${intent.a}` : intent.a);
    const b = String(typeof intent.b === 'number' ? `#${intent.b}` : intent.b);
    setDraftA(a);
    setDraftB(b);
    setPrefixDraft('');
    setFormError(null);
    setJump(null);
    setSelected(0);
    setCompareMode('fork');
    setCompare({ a, b, prefix: null, prefixText: '' });
  }, [intent]);

  const move = useCallback(
    (to: number) => {
      if (rows.length === 0) return;
      const i = Math.max(0, Math.min(rows.length - 1, to));
      setSelected(i);
      list.current?.scrollToIndex(i);
    },
    [rows.length],
  );

  // n / p: next / previous change, wherever the focus is (except while typing in a field).
  const visible = session.view === 'diff';
  useEffect(() => {
    if (!visible) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
      if (e.key === 'n') move(selected + 1);
      else if (e.key === 'p') move(selected - 1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [visible, move, selected]);

  const toggleRow = useCallback((hex: string) => {
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(hex)) next.delete(hex);
      else next.add(hex);
      return next;
    });
  }, []);

  const onJump = (i: number) => {
    const bucket = density.result?.buckets[i];
    if (!bucket?.firstKey) return;
    setJump({ key: bucket.firstKey, bucket: i });
    setSelected(0);
  };

  const versionName = (ref: string, id: number | undefined) => (id === undefined ? ref : ref === `#${id}` ? `#${id}` : `${ref} (#${id})`);
  const labels = firstPage ? { before: `A · ${from !== compare.a ? `merge base #${firstPage.a}` : versionName(compare.a, firstPage.a)}`, after: `B · ${versionName(compare.b, firstPage.b)}` } : undefined;
  const counts = summary.result;
  const identicalIds = firstPage !== undefined && firstPage.a === firstPage.b;
  const noChanges = counts !== undefined && counts.added + counts.removed + counts.changed === 0;
  const where = compare.prefixText ? ` under prefix ${compare.prefixText}` : '';
  const badA = pages.error?.code === 'VERSION_NOT_FOUND' && pages.error.message.includes(JSON.stringify(compare.a));
  const badB = pages.error?.code === 'VERSION_NOT_FOUND' && pages.error.message.includes(JSON.stringify(compare.b));

  return (
    <div className="diffview">
      <form className="toolbar" onSubmit={apply} aria-label="Versions to compare">
        <div className="diff-pickers">
          <VersionPicker label="A" labelClass="side-a" value={draftA} onChange={setDraftA} options={options} invalid={badA} testId="diff-a" />
          <button type="button" className="btn btn-small btn-ghost" onClick={swap} title="Swap A and B" aria-label="Swap A and B">
            ⇄
          </button>
          <VersionPicker label="B" labelClass="side-b" value={draftB} onChange={setDraftB} options={options} invalid={badB} testId="diff-b" />
        </div>
        <label className="filter-field">
          <span>Prefix</span>
          <input className="input input-small mono" value={prefixDraft} onChange={(e) => setPrefixDraft(e.target.value)} placeholder={keyMode === 'hex' ? '0a1b' : keyMode === 'text' ? 'user:' : '"users"'} spellCheck={false} autoComplete="off" data-testid="diff-prefix" />
        </label>
        <Segmented
          label="Prefix notation"
          size="small"
          value={keyMode}
          onChange={setKeyMode}
          options={[
            { value: 'tuple', label: 'Tuple' },
            { value: 'text', label: 'Text' },
            { value: 'hex', label: 'Hex' },
          ]}
        />
        <button type="submit" className="btn btn-small btn-primary" data-testid="diff-apply">
          Compare
        </button>
        <span className="grow" />
        <Segmented label="Diff layout" size="small" value={mode} options={MODES} onChange={setMode} />
        <label className="check small" title="Show the fields that are the same in both versions">
          <input type="checkbox" checked={showUnchanged} onChange={(e) => setShowUnchanged(e.target.checked)} data-testid="diff-show-unchanged" />
          <span>Show unchanged fields</span>
        </label>
      </form>
      <QueryBar scope="diff" applied={query} onApply={(q) => {
        setQuery(q);
        setSelected(0);
      }} />
      {formError && <div className="inline-error small">{formError}</div>}
      {modeLabel && (
        <div className="notice small diff-compare-mode" data-testid="diff-compare-mode" data-mode={compareMode}>
          <span>{modeLabel}</span>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              setJump(null);
              setSelected(0);
              setCompareMode((m) => (m === 'fork' ? 'two-way' : 'fork'));
            }}
            data-testid="diff-toggle-fork"
          >
            {compareMode === 'fork' ? 'Two-way compare' : 'Changes since the fork'}
          </button>
        </div>
      )}

      <div className="diff-summary" data-testid="diff-summary">
        {summary.running ? (
          <ProgressBar progress={summary.progress} label="Counting changes…" unit="slices" onCancel={() => {
            summary.cancel();
            density.cancel();
          }} />
        ) : counts ? (
          <>
            <span className="diff-count diff-count-added" data-testid="count-added">
              <b>{formatCount(counts.added)}</b> added
            </span>
            <span className="diff-count diff-count-removed" data-testid="count-removed">
              <b>{formatCount(counts.removed)}</b> removed
            </span>
            <span className="diff-count diff-count-changed" data-testid="count-changed">
              <b>{formatCount(counts.changed)}</b> changed
            </span>
            <span className="small dim">
              #{counts.a} → #{counts.b}
              {where}
              {query !== undefined ? ' · counts of every change; the list shows those matching the query' : ''}
            </span>
          </>
        ) : summary.cancelled ? (
          <>
            <span className="small dim">Counting was cancelled; the list below still pages through the changes.</span>
            <button type="button" className="btn btn-small" onClick={count}>
              Count again
            </button>
          </>
        ) : summary.error ? (
          <span className="danger small">Counting failed: {summary.error.message}</span>
        ) : (
          <span className="small dim">Counting changes…</span>
        )}
        <span className="grow" />
        <span className="small dim" data-testid="diff-status">
          {pages.isLoading ? 'Loading…' : `${formatCount(rows.length)}${hasMore ? '+' : ''} ${query !== undefined ? 'matching the query ' : ''}shown`}
          {pages.isFetchingNextPage ? ' · loading more…' : ''}
          {rows.length > 0 ? ` · change ${selected + 1} selected · n / p` : ''}
        </span>
      </div>
      {density.running && (
        <div className="density small dim" data-testid="density-running">
          Mapping where in the key space the changes are…
        </div>
      )}
      {density.result && !density.running && !noChanges && <DensityStrip buckets={density.result.buckets} active={jump?.bucket ?? -1} onJump={onJump} />}
      {jump && (
        <div className="notice small">
          Showing changes from {keyText(jump.key)} on.{' '}
          <button type="button" className="btn btn-ghost diff-mini" onClick={() => setJump(null)}>
            <IconX size={12} /> Show from the start
          </button>
        </div>
      )}

      <div className="diff-body">
        {pages.error && rows.length === 0 ? (
          <div className="pad">
            <ErrorPanel error={pages.error} path={store.path} compact actions={pages.error.code === 'VERSION_NOT_FOUND' ? <span className="small dim">Pick a version from the suggestions, or type an id such as #{head.id}.</span> : undefined} />
          </div>
        ) : (
          <DiffRows
            ref={list}
            rows={values.rows}
            onLoadValues={values.load}
            loadingValues={values.loading}
            loadErrors={values.errors}
            mode={mode}
            showUnchanged={showUnchanged}
            expanded={expanded}
            onToggleExpanded={toggleRow}
            selected={selected}
            onSelect={setSelected}
            labels={labels}
            hasMore={hasMore || pages.isLoading}
            fetchMore={() => void pages.fetchNextPage()}
            fetchingMore={pages.isFetchingNextPage || pages.isLoading}
            moreError={pages.error && rows.length > 0 ? pages.error.message : null}
            resetKey={JSON.stringify(params)}
            empty={
              <>
                <div className="empty-title" data-testid="diff-empty">
                  {identicalIds ? `A and B are the same version (#${firstPage.a})` : query !== undefined ? 'No changes match the query' : noChanges || firstPage ? 'No differences' : 'No changes'}
                </div>
                <div className="small">
                  {identicalIds
                    ? 'Pick two different versions to see what changed between them.'
                    : `Versions #${firstPage?.a ?? '?'} and #${firstPage?.b ?? '?'} hold the same records${where}.`}
                </div>
              </>
            }
          />
        )}
      </div>
    </div>
  );
}
