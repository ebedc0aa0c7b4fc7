/**
 * A before/after record list: one row per changed key, its values compared field by field,
 * in split (before | after) or unified (-/+) mode. Presentational and reusable: it takes rows
 * in the `diff.page` shape (`DiffRow`) from whoever has them — the Diff view pages them from
 * the service; a staged-edits review can build them from its own edits.
 *
 * Virtualized: only rows on screen are rendered, and row heights are computed from their
 * lines (see rowLayout.ts), so thousands of rows scroll smoothly. When `hasMore` is set, a
 * loader row sits at the end and `fetchMore` is called as it nears the viewport.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useImperativeHandle, useMemo, useRef, type ReactNode, type Ref } from 'react';
import type { DiffRow } from '../../../../app/contract';
import { KeyText } from '../../components/KeyText';
import { Spinner } from '../../components/Progress';
import { formatBytes } from '../../lib/format';
import { layoutRow, ROW_SIZES, rowFieldDiff, type DiffMode, type DisplayLine, type RowLayout } from './rowLayout';
import './diff.css';

/** Imperative handle of {@link DiffRows}: scroll a row into view. */
export interface DiffRowsHandle {
  scrollToIndex(index: number): void;
}

/** Props of {@link DiffRows}. */
export interface DiffRowsProps {
  /** The rows, in the order shown (`diff.page` rows, or any rows of that shape). */
  readonly rows: readonly DiffRow[];
  /** 'split': before and after side by side; 'unified': one column, a change as − and + lines. */
  readonly mode: DiffMode;
  /** Show fields equal on both sides; when false each row says how many it hides. */
  readonly showUnchanged: boolean;
  /** Key hexes of rows whose unchanged fields show even when `showUnchanged` is false. */
  readonly expanded?: ReadonlySet<string>;
  /** Called when a row's "N unchanged" toggle is clicked; without it the toggle is not shown. */
  readonly onToggleExpanded?: (keyHex: string) => void;
  /** Index of the highlighted row (keyboard focus, n/p). */
  readonly selected?: number;
  readonly onSelect?: (index: number) => void;
  /** Column titles in split mode, e.g. `{ before: 'v1 (#3)', after: 'v2 (#7)' }`. */
  readonly labels?: { readonly before: string; readonly after: string };
  /** More rows exist past the last one: a loader row is shown and `fetchMore` is called near it. */
  readonly hasMore?: boolean;
  readonly fetchMore?: () => void;
  /** The next page is on its way (no second fetchMore is asked meanwhile). */
  readonly fetchingMore?: boolean;
  /** Why the next page failed (shown in the loader row; paging stops). */
  readonly moreError?: string | null;
  /** Shown when `rows` is empty and nothing more is coming. */
  readonly empty?: ReactNode;
  /** Changes when the rows are replaced by another query: scroll back to the top. */
  readonly resetKey?: string;
  /**
   * Called when a row's "load values" button is clicked (rows whose large values the page did
   * not read); without it the button is not shown.
   */
  readonly onLoadValues?: (row: DiffRow) => void;
  /** Key hexes of rows whose values are being loaded, and why loading failed (by key hex). */
  readonly loadingValues?: ReadonlySet<string>;
  readonly loadErrors?: ReadonlyMap<string, string>;
  readonly ref?: Ref<DiffRowsHandle>;
  /** Test id of the scroll container (default `diff-rows`). */
  readonly testId?: string;
}

/** Fetch the next page when the viewport comes this close (rows) to the end. */
const PREFETCH_ROWS = 40;
const LOADER_H = 36;

