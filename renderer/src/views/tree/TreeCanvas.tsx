/**
 * The drawing: d3 lays the visible hierarchy out top-down and handles zoom and pan; React
 * renders the SVG (colours come from CSS, so both themes work). Keyboard: arrows move between
 * parent, children and siblings, Enter/Space expands or collapses, +/- zoom, 0 fits.
 */
import { linkVertical, select, zoom as d3zoom, zoomIdentity, type ZoomBehavior } from 'd3';
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import type { ApiError } from '../../api/transport';
import { IconFit, IconZoomIn, IconZoomOut } from '../../components/Icons';
import { clampFraction, fillLevel } from '../../lib/fill';
import { formatCount, formatPercent } from '../../lib/format';
import { keyLine } from '../../lib/keys';
import { bounds, fitTransform, layoutTree, levelLabel, neighbour, SIZES, type PlacedNode, type TreeItem } from './model';

const NODE_W = SIZES.nodeW;
const NODE_H = SIZES.nodeH;

export interface TreeCanvasHandle {
  fit(): void;
}

interface Props {
  ref?: Ref<TreeCanvasHandle>;
  tree: TreeItem;
  items: ReadonlyMap<string, TreeItem>;
  height: number;
  selected: string | null;
  onSelect: (id: string | null) => void;
  onToggle: (id: string, open?: boolean) => void;
  errors: ReadonlyMap<string, ApiError>;
  pathIds: ReadonlySet<string>;
  messageCounts: ReadonlyMap<string, number>;
  focusRequest: { id: string; n: number } | null;
  /** Structural-diff colours by node id ("Compare with version …"); empty when off. */
  overlay?: ReadonlyMap<string, 'shared' | 'right'>;
}

type Placed = PlacedNode;

const curve = linkVertical<{ s: [number, number]; t: [number, number] }, [number, number]>()
  .source((d) => d.s)
  .target((d) => d.t);

