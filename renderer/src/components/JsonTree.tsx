/**
 * A collapsible JSON tree, flattened to lines (see lib/jsonTree). Keyboard: ↑/↓ move, →/← open
 * and close (or go to parent), Enter follows a reference. References render as links.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Json, RefResolution } from '../../../app/contract';
import { containerPaths, flattenJson, summarize, type JsonLine } from '../lib/jsonTree';
import { formatNumber } from '../../../app/contract/json-text';
import { asBytes, asRef, asTagged, taggedNumberText, type RefTarget } from '../lib/keys';
import { IconChevronDown, IconChevronRight, IconLink } from './Icons';

/** Whether a reference resolves (`useRefStatus`); undefined while unknown. */
type RefStatusOf = (ref: Json) => RefResolution | undefined;

export function JsonTree({ value, onRef, refStatus, defaultDepth = 3 }: { value: Json; onRef?: (ref: RefTarget) => void; refStatus?: RefStatusOf; defaultDepth?: number }) {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [cursor, setCursor] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => flattenJson(value, expanded, collapsed, defaultDepth), [value, expanded, collapsed, defaultDepth]);

  const toggle = (line: JsonLine, open?: boolean) => {
    if (!line.expandable) return;
    const willOpen = open ?? !line.expanded;
    if (willOpen === line.expanded) return;
    const e = new Set(expanded);
    const c = new Set(collapsed);
    if (willOpen) {
      e.add(line.path);
      c.delete(line.path);
    } else {
      e.delete(line.path);
      c.add(line.path);
    }
    setExpanded(e);
    setCollapsed(c);
  };

  const expandAll = () => {
    setExpanded(new Set(containerPaths(value)));
    setCollapsed(new Set());
  };
  const collapseAll = () => {
    setExpanded(new Set());
    setCollapsed(new Set(['']));
  };

  const onKey = (ev: KeyboardEvent<HTMLDivElement>) => {
    const line = lines[cursor];
    if (!line) return;
    let next = cursor;
    switch (ev.key) {
      case 'ArrowDown':
        next = Math.min(lines.length - 1, cursor + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, cursor - 1);
        break;
      case 'ArrowRight':
        if (line.expandable && !line.expanded) toggle(line, true);
        else next = Math.min(lines.length - 1, cursor + 1);
        break;
      case 'ArrowLeft':
        if (line.expanded) toggle(line, false);
        else {
          for (let i = cursor - 1; i >= 0; i -= 1) {
            const l = lines[i];
            if (l && !l.closing && l.depth < line.depth) {
              next = i;
              break;
            }
          }
        }
        break;
      case 'Enter':
      case ' ': {
        const r = line.kind === 'ref' ? asRef(line.value) : null;
        if (r && onRef) onRef(r);
        else toggle(line);
        break;
      }
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = lines.length - 1;
        break;
      default:
        return;
    }
    ev.preventDefault();
    setCursor(next);
    ref.current?.querySelector<HTMLElement>(`[data-line="${next}"]`)?.scrollIntoView({ block: 'nearest' });
  };

  return (
    <div className="json-tree-wrap">
      <div className="json-tree-tools">
        <button type="button" className="btn btn-small btn-ghost" onClick={expandAll}>
          Expand all
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={collapseAll}>
          Collapse
        </button>
      </div>
      <div className="json-tree mono" role="tree" tabIndex={0} ref={ref} onKeyDown={onKey} aria-label="Value">
        {lines.map((line, i) => (
          <JsonRow key={line.path} line={line} active={i === cursor} index={i} onToggle={() => toggle(line)} onFocus={() => setCursor(i)} onRef={onRef} refStatus={refStatus} />
        ))}
      </div>
    </div>
  );
}

