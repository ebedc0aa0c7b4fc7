/**
 * The structural-diff overlay: which drawn nodes the shown version shares with another version
 * and which are its own. `diff.structure` lists every node outside shared subtrees, so a drawn
 * node is shared when it is listed as shared or sits under a shared node, and is the shown
 * version's own when listed as 'right' (the shown version is the diff's `b`). Pure.
 */
import type { StructureNode } from '../../../../app/contract';
import type { TreeItem } from './model';

/** How a drawn node relates to the compared version. */
export type OverlaySide = 'shared' | 'right';

/** Sides of the drawn items (absent: not covered, e.g. past a capped structural diff). */
export function overlaySides(items: ReadonlyMap<string, TreeItem>, nodes: readonly StructureNode[]): Map<string, OverlaySide> {
  const byOffset = new Map<number, StructureNode['side']>();
  for (const n of nodes) byOffset.set(n.address.offset, n.side);
  const out = new Map<string, OverlaySide>();
  const sideOf = (item: TreeItem): OverlaySide | undefined => {
    const known = out.get(item.id);
    if (known) return known;
    const listed = byOffset.get(item.address.offset);
    let side: OverlaySide | undefined;
    if (listed === 'shared' || listed === 'right') side = listed;
    else if (listed === undefined && item.parentId !== null) {
      const parent = items.get(item.parentId);
      // Below a shared node everything is shared: the structural diff does not descend there.
      if (parent && sideOf(parent) === 'shared') side = 'shared';
    }
    if (side) out.set(item.id, side);
    return side;
  };
  for (const item of items.values()) sideOf(item);
  return out;
}
