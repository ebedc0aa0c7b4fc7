import { describe, expect, it } from 'vitest';
import { forceLayout, NODE_R } from './layout';

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