export function TreeCanvas({ ref, tree, items, height, selected, onSelect, onToggle, errors, pathIds, messageCounts, focusRequest, overlay }: Props) {
  const wrapRef = useRef<HTMLDivElement>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const gRef = useRef<SVGGElement>(null);
  const zoomRef = useRef<ZoomBehavior<SVGSVGElement, unknown> | null>(null);

  const layout = useMemo(() => {
    const l = layoutTree(tree);
    const onPath = (id: string) => pathIds.has(id);
    const links = l.edges.map((e) => {
      const toGroup = e.toId.startsWith('group:');
      const hot = onPath(e.fromId) && (toGroup ? (items.get(e.fromId)?.children.some((c: TreeItem) => onPath(c.id)) ?? false) : onPath(e.toId));
      const d = toGroup ? `M${e.x1},${e.y1}V${e.y2}` : (curve({ s: [e.x1, e.y1], t: [e.x2, e.y2] }) ?? '');
      return { id: e.id, d, onPath: hot };
    });
    return { placed: l.nodes, byId: l.byId, groups: l.groups, links };
  }, [tree, items, pathIds]);

  // d3 owns zoom and pan; it writes the transform straight onto the group (no re-render).
  useEffect(() => {
    const svg = svgRef.current;
    const g = gRef.current;
    if (!svg || !g) return;
    const z = d3zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.03, 3])
      .on('zoom', (e: { transform: { toString(): string } }) => {
        g.setAttribute('transform', e.transform.toString());
      });
    zoomRef.current = z;
    const sel = select(svg);
    sel.call(z).on('dblclick.zoom', null);
    // Start with the root at the top centre.
    const w = svg.clientWidth || 800;
    sel.call(z.transform, zoomIdentity.translate(w / 2, 32));
    return () => {
      sel.on('.zoom', null);
    };
  }, []);

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const ensureVisibleRef = useRef<(id: string) => void>(() => undefined);
  // Whether the drawing has a size. A view opened while another is shown (a file switch
  // remounts every visited view, hidden) measures 0×0: fitting to that, or running a d3 zoom
  // transition over a zero extent, produces NaN transforms and a blank drawing. So fits and
  // focus requests wait until the view is shown, and this state re-runs them then.
  const [shown, setShown] = useState(false);
  // When the node panel opens or the window resizes, keep what was in the middle in the middle.
  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    let last = svg.clientWidth;
    setShown(hasSize(svg));
    const ro = new ResizeObserver(() => {
      const z = zoomRef.current;
      const w = svg.clientWidth;
      setShown(hasSize(svg));
      if (z && last > 0 && w > 0 && w !== last) {
        const t = currentTransform(svg);
        select(svg).call(z.transform, zoomIdentity.translate(t.x + (w - last) / 2, t.y).scale(t.k));
        // The node whose panel just opened must stay in sight.
        if (selectedRef.current) ensureVisibleRef.current(selectedRef.current);
      }
      last = w;
    });
    ro.observe(svg);
    return () => ro.disconnect();
  }, []);

  const fit = (ids?: readonly string[]) => {
    const svg = svgRef.current;
    const z = zoomRef.current;
    if (!svg || !z || !hasSize(svg)) return;
    const pts = ids ? ids.map((id) => layout.byId.get(id)).filter((p): p is Placed => p !== undefined) : layout.placed;
    const t = fitTransform(bounds(pts, NODE_W, NODE_H), svg.clientWidth, svg.clientHeight, 40, 1.1);
    select(svg).transition().duration(350).call(z.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
  };

  const centerOn = (id: string) => {
    const svg = svgRef.current;
    const z = zoomRef.current;
    const p = layout.byId.get(id);
    if (!svg || !z || !p || !hasSize(svg)) return false;
    const k = Math.max(0.6, Math.min(1.1, currentScale(svg)));
    const tx = svg.clientWidth / 2 - k * p.x;
    const ty = svg.clientHeight / 2 - k * (p.y + NODE_H / 2);
    select(svg).transition().duration(350).call(z.transform, zoomIdentity.translate(tx, ty).scale(k));
    return true;
  };

  useImperativeHandle(ref, () => ({ fit: () => fit() }));

  // Fit once when the root's children first appear (the usual first look at the tree).
  const fittedOnce = useRef(false);
  useEffect(() => {
    if (fittedOnce.current || !shown || tree.children.length === 0) return;
    if (!tree.children.every((c) => c.node !== undefined || errors.has(c.id))) return;
    fittedOnce.current = true;
    fit();
  });

  // Centre on a requested node once it is laid out (after its ancestors' children loaded).
  const doneFocus = useRef(0);
  useEffect(() => {
    if (!focusRequest || doneFocus.current === focusRequest.n) return;
    if (centerOn(focusRequest.id)) doneFocus.current = focusRequest.n;
  });

  // After expanding a node, bring it and its children into view at a readable scale.
  const [expandFocus, setExpandFocus] = useState<string | null>(null);
  const toggle = (id: string, open?: boolean) => {
    const it = items.get(id);
    if (it && !it.expanded && open !== false) setExpandFocus(id);
    onToggle(id, open);
  };
  useEffect(() => {
    if (!expandFocus) return;
    const it = items.get(expandFocus);
    if (!it || it.children.length === 0 || !it.children.every((c: TreeItem) => c.node !== undefined || errors.has(c.id))) return;
    setExpandFocus(null);
    const svg = svgRef.current;
    const z = zoomRef.current;
    if (!svg || !z || !hasSize(svg)) return;
    const ids = [it.id, ...it.children.map((c: TreeItem) => c.id)];
    const pts = ids.map((i) => layout.byId.get(i)).filter((p): p is Placed => p !== undefined);
    const t = fitTransform(bounds(pts, NODE_W, NODE_H), svg.clientWidth, svg.clientHeight, 40, 1, 0.42);
    select(svg).transition().duration(350).call(z.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
  }, [expandFocus, items, errors, layout]);

  const zoomBy = (f: number) => {
    const svg = svgRef.current;
    const z = zoomRef.current;
    if (svg && z && hasSize(svg)) select(svg).transition().duration(200).call(z.scaleBy, f);
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const dirs: Record<string, 'up' | 'down' | 'left' | 'right'> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };
    const dir = dirs[e.key];
    if (dir) {
      e.preventDefault();
      const from = selected && items.has(selected) ? selected : tree.id;
      if (!selected) {
        onSelect(tree.id);
        return;
      }
      if (dir === 'down') {
        const it = items.get(from);
        if (it && !it.expanded && it.node?.kind === 'internal') {
          toggle(from, true);
          return;
        }
      }
      const to = neighbour(items, from, dir);
      if (to) {
        onSelect(to);
        ensureVisible(to);
      }
      return;
    }
    if ((e.key === 'Enter' || e.key === ' ') && selected) {
      e.preventDefault();
      toggle(selected);
    } else if (e.key === 'Escape') onSelect(null);
    else if (e.key === '+' || e.key === '=') zoomBy(1.25);
    else if (e.key === '-') zoomBy(0.8);
    else if (e.key === '0') fit();
  };

  const ensureVisible = (id: string) => {
    const svg = svgRef.current;
    const p = layout.byId.get(id);
    if (!svg || !p) return;
    const t = currentTransform(svg);
    const sx = t.x + t.k * p.x;
    const sy = t.y + t.k * p.y;
    const m = 40;
    if (sx < m || sx > svg.clientWidth - m || sy < m || sy + t.k * NODE_H > svg.clientHeight - m) centerOn(id);
  };

  ensureVisibleRef.current = ensureVisible;

  return (
    <div className="tree-canvas" ref={wrapRef} tabIndex={0} onKeyDown={onKey} role="tree" aria-label="B+tree drawing" data-testid="tree-canvas">
      <svg ref={svgRef} className="tree-svg" width="100%" height="100%">
        <g ref={gRef}>
          <g className="tree-groups">
            {layout.groups.map((g) => (
              <g key={g.parentId}>
                <rect className={`tree-group${pathIds.has(g.parentId) ? ' on-path' : ''}`} x={g.x0} y={g.y0} width={g.x1 - g.x0} height={g.y1 - g.y0} rx={8} />
                <text className="tree-group-label" x={g.x0 + SIZES.pad} y={g.y0 + SIZES.pad + 9}>
                  {g.count} {g.count === 1 ? 'child' : 'children'}
                </text>
              </g>
            ))}
          </g>
          <g className="tree-links">
            {layout.links.map((l) => (
              <path key={l.id} d={l.d} className={l.onPath ? 'tree-link on-path' : 'tree-link'} />
            ))}
          </g>
          <g className="tree-nodes">
            {layout.placed.map((p) => (
              <NodeBox
                key={p.item.id}
                p={p}
                height={height}
                selected={selected === p.item.id}
                onPath={pathIds.has(p.item.id)}
                messages={messageCounts.get(p.item.id) ?? 0}
                compare={overlay?.get(p.item.id)}
                error={errors.get(p.item.id)}
                onSelect={onSelect}
                onToggle={toggle}
              />
            ))}
          </g>
        </g>
      </svg>
      <div className="tree-controls" role="toolbar" aria-label="Zoom">
        <button type="button" className="btn btn-icon btn-ghost" title="Zoom in (+)" aria-label="Zoom in" onClick={() => zoomBy(1.25)}>
          <IconZoomIn />
        </button>
        <button type="button" className="btn btn-icon btn-ghost" title="Zoom out (−)" aria-label="Zoom out" onClick={() => zoomBy(0.8)}>
          <IconZoomOut />
        </button>
        <button type="button" className="btn btn-icon btn-ghost" title="Fit (0)" aria-label="Fit" onClick={() => fit()}>
          <IconFit />
        </button>
      </div>
      <div className="tree-legend small">
        <span>
          <i className="sw sw-fill" /> fill
        </span>
        <span>
          <i className="sw sw-buffer" /> buffer
        </span>
        <span>
          <i className="sw sw-path" /> search path
        </span>
        <span className="dim">drag to pan · wheel to zoom · click a node · ↑↓←→ Enter</span>
      </div>
    </div>
  );
}

