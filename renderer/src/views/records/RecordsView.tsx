/**
 * Records: a virtual list over a range of any size. Only the rows on screen are drawn, placed
 * by the scroll model (scrollModel.ts: a scaled scrollbar past the browsers' height caps); the
 * first pages come through a cursor (`records.page`), any other position by `records.pageAt`,
 * and the exact total from `records.count` (useRecordWindow). Filters: prefix, from/to,
 * reverse, jump to a key (rows keep their real numbers), and a query on values (QueryBar).
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import type { KeyInput, PageResult, RecordRow, ValueView } from '../../../../app/contract';
import { useCall, useInfiniteCall, useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { Segmented } from '../../components/Empty';
import { ErrorPanel } from '../../components/ErrorPanel';
import { QueryBar } from '../../components/QueryBar';
import { IconDownload, IconSearch, IconSort, IconX } from '../../components/Icons';
import { KeyText } from '../../components/KeyText';
import { Spinner } from '../../components/Progress';
import { formatBytes } from '../../lib/format';
import { previewLine } from '../../lib/jsonTree';
import { keyText, parseKeyText, type KeyMode, type RefTarget } from '../../lib/keys';
import { useOpenStore, useSession } from '../../shell/session';
import { EditBar, EditSwitch, useEditController } from '../edit/EditBar';
import { headNote, useOwnWrite } from '../edit/ownWrites';
import { withStagedValue, type StagedMark } from '../edit/useEdit';
import { ExportDialog } from './ExportDialog';
import { buildRange, describeFilter, EMPTY_FILTER, type FilterText, type Jump } from './filters';
import { RecordDetail } from './RecordDetail';
import { useRecordWindow, type RecordWindow } from './useRecordWindow';
import { contentHeight, firstRowAt, firstRowToShow, isScaled, scrollTopFor, visibleRows, type ScrollGeometry } from './scrollModel';
import { knownTotal, rowNumber, slotAt, totalText } from './window';

const PAGE = 200;
const ROW_H = 26;
/** Fetch the next page when the viewport comes this close (rows) to the end of what is loaded. */
const PREFETCH_ROWS = 120;
/** Rows drawn beyond the bottom of the viewport (smooths small scrolls). */
const OVERSCAN = 8;

const MODES: readonly { value: KeyMode; label: string; title: string }[] = [
  { value: 'tuple', label: 'Tuple', title: 'Keys as tuples: users, 42  or  ("users", 42)' },
  { value: 'text', label: 'Text', title: 'Keys as UTF-8 text' },
  { value: 'hex', label: 'Hex', title: 'Keys as hex bytes: 0a1b2c' },
];

