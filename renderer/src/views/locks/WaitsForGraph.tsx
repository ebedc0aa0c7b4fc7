/**
 * The waits-for graph: transactions as nodes, "waits for" as arrows, laid out by d3-force and
 * drawn by React (colours from CSS, so both themes work). Deadlock cycles are drawn in the
 * danger colour, broken ones dashed, and each victim is ringed and named.
 */
import { memo, useMemo, useRef } from 'react';
import { useElementSize } from '../../components/useSize';
import { formatCount } from '../../lib/format';
import { fitGraph, type CappedGraph } from './graph';
import { forceLayout, gridCells, NODE_R, spreadToCells, type Placed } from './layout';

/** Height of the strip under the drawing that says the graph was cut (px). */
const NOTE_H = 48;

/** The drawing; re-rendered only when a new frame brings a new graph. */
export const WaitsForGraph = memo(function WaitsForGraph({ graph: full, truncated }: { graph: CappedGraph; truncated: boolean }) {
  const wrap = useRef<HTMLDivElement>(null);
  const size = useElementSize(wrap);
  const width = Math.max(240, size.width);
  // The note under a cut graph takes its own strip, so it never covers the bottom row.
  const noted = truncated || full.capped || full.nodes.length > gridCells(width, Math.max(180, size.height)).length;
  const height = Math.max(180, size.height - (noted ? NOTE_H : 0));
  // No more transactions than the box has cells for: each gets room for its label.
  const graph = useMemo(() => fitGraph(full, gridCells(width, height).length), [full, width, height]);
  const previous = useRef<{ key: string; placed: ReadonlyMap<number, Placed> }>({ key: '', placed: new Map() });
  const placed = useMemo(() => {
    // Same nodes, edges and box as last time: keep the positions, run no simulation at all.
    const key = `${width}x${height}|${graph.nodes.map((n) => n.tx).join(',')}|${graph.edges.map((e) => e.id).join(',')}`;
    if (key === previous.current.key) return previous.current.placed;
    const p = spreadToCells(forceLayout(graph.nodes.map((n) => n.tx), graph.edges, width, height, previous.current.placed), width, height);
    previous.current = { key, placed: p };
    return p;
  }, [graph, width, height]);

  const ids = useMemo(() => new Set(graph.edges.map((e) => e.id)), [graph]);
  const empty = graph.nodes.length === 0;
  return (
    <div className="locks-graph-wrap" ref={wrap}>
      {empty ? (
        <div className="empty small dim">No transaction is waiting for another.</div>
      ) : (
        <svg className="locks-graph" width={width} height={height} role="img" aria-label={`Waits-for graph of ${graph.nodes.length} transactions`} data-testid="locks-graph">
          <defs>
            <marker id="wf-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0L10,5L0,10z" className="wf-arrow" />
            </marker>
            <marker id="wf-arrow-cycle" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0L10,5L0,10z" className="wf-arrow-cycle" />
            </marker>
          </defs>
          <g>
            {graph.edges.map((e) => {
              const a = placed.get(e.waiter);
              const b = placed.get(e.holder);
              if (!a || !b) return null;
              const d = edgePath(a, b, ids.has(`${e.holder}>${e.waiter}`));
              return (
                <path
                  key={e.id}
                  d={d}
                  className={`wf-edge wf-${e.kind}${e.cycle ? ' wf-cycle' : ''}`}
                  markerEnd={`url(#${e.cycle ? 'wf-arrow-cycle' : 'wf-arrow'})`}
                  data-cycle={e.cycle ? 'true' : undefined}
                >
                  <title>{`tx ${e.waiter} waits for tx ${e.holder}${e.kind === 'queued' ? ' (queued behind its request)' : e.kind === 'broken' ? ' (deadlock, broken)' : ''}`}</title>
                </path>
              );
            })}
          </g>
          <g>
            {graph.nodes.map((n) => {
              const p = placed.get(n.tx);
              if (!p) return null;
              return (
                <g key={n.tx} transform={`translate(${p.x},${p.y})`} className={`wf-node wf-node-${n.role}`} data-role={n.role} data-tx={n.tx}>
                  <title>{`tx ${n.tx}: waits for ${n.waitsFor}, blocks ${n.blocking}${n.role === 'victim' ? '; deadlock victim' : n.role === 'cycle' ? '; on a deadlock cycle' : ''}`}</title>
                  {n.role === 'victim' && <circle r={NODE_R + 5} className="wf-victim-ring" />}
                  <circle r={NODE_R} />
                  <text dy="0.35em" textAnchor="middle" className="wf-label">
                    {n.tx}
                  </text>
                  {n.role === 'victim' && (
                    <text y={NODE_R + 16} textAnchor="middle" className="wf-victim-label">
                      victim
                    </text>
                  )}
                </g>
              );
            })}
          </g>
        </svg>
      )}
      {(graph.capped || truncated) && (
        <div className="locks-graph-note small dim" data-testid="graph-capped">
          {graph.capped ? `Showing ${formatCount(graph.nodes.length)} of ${formatCount(graph.totalNodes)} transactions: every one on a cycle, then the most connected.` : ''}
          {truncated ? ' The monitor sent only part of the graph.' : ''}
        </div>
      )}
    </div>
  );
});

/** A line from the edge of one circle to the edge of the other; bent when the reverse edge exists too. */
function edgePath(a: Placed, b: Placed, bend: boolean): string {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const x1 = a.x + ux * NODE_R;
  const y1 = a.y + uy * NODE_R;
  const x2 = b.x - ux * (NODE_R + 2);
  const y2 = b.y - uy * (NODE_R + 2);
  if (!bend) return `M${x1},${y1}L${x2},${y2}`;
  const mx = (x1 + x2) / 2 - uy * 18;
  const my = (y1 + y2) / 2 + ux * 18;
  return `M${x1},${y1}Q${mx},${my} ${x2},${y2}`;
}