/** True when the SVG is laid out with a non-zero size (its view is shown). */
function hasSize(svg: SVGSVGElement): boolean {
  return svg.clientWidth > 0 && svg.clientHeight > 0;
}

function currentTransform(svg: SVGSVGElement): { x: number; y: number; k: number } {
  const t = (svg as unknown as { __zoom?: { x: number; y: number; k: number } }).__zoom;
  return t ?? { x: 0, y: 0, k: 1 };
}

function currentScale(svg: SVGSVGElement): number {
  return currentTransform(svg).k;
}

function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function NodeBox({ p, height, selected, onPath, messages, compare, error, onSelect, onToggle }: { p: Placed; height: number; selected: boolean; onPath: boolean; messages: number; compare: 'shared' | 'right' | undefined; error: ApiError | undefined; onSelect: (id: string) => void; onToggle: (id: string) => void }) {
  const { item } = p;
  const n = item.node;
  const kind = n?.kind ?? (item.address.kind === 'leaf' ? 'leaf' : 'internal');
  const cls = ['tree-node', `tree-node-${kind}`, selected ? 'selected' : '', onPath ? 'on-path' : '', compare ? `cmp-${compare}` : '', error ? 'error' : '', n ? '' : 'loading'].filter(Boolean).join(' ');
  const barX = 52;
  const barW = NODE_W - barX - 44;
  const first = n && n.keys[0] ? keyLine(n.keys[0]) : '';
  const count = n ? (n.kind === 'internal' ? `${n.children.length} children` : `${formatCount(n.keys.length)} keys`) : '';
  return (
    <g
      className={cls}
      transform={`translate(${p.x - NODE_W / 2},${p.y})`}
      onClick={(e) => {
        e.stopPropagation();
        onSelect(item.id);
      }}
      onDoubleClick={() => onToggle(item.id)}
      role="treeitem"
      aria-selected={selected}
      aria-expanded={kind === 'internal' ? item.expanded : undefined}
      aria-label={`${levelLabel(item.address.level, height, kind)} node at byte ${item.address.offset}`}
      data-testid="tree-node"
      data-level={item.address.level}
      data-kind={kind}
      data-compare={compare}
    >
      <rect className="node-bg" width={NODE_W} height={NODE_H} rx={6} />
      <rect className="node-stripe" width={4} height={NODE_H} rx={2} />
      <text className="node-title" x={12} y={17}>
        {levelLabel(item.address.level, height, kind)}
      </text>
      <text className="node-sub" x={NODE_W - 10} y={17} textAnchor="end">
        {error ? 'unreadable' : count}
      </text>
      {n && (
        <>
          <text className="node-label" x={12} y={35}>
            fill
          </text>
          <rect className="bar-track" x={barX} y={29} width={barW} height={7} rx={2} />
          <rect className={`bar-fill fill-${fillLevel(n.fill)}`} x={barX} y={29} width={barW * clampFraction(n.fill)} height={7} rx={2} />
          <text className="node-pct" x={NODE_W - 10} y={35} textAnchor="end">
            {formatPercent(n.fill, 0)}
          </text>
          {n.kind === 'internal' ? (
            <>
              <text className="node-label" x={12} y={50}>
                buffer
              </text>
              <rect className="bar-track" x={barX} y={44} width={barW} height={7} rx={2} />
              <rect className="bar-buffer" x={barX} y={44} width={barW * clampFraction(n.bufferFill)} height={7} rx={2} />
              <text className="node-pct" x={NODE_W - 10} y={50} textAnchor="end">
                {formatPercent(n.bufferFill, 0)}
              </text>
            </>
          ) : (
            <text className="node-label" x={12} y={50}>
              {formatCount(n.encodedBytes)} B · {n.values.filter((v) => v.large).length} large
            </text>
          )}
          <text className="node-key" x={12} y={67}>
            {short(first, 27)}
          </text>
        </>
      )}
      {!n && !error && (
        <text className="node-label" x={12} y={42}>
          loading…
        </text>
      )}
      {error && (
        <text className="node-error" x={12} y={42}>
          {short(error.code, 28)}
        </text>
      )}
      {messages > 0 && (
        <g className="msg-badge" transform={`translate(${NODE_W - 8},-8)`}>
          <rect x={-34} y={0} width={42} height={16} rx={8} />
          <text x={-13} y={11.5} textAnchor="middle">
            {messages} msg
          </text>
        </g>
      )}
      {kind === 'internal' && n && (
        <g
          className="expander"
          transform={`translate(${NODE_W / 2},${NODE_H})`}
          onClick={(e) => {
            e.stopPropagation();
            onToggle(item.id);
          }}
          role="button"
          aria-label={item.expanded ? 'Collapse' : `Expand ${n.children.length} children`}
          data-testid="tree-expander"
        >
          <circle r={8} />
          <path d={item.expanded ? 'M-4 0H4' : 'M-4 0H4M0 -4V4'} />
        </g>
      )}
    </g>
  );
}
