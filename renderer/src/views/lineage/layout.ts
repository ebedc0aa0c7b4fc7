/**
 * Where each version of the lineage is drawn: one row per version (newest at the top, the
 * order `versions.list` returns) and one lane (column) per branch, the default branch first.
 * Edges run from a version down to each parent; a parent on an older, not yet loaded page gets
 * a stub to the bottom edge. Pure: the component turns lanes and rows into pixels.
 */
import { linkVertical } from 'd3';
import type { LineageVersion } from '../../../../app/contract';

/** A version and its cell. */
export interface PlacedVersion {
  readonly version: LineageVersion;
  readonly row: number;
  readonly lane: number;
}

/** A line from a version (child) to one of its parents. */
export interface LineageEdge {
  readonly child: number;
  /** The parent's id; its cell is (toLane, toRow). */
  readonly parent: number;
  readonly fromLane: number;
  readonly fromRow: number;
  readonly toLane: number;
  /** `rows` (one past the last row) when the parent is on a page not loaded yet. */
  readonly toRow: number;
  /** The parent is not among the loaded versions. */
  readonly offPage: boolean;
  /** Not the first parent: a merge edge. */
  readonly merge: boolean;
}

/** The whole drawing, in lanes and rows. */
export interface LineageLayout {
  readonly placed: readonly PlacedVersion[];
  /** Branch name of each lane (lane 0: the default branch). */
  readonly lanes: readonly string[];
  readonly edges: readonly LineageEdge[];
  /** Row of each version id. */
  readonly rowOf: ReadonlyMap<number, number>;
}

/**
 * Lays out `versions` (newest first). Lanes: the default branch, then the other branches in
 * the order they forked (oldest fork nearest), so side branches do not cross each other.
 * O(versions + edges).
 */
export function layoutLineage(versions: readonly LineageVersion[], defaultBranch: string): LineageLayout {
  const oldest = new Map<string, number>();
  for (const v of versions) oldest.set(v.branch, Math.min(oldest.get(v.branch) ?? Infinity, v.id));
  const others = [...oldest.keys()].filter((b) => b !== defaultBranch).sort((a, b) => (oldest.get(a) ?? 0) - (oldest.get(b) ?? 0) || a.localeCompare(b));
  const lanes = [defaultBranch, ...others];
  const laneOf = new Map(lanes.map((b, i) => [b, i]));
  const placed = versions.map((version, row) => ({ version, row, lane: laneOf.get(version.branch) ?? 0 }));
  const rowOf = new Map(placed.map((p) => [p.version.id, p.row]));
  const byId = new Map(placed.map((p) => [p.version.id, p]));
  const edges: LineageEdge[] = [];
  for (const p of placed) {
    p.version.parents.forEach((parent, i) => {
      const target = byId.get(parent);
      edges.push({
        child: p.version.id,
        parent,
        fromLane: p.lane,
        fromRow: p.row,
        toLane: target ? target.lane : p.lane,
        toRow: target ? target.row : versions.length,
        offPage: !target,
        merge: i > 0,
      });
    });
  }
  return { placed, lanes, edges, rowOf };
}

/** Pixel geometry: the centre of a cell. */
export interface Geometry {
  readonly rowHeight: number;
  readonly laneWidth: number;
  /** Left padding before lane 0's centre. */
  readonly left: number;
}

/** Centre of lane `lane`, row `row`. */
export function cellCentre(g: Geometry, lane: number, row: number): readonly [number, number] {
  return [g.left + lane * g.laneWidth, row * g.rowHeight + g.rowHeight / 2];
}

const curve = linkVertical<unknown, readonly [number, number]>()
  .source((d) => (d as { s: readonly [number, number] }).s)
  .target((d) => (d as { t: readonly [number, number] }).t);

/**
 * SVG path of an edge. Same lane: a straight line. A fork (a first parent in a lane left of
 * the child) runs down the child's own lane, empty below the branch's first version, and bends
 * into the parent just above it. Every other edge, and every merge edge (a second parent, in
 * whichever direction the lanes lie), bends out of the child first, then runs down the parent's
 * lane: a merge edge run down the child's lane would lie on the child's own first-parent line
 * and through its branch's dots, so the join of two lanes would not show. Lanes stay vertical,
 * so edges of different branches do not cross.
 */
export function edgePath(g: Geometry, e: LineageEdge): string {
  const [x1, y1] = cellCentre(g, e.fromLane, e.fromRow);
  const [x2, y2] = cellCentre(g, e.toLane, e.toRow);
  if (x1 === x2) return `M${x1},${y1}V${y2}`;
  const bend = Math.min(g.rowHeight, y2 - y1);
  if (!e.merge && e.fromLane > e.toLane) {
    const tail = curve({ s: [x1, y2 - bend], t: [x2, y2] }) ?? '';
    return `M${x1},${y1}V${y2 - bend}${tail.replace(/^M[^C]*/, '')}`;
  }
  const head = curve({ s: [x1, y1], t: [x2, y1 + bend] }) ?? '';
  return `${head}V${y2}`;
}

/**
 * The lane whose colour an edge takes: a merge edge the merged branch's (the lane it joins
 * from), a fork the side branch's (the rightmost of the two). O(1).
 */
export function edgeLane(e: LineageEdge): number {
  return e.merge ? e.toLane : Math.max(e.fromLane, e.toLane);
}

/** The version a keyboard step lands on: `delta` rows from `current` (clamped), or the first. */
export function stepSelection(placed: readonly PlacedVersion[], current: number | null, delta: number): number | null {
  if (placed.length === 0) return null;
  const row = current === null ? -1 : placed.findIndex((p) => p.version.id === current);
  const next = row < 0 ? 0 : Math.max(0, Math.min(placed.length - 1, row + delta));
  return placed[next]!.version.id;
}

/** The part of a layout that rows `first..last` show: their dots, and every edge crossing them. */
export interface LayoutWindow {
  readonly placed: readonly PlacedVersion[];
  readonly edges: readonly LineageEdge[];
}

/**
 * The dots of rows `first..last` (inclusive) and the edges that pass through those rows, so
 * the graph draws only what the virtualized list shows. A long edge (a lane running past many
 * rows of another branch) counts when any part of it lies in the window. O(k + edges) for k
 * rows: the edge test is two comparisons, cheap beside drawing even at tens of thousands.
 */
export function layoutWindow(layout: LineageLayout, first: number, last: number): LayoutWindow {
  if (last < first) return { placed: [], edges: [] };
  return {
    placed: layout.placed.slice(Math.max(0, first), last + 1),
    edges: layout.edges.filter((e) => Math.min(e.fromRow, e.toRow) <= last && Math.max(e.fromRow, e.toRow) >= first),
  };
}