function JsonRow({ line, active, index, onToggle, onFocus, onRef, refStatus }: { line: JsonLine; active: boolean; index: number; onToggle: () => void; onFocus: () => void; onRef?: (ref: RefTarget) => void; refStatus?: RefStatusOf }) {
  const indent = { paddingLeft: `${line.depth * 14 + 4}px` };
  if (line.closing) {
    return (
      <div className={`json-line${active ? ' active' : ''}`} style={indent} data-line={index} onClick={onFocus}>
        <span className="twisty-spacer" />
        <span className="tok-punct">{line.kind === 'array' ? ']' : '}'}</span>
      </div>
    );
  }
  const label =
    line.label === null ? null : (
      <>
        <span className={typeof line.label === 'number' ? 'tok-index' : 'tok-key'}>{typeof line.label === 'number' ? line.label : JSON.stringify(line.label)}</span>
        <span className="tok-punct">: </span>
      </>
    );
  const container = line.kind === 'object' || line.kind === 'array';
  return (
    <div
      className={`json-line${active ? ' active' : ''}`}
      style={indent}
      role="treeitem"
      aria-expanded={line.expandable ? line.expanded : undefined}
      aria-level={line.depth + 1}
      aria-selected={active}
      data-line={index}
      onClick={() => {
        onFocus();
        if (line.expandable) onToggle();
      }}
    >
      {line.expandable ? <span className="twisty">{line.expanded ? <IconChevronDown size={12} /> : <IconChevronRight size={12} />}</span> : <span className="twisty-spacer" />}
      {label}
      {container ? (
        line.expanded ? (
          <span className="tok-punct">{line.kind === 'array' ? '[' : '{'}</span>
        ) : (
          <span className="tok-summary">{summarize(line.value)}</span>
        )
      ) : (
        <Scalar line={line} onRef={onRef} refStatus={refStatus} />
      )}
    </div>
  );
}

function Scalar({ line, onRef, refStatus }: { line: JsonLine; onRef?: (ref: RefTarget) => void; refStatus?: RefStatusOf }) {
  if (line.kind === 'ref') {
    const r = asRef(line.value);
    if (!r) return null;
    // Dangling targets stay clickable: Records then shows where the key would be.
    const status = refStatus?.(line.value);
    const state = status === undefined ? 'unknown' : status.dangling ? 'dangling' : 'ok';
    const where = status?.storeVersion !== null && status?.storeVersion !== undefined ? ` in version #${status.storeVersion}` : r.at ? ` in ${r.at}` : '';
    return (
      <button
        type="button"
        className={`ref-link mono${state === 'dangling' ? ' ref-dangling' : ''}`}
        data-ref-state={state}
        title={
          state === 'dangling'
            ? `Dangling reference: ${status?.error ?? `no record ${r.label}${where}`}`
            : `Go to ${r.label}${r.at ? ` in ${r.at}` : ''}`
        }
        onClick={(e) => {
          e.stopPropagation();
          onRef?.(r);
        }}
      >
        <IconLink size={12} /> {r.label}
        {r.at ? <span className="tok-null"> @ {r.at}</span> : null}
        {state === 'dangling' ? <span className="ref-dangling-tag">dangling</span> : null}
      </button>
    );
  }
  if (line.kind === 'bytes') return <span className="tok-bytes">0x{asBytes(line.value)}</span>;
  if (line.kind === 'tagged') {
    const t = asTagged(line.value);
    // Numbers exactly as the value editor writes them: 12345678901234567890 (int64), 5n, -0.
    const number = t ? taggedNumberText(t) : null;
    return (
      <span className={number !== null ? 'tok-number json-scalar' : 'tok-other'}>
        {number ?? t?.text}
        {!(t?.tag === 'number' && number !== null) && <span className="tok-tag"> {t?.tag}</span>}
      </span>
    );
  }
  const cls = line.kind === 'string' ? 'tok-string' : line.kind === 'number' ? 'tok-number' : line.kind === 'bool' ? 'tok-bool' : 'tok-null';
  return <span className={`${cls} json-scalar`}>{typeof line.value === 'number' ? formatNumber(line.value) : JSON.stringify(line.value)}</span>;
}