export function RecordsView() {
  const store = useOpenStore();
  const session = useSession();
  const transport = useTransport();
  const [draft, setDraft] = useState<FilterText>(EMPTY_FILTER);
  const [filter, setFilter] = useState<FilterText>(EMPTY_FILTER);
  const [jump, setJump] = useState<Jump | null>(null);
  const [where, setWhere] = useState<string | undefined>(undefined);
  const [jumpText, setJumpText] = useState('');
  const [jumpError, setJumpError] = useState<string | null>(null);
  const [hexKeys, setHexKeys] = useState(false);
  const [selected, setSelected] = useState<number>(0);
  const [exporting, setExporting] = useState(false);
  const [detailW, setDetailW] = useState(440);
  const edit = useEditController(store.storeId);
  // "committed v#N" when this window made the head, "live (v#N)" when another process did.
  const note = headNote(store.info.head.id, store.generation, useOwnWrite(store.storeId));
  // Rows marked with Ctrl/Cmd+click or Shift+click, for deleting a selection (by key hex).
  const [marked, setMarked] = useState<ReadonlySet<string>>(new Set());

  const built = useMemo(() => buildRange(filter, jump), [filter, jump]);
  // Time travel: the list reads the version the session browses (the head when none).
  const at = session.at?.version;
  const params = built.ok ? { storeId: store.storeId, limit: PAGE, ...(built.range ? { range: built.range } : {}), ...(where !== undefined ? { where } : {}), ...(at !== undefined ? { at } : {}) } : null;
  // After a jump the list starts at the key: its rows are numbered by their real position in
  // the filtered range (the key's index), not from 1. Unknown under a query (no positions).
  const base = useJumpBase(store.storeId, filter, jump, where, at);
  const pages = useInfiniteCall('records.page', params, 'after', (p: PageResult) => p.nextAfter);
  const rows = useMemo<readonly RecordRow[]>(() => pages.data?.pages.flatMap((p) => p.rows) ?? [], [pages.data]);
  const hasMore = pages.hasNextPage ?? false;
  const { fetchNextPage, isFetchingNextPage } = pages;
  const fetchHead = useCallback(() => {
    if (hasMore && !isFetchingNextPage) void fetchNextPage();
  }, [hasMore, isFetchingNextPage, fetchNextPage]);
  const win = useRecordWindow(params, store.generation, rows, pages.data !== undefined && !hasMore, fetchHead, base);

  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    setJump(null);
    setFilter(draft);
    setSelected(0);
  };

  const clearAll = () => {
    setWhere(undefined);
    setDraft(EMPTY_FILTER);
    setFilter(EMPTY_FILTER);
    setJump(null);
    setJumpText('');
    setJumpError(null);
    setSelected(0);
  };

  /**
   * Starts the list at `key`. A reference or another view's request names a record anywhere,
   * so it clears the filters first (keeping the reverse order would also hide it); a jump typed
   * here stays within the filters.
   */
  const jumpTo = useCallback(
    async (key: KeyInput, label: string, clearFilters = false) => {
      setJumpError(null);
      try {
        const r = await transport.call('records.value', { storeId: store.storeId, key, ...(at !== undefined ? { at } : {}) });
        if (clearFilters) {
          setDraft((d) => ({ ...EMPTY_FILTER, mode: d.mode }));
          setFilter((f) => ({ ...EMPTY_FILTER, mode: f.mode }));
        }
        setJump({ hex: r.key.hex, label, found: r.found });
        setSelected(0);
      } catch (e) {
        setJumpError(e instanceof ApiError ? e.message : String(e));
      }
    },
    [transport, store.storeId, at],
  );

  const submitJump = (e: FormEvent) => {
    e.preventDefault();
    if (!jumpText.trim()) {
      setJump(null);
      return;
    }
    const parsed = parseKeyText(jumpText, draft.mode);
    if (!parsed.ok) {
      setJumpError(parsed.error);
      return;
    }
    void jumpTo(parsed.key, jumpText.trim());
  };

  const followRef = useCallback((r: RefTarget) => void jumpTo(r.key, r.label, true), [jumpTo]);

  // Requests from other views: "show this key in Records".
  const intent = session.intent;
  const handled = useRef<number>(0);
  useEffect(() => {
    if (!intent || handled.current === intent.id) return;
    if (intent.kind === 'records.jump') {
      handled.current = intent.id;
      setJumpText(intent.label);
      void jumpTo(intent.key, intent.label, true);
    } else if (intent.kind === 'records.prefix') {
      // A prefix from the key-space breakdown: the records under it, every other filter cleared.
      handled.current = intent.id;
      const next = { ...EMPTY_FILTER, prefix: intent.prefix };
      setDraft(next);
      setFilter(next);
      setJump(null);
      setJumpText('');
      setWhere(undefined);
      setSelected(0);
    }
  }, [intent, jumpTo]);

  const row = win.rowAt(selected);
  const fieldError = built.ok ? null : built;
  const loadedRows = win.loaded;
  const markedRows = useMemo(() => loadedRows.filter((r) => marked.has(r.key.hex)), [loadedRows, marked]);
  const rowAt = win.rowAt;
  const onMark = useCallback(
    (index: number, range: boolean) => {
      const span = range ? Array.from({ length: Math.abs(index - selected) + 1 }, (_, k) => rowAt(Math.min(selected, index) + k)) : [rowAt(index)];
      const keys = span.flatMap((r) => (r ? [r.key.hex] : []));
      setMarked((m) => {
        const next = new Set(m);
        const add = range || !m.has(keys[0] ?? '');
        for (const k of keys) if (add) next.add(k);
        else next.delete(k);
        return next;
      });
    },
    [rowAt, selected],
  );

  return (
    <div className="records">
      <form className="toolbar" onSubmit={apply} aria-label="Filter records">
        <Segmented label="Key notation" size="small" value={draft.mode} options={MODES} onChange={(mode) => setDraft({ ...draft, mode })} />
        <FilterField label="Prefix" value={draft.prefix} onChange={(prefix) => setDraft({ ...draft, prefix })} placeholder={draft.mode === 'hex' ? '0a1b' : draft.mode === 'text' ? 'user:' : 'user:01 or ("orders", 7)'} invalid={fieldError?.field === 'prefix'} testId="filter-prefix" />
        <FilterField label="From" value={draft.from} onChange={(from) => setDraft({ ...draft, from })} placeholder="first key" invalid={fieldError?.field === 'from'} testId="filter-from" />
        <FilterField label="To" value={draft.to} onChange={(to) => setDraft({ ...draft, to })} placeholder="end (exclusive)" invalid={fieldError?.field === 'to'} testId="filter-to" />
        <button type="button" className={`btn btn-small${draft.reverse ? ' btn-on' : ''}`} aria-pressed={draft.reverse} title="Scan in reverse key order" onClick={() => setDraft({ ...draft, reverse: !draft.reverse })}>
          <IconSort size={14} /> Reverse
        </button>
        <button type="submit" className="btn btn-small btn-primary" data-testid="filter-apply">
          Apply
        </button>
        {(filter !== EMPTY_FILTER || jump || where !== undefined) && (
          <button type="button" className="btn btn-small btn-ghost" onClick={clearAll} title="Clear filters">
            <IconX size={14} /> Clear
          </button>
        )}
      </form>
      <QueryBar
        scope="records"
        applied={where}
        onApply={(q) => {
          setWhere(q);
          setSelected(0);
        }}
      />
      <div className="toolbar toolbar-2">
        <EditSwitch edit={edit} travelling={at !== undefined} />
        <form className="jump" onSubmit={submitJump} aria-label="Jump to key">
          <IconSearch size={14} />
          <input className="input input-small mono" placeholder="Jump to key…" value={jumpText} onChange={(e) => setJumpText(e.target.value)} aria-label="Jump to key" spellCheck={false} data-testid="jump-key" />
          <button type="submit" className="btn btn-small">
            Go
          </button>
        </form>
        <label className="check small">
          <input type="checkbox" checked={hexKeys} onChange={(e) => setHexKeys(e.target.checked)} />
          <span>Raw hex keys</span>
        </label>
        <span className="grow" />
        <span className="status small dim" data-testid="records-status">
          {pages.isLoading ? 'Loading…' : `${totalText(win.shape, win.counting, where !== undefined)} · ${describeFilter(filter, jump, where)}`}
          {pages.isFetchingNextPage ? ' · loading more…' : ''}
          {note ? ` · ${note}` : ''}
        </span>
        <button type="button" className="btn btn-small" onClick={() => setExporting(true)} disabled={!built.ok || where !== undefined} title={where !== undefined ? 'Export writes whole ranges, not query results' : 'Export the filtered range to a file'}>
          <IconDownload size={14} /> Export…
        </button>
      </div>
      {at === undefined && <EditBar edit={edit} row={row} marked={markedRows} rangeText={filter} onCommitted={() => setMarked(new Set())} />}
      {fieldError && <div className="inline-error small">{`${fieldError.field}: ${fieldError.error}`}</div>}
      {jumpError && <div className="inline-error small">{`Jump: ${jumpError}`}</div>}
      {jump && !jump.found && <div className="notice small">{`${jump.label} is not in the store; showing the records that follow it.`}</div>}

      <div className="records-body">
        <div className="records-list-wrap">
          {pages.error && rows.length === 0 ? (
            <div className="pad">
              <ErrorPanel error={pages.error} path={store.path} actions={<button type="button" className="btn btn-small" onClick={() => void pages.refetch()}>Retry</button>} />
            </div>
          ) : (
            <RecordList
              win={win}
              loading={pages.isLoading}
              fetchingMore={pages.isFetchingNextPage}
              selected={selected}
              onSelect={setSelected}
              hexKeys={hexKeys}
              resetKey={JSON.stringify(params)}
              moreError={pages.error && rows.length > 0 ? pages.error : null}
              staged={edit.marks}
              stagedValues={at === undefined ? edit.stagedValues : NO_STAGED_VALUES}
              marked={marked}
              onMark={onMark}
              onEditKey={(key) => at === undefined && edit.onListKey(key, row, markedRows)}
            />
          )}
        </div>
        <Splitter width={detailW} onWidth={setDetailW} />
        <aside className="records-detail" style={{ width: `${detailW}px` }} aria-label="Record">
          {row ? (
            <RecordDetail
              key={row.key.hex}
              row={at === undefined ? withStagedValue(row, edit.stagedValues) : row}
              staged={at === undefined ? edit.marks.get(row.key.hex) : undefined}
              storeId={store.storeId}
              onRef={followRef}
              onShowInTree={() => session.navigate('tree', { kind: 'tree.find', key: { hex: row.key.hex }, label: keyText(row.key) })}
            />
          ) : (
            <div className="empty small dim">{pages.isLoading ? '' : 'Select a record to see its key and value.'}</div>
          )}
        </aside>
      </div>
      {exporting && built.ok && <ExportDialog storePath={store.path} storeId={store.storeId} range={built.range} description={describeFilter(filter, jump)} onClose={() => setExporting(false)} />}
    </div>
  );
}

