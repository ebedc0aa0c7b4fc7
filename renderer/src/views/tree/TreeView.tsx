/**
 * Tree: a zoomable, pannable drawing of the B+tree, the root first and children fetched only
 * when their parent is expanded (one `tree.node` per child). Each node shows its fill and its
 * hitchhiker buffer occupancy. Searching a key highlights its root-to-leaf path and the
 * buffered messages on that path that touch it. Clicking a node opens its panel.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { AddressData, KeyInput, KeyPathResult, NodeData } from '../../../../app/contract';
import { callKey, useCall, useTransport } from '../../api/hooks';
import { ApiError } from '../../api/transport';
import { Segmented } from '../../components/Empty';
import { ErrorPanel } from '../../components/ErrorPanel';
import { IconCrosshair, IconSearch, IconX } from '../../components/Icons';
import { KeyText } from '../../components/KeyText';
import { Spinner } from '../../components/Progress';
import { formatCount } from '../../lib/format';
import { keyText, parseKeyText, type KeyMode } from '../../lib/keys';
import { useOpenStore, useSession } from '../../shell/session';
import { CompareControl, OverlayLegend, useStructureOverlay } from './CompareControl';
import { addrId, indexTree, visibleAddresses, visibleTree } from './model';
import { NodePanel } from './NodePanel';
import { TreeCanvas, type TreeCanvasHandle } from './TreeCanvas';

export function TreeView() {
  const store = useOpenStore();
  const session = useSession();
  const transport = useTransport();
  const client = useQueryClient();
  // Time travel: the tree of the version the session browses (nodes are fetched by address).
  const at = session.at?.version;
  const rootQ = useCall('tree.root', { storeId: store.storeId, ...(at !== undefined ? { at } : {}) });
  const root = rootQ.data?.address;
  const height = rootQ.data?.height ?? store.info.height;

  const [nodes, setNodes] = useState<ReadonlyMap<string, NodeData>>(new Map());
  const [errors, setErrors] = useState<ReadonlyMap<string, ApiError>>(new Map());
  const pending = useRef(new Set<string>());
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<string | null>(null);
  const [search, setSearch] = useState<KeyPathResult | null>(null);
  const [searchText, setSearchText] = useState('');
  const [searchMode, setSearchMode] = useState<KeyMode>('tuple');
  const [searchError, setSearchError] = useState<ApiError | string | null>(null);
  const [searching, setSearching] = useState(false);
  const [focusReq, setFocusReq] = useState<{ id: string; n: number } | null>(null);
  const canvas = useRef<TreeCanvasHandle>(null);

  // The root opens expanded: one level of children is what people come to see.
  const rootId = root ? addrId(root) : null;
  useEffect(() => {
    if (rootId) setExpanded((e) => (e.has(rootId) ? e : new Set([...e, rootId])));
  }, [rootId]);

  // Fetch what is visible and not loaded yet: the root, then children of expanded nodes.
  const wanted = useMemo(() => (root ? visibleAddresses(root, nodes, expanded) : []), [root, nodes, expanded]);
  useEffect(() => {
    for (const a of wanted) {
      const id = addrId(a);
      if (nodes.has(id) || errors.has(id) || pending.current.has(id)) continue;
      pending.current.add(id);
      const params = { storeId: store.storeId, address: a };
      client
        .fetchQuery({ queryKey: callKey('tree.node', params), queryFn: () => transport.call('tree.node', params), staleTime: Infinity })
        .then((n) => setNodes((m) => new Map(m).set(id, n)))
        .catch((e: unknown) => setErrors((m) => new Map(m).set(id, e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)))))
        .finally(() => pending.current.delete(id));
    }
  }, [wanted, nodes, errors, client, transport, store.storeId]);

  const tree = useMemo(() => (root ? visibleTree(root, nodes, expanded) : null), [root, nodes, expanded]);
  const items = useMemo(() => (tree ? indexTree(tree) : new Map()), [tree]);
  // "Compare with version …": the structural diff against the shown version, as node colours.
  const overlay = useStructureOverlay(store.storeId, rootQ.data?.version, items);

  const toggle = useCallback((id: string, open?: boolean) => {
    setExpanded((e) => {
      const has = e.has(id);
      const want = open ?? !has;
      if (want === has) return e;
      const next = new Set(e);
      if (want) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  const runSearch = useCallback(
    async (key: KeyInput) => {
      setSearching(true);
      setSearchError(null);
      try {
        const r = await transport.call('tree.findKey', { storeId: store.storeId, key, ...(at !== undefined ? { at } : {}) });
        setSearch(r);
        // Open every internal node on the path, select where the key lives.
        setExpanded((e) => {
          const next = new Set(e);
          for (const step of r.path) if (step.address.kind !== 'leaf' && step !== r.path[r.path.length - 1]) next.add(addrId(step.address));
          return next;
        });
        const last = r.path[r.path.length - 1];
        if (last) {
          const id = addrId(last.address);
          setSelected(id);
          setFocusReq((f) => ({ id, n: (f?.n ?? 0) + 1 }));
        }
      } catch (e) {
        setSearch(null);
        setSearchError(e instanceof ApiError ? e : String(e));
      } finally {
        setSearching(false);
      }
    },
    [transport, store.storeId, at],
  );

  const submitSearch = (e: FormEvent) => {
    e.preventDefault();
    if (!searchText.trim()) {
      setSearch(null);
      return;
    }
    const parsed = parseKeyText(searchText, searchMode);
    if (!parsed.ok) {
      setSearchError(parsed.error);
      return;
    }
    void runSearch(parsed.key);
  };

  // Requests from other views: "show this key in the tree".
  const intent = session.intent;
  const handled = useRef(0);
  useEffect(() => {
    if (!intent || intent.kind !== 'tree.find' || handled.current === intent.id) return;
    handled.current = intent.id;
    setSearchMode('tuple');
    setSearchText(intent.label);
    void runSearch(intent.key);
  }, [intent, runSearch]);

  const pathIds = useMemo(() => new Set(search?.path.map((s) => addrId(s.address)) ?? []), [search]);
  const messagesOnPath = useMemo(() => {
    const m = new Map<string, number>();
    for (const s of search?.path ?? []) if (s.messages.length) m.set(addrId(s.address), s.messages.length);
    return m;
  }, [search]);

  const selectedItem = selected ? items.get(selected) : undefined;
  const selectedNode = selected ? nodes.get(selected) : undefined;
  const selectedStep = search?.path.find((s) => selected !== null && addrId(s.address) === selected);

  const selectChild = (a: AddressData) => {
    if (selected) toggle(selected, true);
    const id = addrId(a);
    setSelected(id);
    setFocusReq((f) => ({ id, n: (f?.n ?? 0) + 1 }));
  };

  const totalMessages = search?.path.reduce((n, s) => n + s.messages.length, 0) ?? 0;

  return (
    <div className="treeview">
      <div className="toolbar">
        <form className="jump" onSubmit={submitSearch} aria-label="Find a key in the tree">
          <IconSearch size={14} />
          <Segmented
            label="Key notation"
            size="small"
            value={searchMode}
            onChange={setSearchMode}
            options={[
              { value: 'tuple', label: 'Tuple' },
              { value: 'text', label: 'Text' },
              { value: 'hex', label: 'Hex' },
            ]}
          />
          <input className="input input-small mono search-input" placeholder='Find key: "users", 42' value={searchText} onChange={(e) => setSearchText(e.target.value)} spellCheck={false} aria-label="Key to find" data-testid="tree-search" />
          <button type="submit" className="btn btn-small" disabled={searching}>
            Find path
          </button>
          {search && (
            <button
              type="button"
              className="btn btn-small btn-ghost"
              onClick={() => {
                setSearch(null);
                setSearchError(null);
              }}
            >
              <IconX size={14} /> Clear
            </button>
          )}
        </form>
        <CompareControl storeId={store.storeId} overlay={overlay} />
        <span className="grow" />
        <span className="small dim">
          height {height} · fanout ≤ {store.info.params.fanout} · {formatCount(nodes.size)} node{nodes.size === 1 ? '' : 's'} loaded
        </span>
      </div>
      <OverlayLegend overlay={overlay} version={rootQ.data?.version} />
      {searching && (
        <div className="search-strip">
          <Spinner label="Finding the path…" />
        </div>
      )}
      {searchError && (
        <div className="search-strip">
          <span className="danger small">{typeof searchError === 'string' ? searchError : searchError.message}</span>
        </div>
      )}
      {search && !searching && (
        <div className="search-strip" data-testid="search-result">
          <span className={`tag ${search.found ? 'tag-ok' : 'tag-warn'}`}>{search.found ? 'found' : 'not found'}</span>
          <KeyText k={search.key} />
          <span className="dim small">
            path of {search.path.length} node{search.path.length === 1 ? '' : 's'} ·{' '}
            {totalMessages === 0 ? 'no buffered messages touch it' : `${totalMessages} buffered message${totalMessages === 1 ? '' : 's'} on the path touch it`}
          </span>
          <span className="grow" />
          <div className="path-steps">
            {search.path.map((s) => (
              <button
                key={addrId(s.address)}
                type="button"
                className={`path-step${selected === addrId(s.address) ? ' on' : ''}${s.messages.length ? ' has-msgs' : ''}`}
                onClick={() => {
                  setSelected(addrId(s.address));
                  setFocusReq((f) => ({ id: addrId(s.address), n: (f?.n ?? 0) + 1 }));
                }}
                title={`Level ${s.level}${s.messages.length ? `: ${s.messages.length} buffered message(s)` : ''}`}
              >
                L{s.level}
                {s.messages.length > 0 && <span className="msg-count">{s.messages.length}</span>}
              </button>
            ))}
          </div>
        </div>
      )}

      <div className="tree-body">
        <div className="tree-canvas-wrap">
          {rootQ.error ? (
            <div className="pad">
              <ErrorPanel error={rootQ.error} path={store.path} />
            </div>
          ) : !tree ? (
            <div className="pad">
              <Spinner label="Reading the root…" />
            </div>
          ) : (
            <TreeCanvas
              ref={canvas}
              tree={tree}
              items={items}
              height={height}
              selected={selected}
              onSelect={setSelected}
              onToggle={toggle}
              errors={errors}
              pathIds={pathIds}
              messageCounts={messagesOnPath}
              focusRequest={focusReq}
              overlay={overlay.sides}
            />
          )}
          {tree && (
            <button type="button" className="btn btn-small tree-recenter" onClick={() => canvas.current?.fit()} title="Fit the drawing to the window">
              <IconCrosshair size={14} /> Fit
            </button>
          )}
        </div>
        {selected && (
          <aside className="node-panel-wrap" aria-label="Node">
            <NodePanel
              address={selectedItem?.address ?? selectedNode?.address ?? null}
              node={selectedNode}
              error={errors.get(selected)}
              height={height}
              step={selectedStep}
              searchKeyHex={search?.key.hex ?? null}
              onClose={() => setSelected(null)}
              onSelectChild={selectChild}
              onShowKey={(k) => session.navigate('records', { kind: 'records.jump', key: { hex: k.hex }, label: keyText(k) })}
            />
          </aside>
        )}
      </div>
    </div>
  );
}
