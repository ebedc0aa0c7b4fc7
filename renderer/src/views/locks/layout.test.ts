import { describe, expect, it } from 'vitest';
import { CELL_H, CELL_W, forceLayout, gridCells, NODE_R, spreadToCells } from './layout';

describe('forceLayout', () => {
  const nodes = [1, 2, 3, 4, 5, 6];
  const edges = [
    { waiter: 1, holder: 2 },
    { waiter: 2, holder: 3 },
    { waiter: 3, holder: 1 },
    { waiter: 4, holder: 1 },
    { waiter: 5, holder: 6 },
  ];
  it('places every node inside the box, apart from each other', () => {
    const placed = forceLayout(nodes, edges, 400, 300);
    expect([...placed.keys()].sort()).toEqual(nodes);
    const pts = [...placed.values()];
    for (const p of pts) {
      expect(p.x).toBeGreaterThanOrEqual(NODE_R);
      expect(p.x).toBeLessThanOrEqual(400 - NODE_R);
      expect(p.y).toBeGreaterThanOrEqual(NODE_R);
      expect(p.y).toBeLessThanOrEqual(300 - NODE_R);
    }
    for (const a of pts) for (const b of pts) if (a !== b) expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThan(NODE_R);
  });
  it('is deterministic and keeps settled nodes near where they were', () => {
    const a = forceLayout(nodes, edges, 400, 300);
    const b = forceLayout(nodes, edges, 400, 300);
    expect([...a.values()]).toEqual([...b.values()]);
    const again = forceLayout(nodes, edges, 400, 300, a);
    for (const tx of nodes) {
      const p = a.get(tx);
      const q = again.get(tx);
      if (!p || !q) throw new Error('missing node');
      expect(Math.hypot(p.x - q.x, p.y - q.y)).toBeLessThan(40);
    }
  });
});

describe('spreadToCells', () => {
  it('keeps 40 transactions apart and inside the box, victim labels included', () => {
    const nodes = Array.from({ length: 40 }, (_, i) => 9600 + i);
    const edges = nodes.slice(1).map((tx, i) => ({ waiter: tx, holder: nodes[i % 5] as number }));
    const width = 420;
    const height = 300;
    const capacity = gridCells(width, height).length;
    const placed = spreadToCells(forceLayout(nodes, edges, width, height), width, height);
    expect(placed.size).toBe(Math.min(nodes.length, capacity));
    const pts = [...placed.values()];
    for (const p of pts) {
      expect(p.x - NODE_R - 5).toBeGreaterThanOrEqual(0);
      expect(p.x + NODE_R + 5).toBeLessThanOrEqual(width);
      expect(p.y - NODE_R - 5).toBeGreaterThanOrEqual(0);
      // The "victim" label sits NODE_R + 16 below the centre, ~10 px tall.
      expect(p.y + NODE_R + 20).toBeLessThanOrEqual(height);
    }
    // A cell apart: circles, rings and five-digit ids never overlap.
    for (const a of pts) for (const b of pts) if (a !== b) expect(Math.abs(a.x - b.x) >= CELL_W - 0.01 || Math.abs(a.y - b.y) >= CELL_H - 0.01).toBe(true);
  });
});
