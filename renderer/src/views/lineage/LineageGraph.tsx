/**
 * The graph column of the lineage: an SVG behind the rows, lanes as vertical runs, edges as d3
 * link paths from each version to its parents, one dot per version (a ring on branch heads, a
 * diamond on snapshots, hollow when only the automatic-snapshot policy names the version; a ringed dot on merge commits). Drawn with React from the pure layout; d3 shapes the curves. Only the
 * rows on screen are drawn (see {@link layoutWindow}).
 */
import { memo, useMemo } from 'react';
import { cellCentre, edgeLane, edgePath, layoutWindow, type Geometry, type LineageLayout } from './layout';

/** Row height and lane spacing, shared with the rows beside the graph. */
export const GEOMETRY: Geometry = { rowHeight: 30, laneWidth: 18, left: 14 };

/** Dot radius. */
const R = 5;

/**
 * The graph beside rows `first..last` (the rows the virtualized list renders): their dots and
 * the edges passing through them. The SVG covers just those rows and is shifted to their
 * offset, so its size stays that of the screen however long the lineage is.
 */
export const LineageGraph = memo(function LineageGraph({ layout, first, last, selected, compare, travelling, hovered, automatic }: { layout: LineageLayout; first: number; last: number; selected: number | null; compare: number | null; travelling: number | null; hovered: number | null; automatic: ReadonlySet<string> }) {
  const width = GEOMETRY.left * 2 + Math.max(0, layout.lanes.length - 1) * GEOMETRY.laneWidth;
  const slice = useMemo(() => layoutWindow(layout, first, last), [layout, first, last]);
  const top = Math.max(0, first) * GEOMETRY.rowHeight;
  const height = Math.max(0, last - first + 1) * GEOMETRY.rowHeight;
  return (
    <svg className="lineage-graph" width={width} height={height} style={{ top: `${top}px` }} aria-hidden="true" data-testid="lineage-graph">
      <g transform={`translate(0,${-top})`}>
        <g className="lineage-edges">
          {slice.edges.map((e) => (
            <path
              key={`${e.child}-${e.parent}`}
              d={edgePath(GEOMETRY, e)}
              className={`lineage-edge lane-${edgeLane(e) % 8}${e.offPage ? ' off-page' : ''}${e.merge ? ' merge' : ''}`}
            />
          ))}
        </g>
        <g className="lineage-dots">
          {slice.placed.map(({ version: v, row, lane }) => {
            const [x, y] = cellCentre(GEOMETRY, lane, row);
            const cls = `lineage-dot lane-${lane % 8}${v.id === selected ? ' selected' : ''}${v.id === compare ? ' compare' : ''}${v.id === hovered ? ' hovered' : ''}`;
            return (
              <g key={v.id} transform={`translate(${x},${y})`} data-dot={v.id}>
                {v.id === travelling && <circle r={R + 4} className="lineage-travel-ring" />}
                {v.snapshots.length > 0 ? (
                  // A hollow diamond when only the automatic-snapshot policy names the version.
                  <rect x={-R} y={-R} width={R * 2} height={R * 2} transform="rotate(45)" className={`${cls} snapshot${v.snapshots.every((s) => automatic.has(s)) ? ' auto' : ''}`} />
                ) : v.parents.length > 1 ? (
                  // A merge commit: a ring around a dot, where two lanes join.
                  <g data-merge="true">
                    <circle r={R + 1.5} className={`${cls} merge${v.heads.length > 0 ? ' head' : ''}`} />
                    <circle r={R - 2.5} className={`lineage-merge-core lane-${lane % 8}`} />
                  </g>
                ) : (
                  <circle r={v.heads.length > 0 ? R + 0.5 : R} className={`${cls}${v.heads.length > 0 ? ' head' : ''}`} />
                )}
              </g>
            );
          })}
        </g>
      </g>
    </svg>
  );
});
