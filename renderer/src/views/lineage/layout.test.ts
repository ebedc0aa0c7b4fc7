import { describe, expect, it } from 'vitest';
import type { LineageVersion } from '../../../../app/contract';
import { cellCentre, edgeLane, edgePath, layoutLineage, layoutWindow, stepSelection } from './layout';

function v(id: number, parents: number[], branch = 'main'): LineageVersion {
  return {
    id,
    parents,
    branch,
    time: 1_700_000_000_000 + id,
    message: `v${id}`,
    root: { offset: 100 * id, length: 10, kind: 'leaf', level: 0, checksum: 0 },
    stats: { puts: 1, deletes: 0, rangeDeletes: 0, bytesWritten: 10 },
    heads: [],
    snapshots: [],
  };
}

// main: 1 ← 2 ← 3 ← 6;  exp: forks at 3 → 4 ← 5;  side: forks at 2 → 7
const versions = [v(7, [2], 'side'), v(6, [3]), v(5, [4], 'exp'), v(4, [3], 'exp'), v(3, [2]), v(2, [1]), v(1, [])];
const g = { rowHeight: 30, laneWidth: 16, left: 10 };

describe('layoutLineage', () => {
  it('puts the default branch in lane 0 and side branches by fork order, one row per version', () => {
    const layout = layoutLineage(versions, 'main');
    expect(layout.lanes).toEqual(['main', 'exp', 'side']);
    expect(layout.placed.map((p) => [p.version.id, p.row, p.lane])).toEqual([[7, 0, 2], [6, 1, 0], [5, 2, 1], [4, 3, 1], [3, 4, 0], [2, 5, 0], [1, 6, 0]]);
    expect(layout.rowOf.get(3)).toBe(4);
  });

  it('draws an edge to every parent, and a stub when the parent is on an older page', () => {
    const page = versions.slice(0, 4); // 7, 6, 5, 4: parents 2 and 3 are not loaded
    const layout = layoutLineage(page, 'main');
    const stub = layout.edges.find((e) => e.child === 4);
    expect(stub).toMatchObject({ parent: 3, offPage: true, toRow: 4, toLane: stub?.fromLane });
    const inPage = layout.edges.find((e) => e.child === 5);
    expect(inPage).toMatchObject({ parent: 4, offPage: false, fromRow: 2, toRow: 3 });
    expect(layout.edges).toHaveLength(4);
  });

  it('marks second parents as merges', () => {
    const merged = [v(4, [3, 2]), v(3, [1], 'exp'), v(2, [1]), v(1, [])];
    const layout = layoutLineage(merged, 'main');
    expect(layout.edges.filter((e) => e.merge).map((e) => [e.child, e.parent])).toEqual([[4, 2]]);
  });
});

describe('edgePath', () => {
  const layout = layoutLineage(versions, 'main');
  const edge = (child: number) => layout.edges.find((e) => e.child === child)!;

  it('starts at the child and ends at the parent', () => {
    for (const e of layout.edges) {
      const path = edgePath(g, e);
      const [x1, y1] = cellCentre(g, e.fromLane, e.fromRow);
      const [x2, y2] = cellCentre(g, e.toLane, e.toRow);
      expect(path.startsWith(`M${x1},${y1}`), path).toBe(true);
      const end = path.match(/(-?[\d.]+),(-?[\d.]+)$/);
      if (end) expect([Number(end[1]), Number(end[2])]).toEqual([x2, y2]);
      else expect(path.endsWith(`V${y2}`)).toBe(true);
    }
  });

  it('is a straight line within a lane and a curve across lanes', () => {
    expect(edgePath(g, edge(6))).toBe(`M10,${1 * 30 + 15}V${4 * 30 + 15}`);
    expect(edgePath(g, edge(4))).toContain('C');
  });
});

describe('stepSelection', () => {
  const { placed } = layoutLineage(versions, 'main');
  it('moves by rows and stays inside the list', () => {
    expect(stepSelection(placed, null, 1)).toBe(7);
    expect(stepSelection(placed, 7, 1)).toBe(6);
    expect(stepSelection(placed, 7, -1)).toBe(7);
    expect(stepSelection(placed, 1, 1)).toBe(1);
    expect(stepSelection([], 1, 1)).toBeNull();
  });
});