/** The before/after list. See {@link DiffRowsProps}. */
export function DiffRows({ rows, mode, showUnchanged, expanded, onToggleExpanded, selected = -1, onSelect, labels, hasMore = false, fetchMore, fetchingMore = false, moreError = null, empty, resetKey, onLoadValues, loadingValues, loadErrors, ref, testId = 'diff-rows' }: DiffRowsProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const layouts = useMemo(
    () => rows.map((r) => layoutRow(r, mode, showUnchanged || (expanded?.has(r.key.hex) ?? false))),
    [rows, mode, showUnchanged, expanded],
  );
  const count = rows.length + (hasMore ? 1 : 0);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => layouts[i]?.height ?? LOADER_H,
    overscan: 6,
  });
  // Heights are exact but depend on mode and toggles: re-read them when those change.
  useEffect(() => {
    virtualizer.measure();
  }, [layouts, virtualizer]);
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [resetKey]);
  // A view hidden with display:none loses its scroll position without a scroll event, so the
  // list would keep drawing the rows of the old offset (blank) when shown again: re-read the
  // offset whenever the scroll box changes size (hiding and showing both do).
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => el.dispatchEvent(new Event('scroll')));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useImperativeHandle(ref, () => ({ scrollToIndex: (i: number) => virtualizer.scrollToIndex(i, { align: 'start' }) }), [virtualizer]);

  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (!last || !hasMore || fetchingMore || moreError || !fetchMore) return;
    if (last.index >= rows.length - PREFETCH_ROWS) fetchMore();
  }, [last, hasMore, fetchingMore, rows.length, fetchMore, moreError]);

  if (rows.length === 0 && !hasMore) return <div className="diff-empty">{empty ?? 'No changes.'}</div>;

  return (
    <div className={`diff-list diff-${mode}`}>
      {mode === 'split' && labels && (
        <div className="diff-columns" aria-hidden="true">
          <span />
          <span className="diff-col-before">{labels.before}</span>
          <span className="diff-col-after">{labels.after}</span>
        </div>
      )}
      <div className="diff-scroll" ref={scrollRef} role="list" aria-label="Changed records" data-testid={testId} tabIndex={-1}>
        <div className="diff-inner" style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {items.map((vi) => {
            const row = rows[vi.index];
            const layout = layouts[vi.index];
            return (
              <div key={vi.key} className="diff-row-pos" style={{ transform: `translateY(${vi.start}px)`, height: `${vi.size}px` }}>
                {row && layout ? (
                  <Row
                    row={row}
                    layout={layout}
                    mode={mode}
                    index={vi.index}
                    selected={vi.index === selected}
                    onSelect={onSelect}
                    onToggle={onToggleExpanded}
                    open={expanded?.has(row.key.hex) ?? false}
                    onLoad={onLoadValues}
                    loading={loadingValues?.has(row.key.hex) ?? false}
                    loadError={loadErrors?.get(row.key.hex)}
                  />
                ) : (
                  <div className="diff-loader">{moreError ? <span className="danger">{moreError}</span> : <Spinner label="Loading more changes…" />}</div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

const TYPE_LABEL = { added: 'added', removed: 'removed', changed: 'changed' } as const;

interface RowProps {
  readonly row: DiffRow;
  readonly layout: RowLayout;
  readonly mode: DiffMode;
  readonly index: number;
  readonly selected: boolean;
  readonly onSelect: ((i: number) => void) | undefined;
  readonly onToggle: ((hex: string) => void) | undefined;
  readonly open: boolean;
  readonly onLoad: ((row: DiffRow) => void) | undefined;
  readonly loading: boolean;
  readonly loadError: string | undefined;
}

const Row = memo(function Row({ row, layout, mode, index, selected, onSelect, onToggle, open, onLoad, loading, loadError }: RowProps) {
  const sizes = `${row.before ? formatBytes(row.before.length) : '—'} → ${row.after ? formatBytes(row.after.length) : '—'}`;
  const same = layout.hidden > 0 || open;
  return (
    <div
      className={`diff-row diff-row-${row.type}${selected ? ' selected' : ''}`}
      role="listitem"
      aria-current={selected ? 'true' : undefined}
      data-testid="diff-row"
      data-type={row.type}
      data-key={row.key.hex}
      onClick={() => onSelect?.(index)}
    >
      <div className="diff-row-head" style={{ height: ROW_SIZES.header }}>
        <span className={`diff-type diff-type-${row.type}`}>{TYPE_LABEL[row.type]}</span>
        <span className="diff-key ellipsis">
          <KeyText k={row.key} />
        </span>
        <span className="grow" />
        {onToggle && same && (
          <button
            type="button"
            className="btn btn-ghost diff-mini diff-same-toggle"
            onClick={(e) => {
              e.stopPropagation();
              onToggle(row.key.hex);
            }}
            title={open ? 'Hide the fields that did not change' : 'Show the fields that did not change'}
          >
            {open ? 'hide unchanged' : `${layout.hidden} unchanged`}
          </button>
        )}
        {onLoad && rowFieldDiff(row) === null && (
          <button
            type="button"
            className="btn btn-ghost diff-mini"
            disabled={loading}
            onClick={(e) => {
              e.stopPropagation();
              onLoad(row);
            }}
            title={loadError ?? 'Read both values in full and compare them field by field'}
            data-testid="diff-load-values"
          >
            {loading ? 'loading…' : loadError ? 'retry loading' : 'load values'}
          </button>
        )}
        <span className="diff-sizes mono dim">{sizes}</span>
      </div>
      {layout.lines.map((l, i) => (
        <Line key={i} line={l} mode={mode} />
      ))}
    </div>
  );
});

function Line({ line, mode }: { line: DisplayLine; mode: DiffMode }) {
  const style = { height: ROW_SIZES.line };
  if (line.kind === 'note') {
    return (
      <div className="diff-line diff-note" style={style}>
        <span className="dim">{line.note}</span>
      </div>
    );
  }
  const path = line.path === '' ? <span className="diff-path dim">(value)</span> : <span className="diff-path">{line.path}</span>;
  if (mode === 'split') {
    return (
      <div className={`diff-line diff-split-line diff-${line.kind}`} style={style} data-kind={line.kind}>
        {path}
        <span className="diff-cell diff-before mono ellipsis" title={line.before}>
          {line.before ?? ''}
        </span>
        <span className="diff-cell diff-after mono ellipsis" title={line.after}>
          {line.after ?? ''}
        </span>
      </div>
    );
  }
  const sign = line.kind === 'added' ? '+' : line.kind === 'removed' ? '−' : ' ';
  const text = line.kind === 'added' ? line.after : line.before;
  return (
    <div className={`diff-line diff-unified-line diff-${line.kind}`} style={style} data-kind={line.kind}>
      <span className="diff-sign mono">{sign}</span>
      {path}
      <span className="diff-cell mono ellipsis" title={text}>
        {text ?? ''}
      </span>
    </div>
  );
}