/**
 * The position of a jump's key in the range without the jump (`records.indexOf`, O(log n) in
 * the engine): the number of the list's first row after a jump. 0 without a jump, or under a
 * query (filtered rows have no positions to look up).
 */
function useJumpBase(storeId: string, filter: FilterText, jump: Jump | null, where: string | undefined, at: number | undefined): number {
  const range = useMemo(() => {
    const built = buildRange(filter, null);
    return built.ok ? built.range : undefined;
  }, [filter]);
  const params = jump && where === undefined ? { storeId, key: { hex: jump.hex }, ...(range ? { range } : {}), ...(at !== undefined ? { at } : {}) } : null;
  const position = useCall('records.indexOf', params);
  return params && position.data ? position.data.index : 0;
}

/** Rows of an older version (time travel) show what that version holds, never the stage. */
const NO_STAGED_VALUES: ReadonlyMap<string, ValueView> = new Map();

function FilterField({ label, value, onChange, placeholder, invalid, testId }: { label: string; value: string; onChange: (v: string) => void; placeholder: string; invalid: boolean; testId: string }) {
  return (
    <label className={`filter-field${invalid ? ' invalid' : ''}`}>
      <span>{label}</span>
      <input className="input input-small mono" value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} spellCheck={false} autoComplete="off" data-testid={testId} />
    </label>
  );
}

