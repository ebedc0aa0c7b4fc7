import { describe, expect, it } from 'vitest';
import type { AddressData, StructureNode } from '../../../../app/contract';
import { indexTree, type TreeItem } from './model';
import { overlaySides } from './overlay';

const addr = (offset: number, level: number): AddressData => ({ offset, length: 100, kind: level === 0 ? 'leaf' : 'internal', level, checksum: 0 });
function item(a: AddressData, parentId: string | null, children: TreeItem[] = []): TreeItem {
  return { id: `n${a.offset}`, address: a, node: undefined, index: 0, parentId, expanded: children.length > 0, children };
}

describe('overlaySides', () => {
  it('marks listed nodes, inherits shared below shared nodes, and leaves unlisted nodes elsewhere unmarked', () => {
    // root (own) → [x (shared) → [x1, x2], y (own) → [y1 (shared), y2 (unlisted: capped list)]]
    const x1 = item(addr(11, 0), 'n10');
    const x2 = item(addr(12, 0), 'n10');
    const x = item(addr(10, 1), 'n1', [x1, x2]);
    const y1 = item(addr(21, 0), 'n20');
    const y2 = item(addr(22, 0), 'n20');
    const y = item(addr(20, 1), 'n1', [y1, y2]);
    const root = item(addr(1, 2), null, [x, y]);
    const nodes: StructureNode[] = [
      { address: addr(1, 2), side: 'right' },
      { address: addr(5, 2), side: 'left' },
      { address: addr(10, 1), side: 'shared' },
      { address: addr(20, 1), side: 'right' },
      { address: addr(21, 0), side: 'shared' },
    ];
    const sides = overlaySides(indexTree(root), nodes);
    expect(Object.fromEntries(sides)).toEqual({ n1: 'right', n10: 'shared', n11: 'shared', n12: 'shared', n20: 'right', n21: 'shared' });
  });
});