describe('layoutWindow', () => {
  it('keeps the rows of the window and every edge that passes through it', () => {
    const layout = layoutLineage(versions, 'main');
    // Rows 2..3 are exp's 5 and 4. Edges through them: 5→4, 4→3 (leaves row 3), and the long
    // ones running past: 7→2 (side, rows 0..5) and 6→3 (main, rows 1..4).
    const w = layoutWindow(layout, 2, 3);
    expect(w.placed.map((p) => p.version.id)).toEqual([5, 4]);
    expect(w.edges.map((e) => `${e.child}-${e.parent}`).sort()).toEqual(['4-3', '5-4', '6-3', '7-2']);
    // The bottom row: only edges reaching it (2→1, and 7→2 ends at row 5, above it).
    expect(layoutWindow(layout, 6, 6).edges.map((e) => `${e.child}-${e.parent}`)).toEqual(['2-1']);
    expect(layoutWindow(layout, 5, 4)).toEqual({ placed: [], edges: [] });
  });

  it('matches a brute-force scan over many windows of a long, branchy lineage', () => {
    // 3000 versions: main every third id, two side branches forking off main now and then.
    const many: LineageVersion[] = [];
    let lastMain = 0;
    let lastA = 0;
    for (let id = 1; id <= 3000; id++) {
      if (id % 3 === 0 || id === 1) {
        many.push(v(id, lastMain ? [lastMain] : []));
        lastMain = id;
      } else {
        many.push(v(id, [lastA && id % 50 !== 2 ? lastA : lastMain], 'a'));
        lastA = id;
      }
    }
    many.reverse();
    const layout = layoutLineage(many, 'main');
    for (const [first, last] of [[0, 30], [100, 140], [1500, 1530], [2970, 2999], [2999, 2999]] as const) {
      const w = layoutWindow(layout, first, last);
      expect(w.placed.map((p) => p.row)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
      const crossing = layout.edges.filter((e) => {
        for (let row = e.fromRow; row <= e.toRow; row++) if (row >= first && row <= last) return true;
        return false;
      });
      expect(w.edges).toEqual(crossing);
      // A window of ~30 rows draws a handful of edges, not thousands.
      expect(w.edges.length).toBeLessThan(3 * (last - first + 1) + 10);
    }
  });
});

describe('merges', () => {
  // main: 1 ← 2 ← 5;  exp forks at 2: 3 ← 4 ← 6 ← 7;  8 on exp merges main's 5 into exp;
  // 9 on main merges exp's 8 back into main.
  const merged = [v(9, [5, 8]), v(8, [7, 5], 'exp'), v(7, [6], 'exp'), v(6, [4], 'exp'), v(5, [2]), v(4, [3], 'exp'), v(3, [2], 'exp'), v(2, [1]), v(1, [])];
  const layout = layoutLineage(merged, 'main');
  const edge = (child: number, parent: number) => layout.edges.find((e) => e.child === child && e.parent === parent)!;

  it('gives a merge commit an edge to each parent, the second marked as the merge', () => {
    expect(layout.edges.filter((e) => e.child === 8).map((e) => [e.parent, e.fromLane, e.toLane, e.merge])).toEqual([[7, 1, 1, false], [5, 1, 0, true]]);
    expect(layout.edges.filter((e) => e.child === 9).map((e) => [e.parent, e.fromLane, e.toLane, e.merge])).toEqual([[5, 0, 0, false], [8, 0, 1, true]]);
  });

  it('draws a merge from the left lane out of the merge commit and down the merged lane, not down its own', () => {
    // 8 (exp, row 1) merges 5 (main, row 4): rows 2 and 3 of exp's lane hold 7 and 6.
    const e = edge(8, 5);
    const [x1, y1] = cellCentre(g, e.fromLane, e.fromRow);
    const [x2, y2] = cellCentre(g, e.toLane, e.toRow);
    const path = edgePath(g, e);
    // Bends into main's lane within the first row, then runs straight down main's lane.
    expect(path.startsWith(`M${x1},${y1}C`), path).toBe(true);
    expect(path.endsWith(`,${x2},${y1 + g.rowHeight}V${y2}`), path).toBe(true);
    // Never a vertical run down exp's lane (it would cover the line through 7 and 6).
    expect(path).not.toContain(`M${x1},${y1}V`);
  });

  it('draws a merge from the right lane the same way, and a fork down its own lane', () => {
    const merge = edge(9, 8);
    const [mx1, my1] = cellCentre(g, merge.fromLane, merge.fromRow);
    const [mx2, my2] = cellCentre(g, merge.toLane, merge.toRow);
    expect(edgePath(g, merge).endsWith(`,${mx2},${my1 + g.rowHeight}V${my2}`)).toBe(true);
    expect(edgePath(g, merge).startsWith(`M${mx1},${my1}C`)).toBe(true);
    // exp's first version forks off main's 2: down exp's lane, bending into 2 just above it.
    const fork = edge(3, 2);
    const [fx1, fy1] = cellCentre(g, fork.fromLane, fork.fromRow);
    const [, fy2] = cellCentre(g, fork.toLane, fork.toRow);
    expect(edgePath(g, fork).startsWith(`M${fx1},${fy1}V${fy2 - g.rowHeight}`)).toBe(true);
  });

  it('colours a merge edge by the lane it joins from, a fork by its side branch', () => {
    expect(edgeLane(edge(8, 5))).toBe(0);
    expect(edgeLane(edge(9, 8))).toBe(1);
    expect(edgeLane(edge(3, 2))).toBe(1);
    expect(edgeLane(edge(8, 7))).toBe(1);
  });
});