/** Drag handle between the list and the detail panel. */
function Splitter({ width, onWidth }: { width: number; onWidth: (w: number) => void }) {
  const start = (e: ReactPointerEvent<HTMLDivElement>) => {
    const x0 = e.clientX;
    const w0 = width;
    const el = e.currentTarget;
    el.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => onWidth(Math.max(300, Math.min(window.innerWidth * 0.6, w0 - (ev.clientX - x0))));
    const up = () => {
      el.removeEventListener('pointermove', move);
      el.removeEventListener('pointerup', up);
    };
    el.addEventListener('pointermove', move);
    el.addEventListener('pointerup', up);
  };
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={start}
      onKeyDown={(e) => {
        if (e.key === 'ArrowLeft') onWidth(Math.min(window.innerWidth * 0.6, width + 24));
        if (e.key === 'ArrowRight') onWidth(Math.max(300, width - 24));
      }}
    />
  );
}

interface ListProps {
  /** The rows by list position, the list's length and what it knows of its total. */
  win: RecordWindow;
  loading: boolean;
  fetchingMore: boolean;
  selected: number;
  onSelect: (i: number) => void;
  hexKeys: boolean;
  /** Changes when the query changes: scroll back to the top. */
  resetKey: string;
  moreError: ApiError | null;
  /** Staged changes by key hex (edit mode): the row is marked changed / removed. */
  staged: ReadonlyMap<string, StagedMark>;
  /** Staged values by key hex: rows show what will be committed, not the stored value. */
  stagedValues: ReadonlyMap<string, ValueView>;
  /** Rows marked for a selection delete (key hex). */
  marked: ReadonlySet<string>;
  /** Ctrl/Cmd+click toggles a row's mark; Shift+click marks the rows from the selection. */
  onMark: (index: number, range: boolean) => void;
  /** Enter / Delete in edit mode: true when edit mode handled the key. */
  onEditKey: (key: string) => boolean;
}

