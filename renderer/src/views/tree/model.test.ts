import { describe, expect, it } from 'vitest';
import type { AddressData, NodeData } from '../../../../app/contract';
import { addrId, bounds, childBounds, fitTransform, indexTree, layoutTree, levelLabel, neighbour, SIZES, visibleAddresses, visibleTree } from './model';

const addr = (offset: number, kind: AddressData['kind'], level: number): AddressData => ({ offset, length: 10, kind, level, checksum: 0 });
const node = (a: AddressData, children: AddressData[] = []): NodeData => ({
  address: a,
  kind: children.length ? 'internal' : 'leaf',
  level: a.level,
  prefix: { hex: '', length: 0 },
  keys: [],
  stored: [],
  values: [],
  children,
  buffer: [],
  chain: [],
  encodedBytes: 0,
  fill: 0.5,
  bufferBytes: 0,
  bufferFill: 0,
});

const root = addr(1000, 'internal', 1);
const leaves = Array.from({ length: 20 }, (_, i) => addr(i * 10, 'leaf', 0));
const nodes = new Map<string, NodeData>([[addrId(root), node(root, leaves)], ...leaves.map((l) => [addrId(l), node(l)] as [string, NodeData])]);

describe('visible tree', () => {
  it('shows children only of expanded, loaded nodes', () => {
    expect(visibleTree(root, nodes, new Set()).children).toHaveLength(0);
    const t = visibleTree(root, nodes, new Set([addrId(root)]));
    expect(t.children).toHaveLength(20);
    expect(visibleAddresses(root, new Map(), new Set([addrId(root)]))).toEqual([root]);
    expect(visibleAddresses(root, nodes, new Set([addrId(root)]))).toHaveLength(21);
  });
  it('moves between parent, children and siblings', () => {
    const map = indexTree(visibleTree(root, nodes, new Set([addrId(root)])));
    const first = addrId(leaves[0] as AddressData);
    expect(neighbour(map, addrId(root), 'down')).toBe(first);
    expect(neighbour(map, first, 'up')).toBe(addrId(root));
    expect(neighbour(map, first, 'right')).toBe(addrId(leaves[1] as AddressData));
    expect(neighbour(map, first, 'left')).toBeNull();
  });
});

describe('layout', () => {
  it('draws unexpanded children as a grid of at most `cols` per row', () => {
    const l = layoutTree(visibleTree(root, nodes, new Set([addrId(root)])));
    expect(l.groups).toHaveLength(1);
    expect(l.groups[0]?.rows).toBe(Math.ceil(20 / SIZES.cols));
    const ys = new Set(l.nodes.slice(1).map((n) => n.y));
    expect(ys.size).toBe(Math.ceil(20 / SIZES.cols));
    const width = (l.groups[0]?.x1 ?? 0) - (l.groups[0]?.x0 ?? 0);
    expect(width).toBe(SIZES.cols * SIZES.nodeW + (SIZES.cols - 1) * SIZES.gapX + 2 * SIZES.pad);
    // The parent sits centred over its children.
    expect(l.byId.get(addrId(root))?.x).toBeCloseTo(((l.groups[0]?.x0 ?? 0) + (l.groups[0]?.x1 ?? 0)) / 2);
  });
  it('switches to a row of subtrees when a child is expanded', () => {
    const mid = addr(500, 'internal', 1);
    const top = addr(2000, 'internal', 2);
    const other = addr(600, 'internal', 1);
    const m = new Map(nodes);
    m.set(addrId(top), node(top, [mid, other]));
    m.set(addrId(mid), node(mid, leaves.slice(0, 3)));
    m.set(addrId(other), node(other, leaves.slice(3, 6)));
    const l = layoutTree(visibleTree(top, m, new Set([addrId(top), addrId(mid)])));
    expect(l.edges.filter((e) => e.fromId === addrId(top))).toHaveLength(2);
    expect(l.groups.map((g) => g.parentId)).toEqual([addrId(mid)]);
    const a = l.byId.get(addrId(mid));
    const b = l.byId.get(addrId(other));
    expect(a && b && b.x - a.x).toBeGreaterThanOrEqual(SIZES.nodeW);
  });
  it('fits a box into a viewport', () => {
    const box = bounds([{ x: 0, y: 0 }, { x: 1000, y: 200 }], 100, 50);
    expect(box).toEqual({ x0: -50, y0: 0, x1: 1050, y1: 250 });
    const t = fitTransform(box, 600, 400, 50);
    expect(t.k).toBeCloseTo(500 / 1100);
    // Centred: the box's left edge lands at the margin.
    expect(t.x + t.k * box.x0).toBeCloseTo(50);
  });
});

describe('labels', () => {
  it('names levels and child bounds', () => {
    expect(levelLabel(2, 3, 'internal')).toBe('L2 root');
    expect(levelLabel(0, 3, 'leaf')).toBe('L0 leaf');
    expect(levelLabel(0, 1, 'leaf')).toBe('L0 root leaf');
    const k = (hex: string) => ({ hex, json: null, decoded: false, length: hex.length / 2 });
    const n = { ...node(root, leaves.slice(0, 3)), keys: [k('10'), k('20')] };
    expect(childBounds(n, 0)).toEqual({ lower: null, upper: k('10') });
    expect(childBounds(n, 2)).toEqual({ lower: k('20'), upper: null });
  });
});
