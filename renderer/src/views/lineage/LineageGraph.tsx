/**
 * The graph column of the lineage: an SVG behind the rows, lanes as vertical runs, edges as d3
 * link paths from each version to its parents, one dot per version (a ring on branch heads, a
 * diamond on snapshots). Drawn with React from the pure layout; d3 shapes the curves.
 */
import { memo } from 'react';
import { cellCentre, edgePath, type Geometry, type LineageLayout } from './layout';

/** Row height and lane spacing, shared with the rows beside the graph. */
export const GEOMETRY: Geometry = { rowHeight: 30, laneWidth: 18, left: 14 };

/** Dot radius. */
const R = 5;

export const LineageGraph = memo(function LineageGraph({ layout, selected, compare, travelling, hovered }: { layout: LineageLayout; selected: number | null; compare: number | null; travelling: number | null; hovered: number | null }) {
  const width = GEOMETRY.left * 2 + Math.max(0, layout.lanes.length - 1) * GEOMETRY.laneWidth;
  const height = layout.placed.length * GEOMETRY.rowHeight;
  return (
    <svg className="lineage-graph" width={width} height={height} aria-hidden="true" data-testid="lineage-graph">
      <g className="lineage-edges">
        {layout.edges.map((e) => (
          <path
            key={`${e.child}-${e.parent}`}
            d={edgePath(GEOMETRY, e)}
            className={`lineage-edge lane-${(e.fromLane > e.toLane ? e.fromLane : e.toLane) % 8}${e.offPage ? ' off-page' : ''}${e.merge ? ' merge' : ''}`}
          />
        ))}
      </g>
      <g className="lineage-dots">
        {layout.placed.map(({ version: v, row, lane }) => {
          const [x, y] = cellCentre(GEOMETRY, lane, row);
          const cls = `lineage-dot lane-${lane % 8}${v.id === selected ? ' selected' : ''}${v.id === compare ? ' compare' : ''}${v.id === hovered ? ' hovered' : ''}`;
          return (
            <g key={v.id} transform={`translate(${x},${y})`}>
              {v.id === travelling && <circle r={R + 4} className="lineage-travel-ring" />}
              {v.snapshots.length > 0 ? (
                <rect x={-R} y={-R} width={R * 2} height={R * 2} transform="rotate(45)" className={`${cls} snapshot`} />
              ) : (
                <circle r={v.heads.length > 0 ? R + 0.5 : R} className={`${cls}${v.heads.length > 0 ? ' head' : ''}`} />
              )}
            </g>
          );
        })}
      </g>
    </svg>
  );
});