function RecordList({ win, loading, fetchingMore, selected, onSelect, hexKeys, resetKey, moreError, staged, stagedValues, marked, onMark, onEditKey }: ListProps) {
  // The scroll element, kept in state so its size is measured whenever it (re)mounts.
  const [scrollEl, setScrollEl] = useState<HTMLDivElement | null>(null);
  const viewport = useViewportHeight(scrollEl);
  // The whole range when its total is known (the scrollbar covers every record); else the
  // loaded rows, one gap row for the rest, and the last page when End read it.
  const count = loading ? 1 : win.length;
  const geometry = useMemo(() => ({ total: count, rowHeight: ROW_H, viewport }), [count, viewport]);
  // The first visible row (fractional) is the truth; the scrollbar follows it. A scaled
  // scrollbar cannot say every row in whole pixels, so a position the list set itself is not
  // read back from scrollTop (which would round it off by a row or two).
  const [firstRow, setFirstRow] = useState(0);
  const ownTop = useRef<number | null>(null);
  const showFirst = useCallback(
    (row: number, g: ScrollGeometry = geometry) => {
      const top = scrollTopFor(row, g);
      setFirstRow(Math.min(Math.max(0, row), Math.max(0, g.total - g.viewport / g.rowHeight)));
      ownTop.current = top;
      if (scrollEl) scrollEl.scrollTop = top;
    },
    [geometry, scrollEl],
  );
  const onScroll = () => {
    if (!scrollEl) return;
    if (ownTop.current !== null && Math.abs(scrollEl.scrollTop - ownTop.current) < 1) return;
    ownTop.current = null;
    setFirstRow(firstRowAt(scrollEl.scrollTop, geometry));
  };
  // The total changed (the count landed, a page came in): keep the same rows in view.
  useEffect(() => {
    if (scrollEl) showFirst(firstRow);
    // Only a change of the geometry re-places the scrollbar.
  }, [geometry]);
  // A scaled scrollbar moves many rows per pixel: the wheel scrolls by rows instead.
  useEffect(() => {
    if (!scrollEl || !isScaled(geometry)) return;
    const wheel = (e: WheelEvent) => {
      e.preventDefault();
      const rows = e.deltaMode === 1 ? e.deltaY : e.deltaMode === 2 ? e.deltaY * (viewport / ROW_H) : e.deltaY / ROW_H;
      setFirstRow((row) => {
        const next = Math.min(Math.max(0, row + rows), Math.max(0, geometry.total - viewport / ROW_H));
        const top = scrollTopFor(next, geometry);
        ownTop.current = top;
        scrollEl.scrollTop = top;
        return next;
      });
    };
    scrollEl.addEventListener('wheel', wheel, { passive: false });
    return () => scrollEl.removeEventListener('wheel', wheel);
  }, [scrollEl, geometry, viewport]);

  const { first, last, offset } = visibleRows(firstRow, geometry, OVERSCAN);

  // Pages on demand: the rows on screen (and PREFETCH_ROWS beyond) are read if not loaded yet.
  const { onRange } = win;
  useEffect(() => {
    if (loading || moreError) return;
    onRange(first, Math.min(count - 1, last + PREFETCH_ROWS));
  }, [first, last, count, loading, moreError, onRange]);

  useEffect(() => {
    showFirst(0);
  }, [resetKey]);

  const move = (to: number, length = count) => {
    const i = Math.max(0, Math.min(length - 1, to));
    onSelect(i);
    const g = { ...geometry, total: length };
    showFirst(firstRowToShow(i, firstRow, g), g);
  };

  // The total arrives while the selection sits in the last page (its positions were counted
  // from the end): keep the same record selected and in sight at its real position.
  const before = useRef(win.shape);
  useEffect(() => {
    const was = before.current;
    before.current = win.shape;
    if (knownTotal(was) !== null || knownTotal(win.shape) === null) return;
    const slot = slotAt(was, selected);
    if (slot.kind === 'tail') move(win.length - slot.fromEnd, win.length);
  });

  // End before the total is known: read the last page backward, then go to its last row.
  const [toEnd, setToEnd] = useState(false);
  useEffect(() => {
    if (!toEnd || win.shape.tail === 0) return;
    setToEnd(false);
    move(win.length - 1, win.length);
  });

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(viewport / ROW_H) - 1);
    if (onEditKey(e.key)) {
      e.preventDefault();
      return;
    }
    switch (e.key) {
      case 'ArrowDown':
      case 'j':
        move(selected + 1);
        break;
      case 'ArrowUp':
      case 'k':
        move(selected - 1);
        break;
      case 'PageDown':
        move(selected + page);
        break;
      case 'PageUp':
        move(selected - page);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        if (slotAt(win.shape, count - 1).kind === 'gap') {
          setToEnd(true);
          void win.loadTail();
        } else move(count - 1);
        break;
      case 'Enter':
        // Into the value: the JSON tree takes the arrow keys from here.
        document.querySelector<HTMLElement>('[data-testid=record-detail] .json-tree')?.focus();
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  if (!loading && win.length === 0) {
    return (
      <div className="empty">
        <div className="empty-title">No records in this range</div>
        <div className="empty-body dim small">Change the prefix or the from/to bounds, or clear the filters.</div>
      </div>
    );
  }

  const error = moreError ?? win.error;
  return (
    <div className="table">
      <div className="table-head record-grid" role="row">
        <span role="columnheader" className="num">
          #
        </span>
        <span role="columnheader">Key</span>
        <span role="columnheader">Value</span>
        <span role="columnheader" className="num">
          Size
        </span>
      </div>
      <div
        className="table-scroll"
        ref={setScrollEl}
        onScroll={onScroll}
        tabIndex={0}
        role="grid"
        aria-label="Records"
        aria-rowcount={win.shape.headDone || win.shape.counted !== null ? win.length : -1}
        aria-activedescendant={win.rowAt(selected) ? `rec-${selected}` : undefined}
        onKeyDown={onKey}
        data-testid="records-list"
      >
        <div className="table-inner" style={{ height: `${contentHeight(geometry)}px` }}>
          <div className="table-window" style={{ height: `${Math.min(viewport, contentHeight(geometry))}px` }}>
          {Array.from({ length: Math.max(0, last - first + 1) }, (_, k) => first + k).map((index) => {
            const vi = { index, key: index, start: offset + (index - first) * ROW_H };
            const r = loading ? undefined : win.rowAt(vi.index);
            const gap = !loading && slotAt(win.shape, vi.index).kind === 'gap';
            const n = rowNumber(win.shape, vi.index, win.base);
            return (
              <div key={vi.key} className="table-row-pos" style={{ transform: `translateY(${vi.start}px)` }}>
                {r ? (
                  <Row row={withStagedValue(r, stagedValues)} index={vi.index} number={n.text} numberTitle={n.title} selected={vi.index === selected} onSelect={onSelect} hexKeys={hexKeys} staged={staged.get(r.key.hex)} marked={marked.has(r.key.hex)} onMark={onMark} />
                ) : (
                  <div className={`record-grid table-row loading-row${gap ? ' gap-row' : ''}`} data-testid={gap ? 'records-gap' : undefined}>
                    <span />
                    <span>
                      {error ? (
                        <span className="danger">{error.message}</span>
                      ) : gap ? (
                        <span className="dim">{win.shape.tail > 0 ? 'Records not loaded between here and the last page: scroll up to read on, or wait for the count.' : <Spinner label={fetchingMore ? 'Loading records…' : 'More records'} />}</span>
                      ) : (
                        <Spinner label="Loading records…" />
                      )}
                    </span>
                  </div>
                )}
              </div>
            );
          })}
          </div>
        </div>
      </div>
    </div>
  );
}

/** The height of the list's visible part, kept current as the window resizes. */
function useViewportHeight(el: HTMLElement | null): number {
  const [height, setHeight] = useState(0);
  useEffect(() => {
    if (!el) return;
    const measure = () => setHeight(el.clientHeight);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);
  return height;
}

const Row = memo(function Row({ row, index, number, numberTitle, selected, onSelect, hexKeys, staged, marked, onMark }: { row: RecordRow; index: number; number: string; numberTitle: string | undefined; selected: boolean; onSelect: (i: number) => void; hexKeys: boolean; staged: StagedMark | undefined; marked: boolean; onMark: (index: number, range: boolean) => void }) {
  const v = row.value;
  return (
    <div
      id={`rec-${index}`}
      className={`record-grid table-row${selected ? ' selected' : ''}${staged ? ` staged-${staged}` : ''}${marked ? ' marked' : ''}`}
      role="row"
      aria-selected={selected}
      data-testid="record-row"
      data-staged={staged}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey) onMark(index, e.shiftKey);
        else onSelect(index);
      }}
    >
      <span className="num dim mono" title={numberTitle}>
        {number}
      </span>
      <span className="cell-key ellipsis">
        {staged && <span className={`tag staged-tag tag-${staged}`} data-testid="staged-tag">{staged === 'removed' ? 'deleted' : staged}</span>}
        <KeyText k={row.key} showHex={hexKeys} />
      </span>
      <span className="cell-value ellipsis mono">
        {!v.loaded ? (
          <span className="tag tag-large">large · not loaded</span>
        ) : v.decoded ? (
          <span className="value-preview">{previewLine(v.json)}</span>
        ) : (
          <span className="dim">0x{v.hex.slice(0, 64)}</span>
        )}
      </span>
      <span className="num mono dim">
        {v.large && v.loaded && <span className="tag tag-large">large</span>}
        {formatBytes(v.length)}
      </span>
    </div>
  );
});
