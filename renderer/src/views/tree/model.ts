/**
 * The part of the tree the user has opened, as a hierarchy for layout. Pure: node data comes
 * in as a map from address id to NodeData (whatever react-query has fetched so far).
 */
import type { AddressData, KeyView, NodeData } from '../../../../app/contract';

/** Identifies a node: an address names exactly one immutable block. */
export function addrId(a: AddressData): string {
  return `${a.kind}@${a.offset}+${a.length}`;
}

export interface TreeItem {
  /** The address id (see {@link addrId}); a tree holds each node once. */
  readonly id: string;
  readonly address: AddressData;
  readonly node: NodeData | undefined;
  /** Index among its parent's children. */
  readonly index: number;
  readonly parentId: string | null;
  readonly expanded: boolean;
  readonly children: TreeItem[];
}

/**
 * The visible hierarchy: the root, and the children of every expanded internal node whose own
 * data is loaded. `expanded` holds address ids.
 */
export function visibleTree(root: AddressData, nodes: ReadonlyMap<string, NodeData>, expanded: ReadonlySet<string>): TreeItem {
  const seen = new Set<string>();
  const build = (address: AddressData, index: number, parentId: string | null): TreeItem => {
    const id = addrId(address);
    seen.add(id);
    const node = nodes.get(id);
    const isOpen = expanded.has(id) && node !== undefined && node.kind === 'internal';
    const children: TreeItem[] = [];
    // `seen` guards against a damaged file whose child points back up the tree.
    if (isOpen) node.children.forEach((c, i) => !seen.has(addrId(c)) && children.push(build(c, i, id)));
    return { id, address, node, index, parentId, expanded: isOpen, children };
  };
  return build(root, 0, null);
}

/** Addresses whose node data the drawing needs: every visible item. */
export function visibleAddresses(root: AddressData, nodes: ReadonlyMap<string, NodeData>, expanded: ReadonlySet<string>): AddressData[] {
  const out: AddressData[] = [];
  const seen = new Set<string>();
  const walk = (a: AddressData, depth: number) => {
    const key = addrId(a);
    if (seen.has(key) || depth > 64) return;
    seen.add(key);
    out.push(a);
    const n = nodes.get(key);
    if (n && n.kind === 'internal' && expanded.has(key)) for (const c of n.children) walk(c, depth + 1);
  };
  walk(root, 0);
  return out;
}

/** Flattens a hierarchy in drawing order (pre-order), with a lookup by id. */
export function indexTree(root: TreeItem): Map<string, TreeItem> {
  const map = new Map<string, TreeItem>();
  const walk = (t: TreeItem) => {
    map.set(t.id, t);
    for (const c of t.children) walk(c);
  };
  walk(root);
  return map;
}

/** Where keyboard navigation goes from `id`. */
export function neighbour(map: ReadonlyMap<string, TreeItem>, id: string, dir: 'up' | 'down' | 'left' | 'right'): string | null {
  const item = map.get(id);
  if (!item) return null;
  if (dir === 'up') return item.parentId;
  if (dir === 'down') return item.children[0]?.id ?? null;
  const parent = item.parentId === null ? null : map.get(item.parentId);
  if (!parent) return null;
  const pos = parent.children.findIndex((c) => c.id === id);
  const sib = parent.children[pos + (dir === 'left' ? -1 : 1)];
  return sib?.id ?? null;
}

/** Child i of an internal node covers [keys[i-1], keys[i]): its bounds, null meaning open. */
export function childBounds(node: NodeData, i: number): { lower: KeyView | null; upper: KeyView | null } {
  return { lower: i > 0 ? (node.keys[i - 1] ?? null) : null, upper: node.keys[i] ?? null };
}

/** "L0 leaf", "L2 root", "L1 internal". */
export function levelLabel(level: number, height: number, kind: 'leaf' | 'internal' | 'delta'): string {
  if (level === height - 1) return `L${level} root${kind === 'leaf' ? ' leaf' : ''}`;
  return `L${level} ${kind === 'leaf' ? 'leaf' : 'internal'}`;
}

/** Bounding box of items' positions (for zoom-to-fit). */
export function bounds(points: readonly { x: number; y: number }[], w: number, h: number): { x0: number; y0: number; x1: number; y1: number } {
  if (points.length === 0) return { x0: 0, y0: 0, x1: w, y1: h };
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x - w / 2);
    x1 = Math.max(x1, p.x + w / 2);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y + h);
  }
  return { x0, y0, x1, y1 };
}

/** The zoom transform that fits a box into a viewport with a margin, capped at `maxScale`. */
export function fitTransform(box: { x0: number; y0: number; x1: number; y1: number }, vw: number, vh: number, margin = 40, maxScale = 1.25, minScale = 0.05): { x: number; y: number; k: number } {
  const bw = Math.max(1, box.x1 - box.x0);
  const bh = Math.max(1, box.y1 - box.y0);
  const k = Math.max(minScale, Math.min(maxScale, (vw - 2 * margin) / bw, (vh - 2 * margin) / bh));
  const x = vw / 2 - k * (box.x0 + bw / 2);
  const y = Math.max(margin, vh / 2 - k * (box.y0 + bh / 2));
  return { x, y: bh * k < vh - 2 * margin ? y : margin, k };
}

/** Sizes of the drawing, in SVG units before zoom. */
export interface LayoutSizes {
  readonly nodeW: number;
  readonly nodeH: number;
  /** Horizontal gap between boxes. */
  readonly gapX: number;
  /** Vertical gap between a parent and its children. */
  readonly gapY: number;
  /** Vertical gap between rows of a children grid. */
  readonly gapRow: number;
  /** Padding inside a children grid's frame, and room for its label. */
  readonly pad: number;
  readonly label: number;
  /** Most boxes per row of a children grid. */
  readonly cols: number;
}

export const SIZES: LayoutSizes = { nodeW: 184, nodeH: 76, gapX: 16, gapY: 56, gapRow: 14, pad: 10, label: 18, cols: 8 };

export interface PlacedNode {
  readonly item: TreeItem;
  /** Centre x and top y. */
  readonly x: number;
  readonly y: number;
}

/** The frame around the children of an expanded node when they are drawn as a grid. */
export interface PlacedGroup {
  readonly parentId: string;
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly count: number;
  readonly rows: number;
}

export interface PlacedEdge {
  readonly id: string;
  readonly fromId: string;
  /** A child id, or `group:<parentId>` for an edge to a children grid. */
  readonly toId: string;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface TreeLayout {
  readonly nodes: PlacedNode[];
  readonly groups: PlacedGroup[];
  readonly edges: PlacedEdge[];
  readonly byId: Map<string, PlacedNode>;
}

/**
 * Lays the visible tree out top-down. A B+tree node has up to `fanout` children (64 by
 * default), so one row of children per node would make a drawing thousands of boxes wide.
 * Children that are not themselves expanded are drawn as a compact grid (at most `cols` per
 * row) in a frame under their parent; as soon as one of them is expanded, that level switches
 * to a row of subtrees so each expanded child keeps its own column.
 */
export function layoutTree(root: TreeItem, s: LayoutSizes = SIZES): TreeLayout {
  const sizes = new Map<string, { w: number; blockW: number; grid: boolean; cols: number; rows: number }>();
  const measure = (t: TreeItem): number => {
    const kids = t.children;
    if (kids.length === 0) {
      sizes.set(t.id, { w: s.nodeW, blockW: 0, grid: false, cols: 0, rows: 0 });
      return s.nodeW;
    }
    const grid = !kids.some((k) => k.children.length > 0);
    let blockW: number;
    let cols = 0;
    let rows = 0;
    if (grid) {
      cols = Math.min(kids.length, s.cols);
      rows = Math.ceil(kids.length / cols);
      blockW = cols * s.nodeW + (cols - 1) * s.gapX + 2 * s.pad;
      for (const k of kids) measure(k);
    } else {
      blockW = kids.reduce((acc, k) => acc + measure(k), 0) + (kids.length - 1) * s.gapX;
    }
    const w = Math.max(s.nodeW, blockW);
    sizes.set(t.id, { w, blockW, grid, cols, rows });
    return w;
  };
  measure(root);

  const nodes: PlacedNode[] = [];
  const groups: PlacedGroup[] = [];
  const edges: PlacedEdge[] = [];
  const byId = new Map<string, PlacedNode>();
  const place = (t: TreeItem, left: number, top: number) => {
    const m = sizes.get(t.id);
    if (!m) return;
    const cx = left + m.w / 2;
    const p = { item: t, x: cx, y: top };
    nodes.push(p);
    byId.set(t.id, p);
    if (t.children.length === 0) return;
    const blockLeft = cx - m.blockW / 2;
    const blockTop = top + s.nodeH + s.gapY;
    if (m.grid) {
      const y0 = blockTop;
      const y1 = blockTop + 2 * s.pad + s.label + m.rows * s.nodeH + (m.rows - 1) * s.gapRow;
      groups.push({ parentId: t.id, x0: blockLeft, y0, x1: blockLeft + m.blockW, y1, count: t.children.length, rows: m.rows });
      edges.push({ id: `${t.id}>group`, fromId: t.id, toId: `group:${t.id}`, x1: cx, y1: top + s.nodeH, x2: cx, y2: y0 });
      t.children.forEach((k, i) => {
        const col = i % m.cols;
        const row = Math.floor(i / m.cols);
        const kx = blockLeft + s.pad + col * (s.nodeW + s.gapX) + s.nodeW / 2;
        const ky = blockTop + s.pad + s.label + row * (s.nodeH + s.gapRow);
        const kp = { item: k, x: kx, y: ky };
        nodes.push(kp);
        byId.set(k.id, kp);
      });
    } else {
      let x = blockLeft;
      for (const k of t.children) {
        const km = sizes.get(k.id);
        if (!km) continue;
        place(k, x, blockTop);
        edges.push({ id: `${t.id}>${k.id}`, fromId: t.id, toId: k.id, x1: cx, y1: top + s.nodeH, x2: x + km.w / 2, y2: blockTop });
        x += km.w + s.gapX;
      }
    }
  };
  place(root, -(sizes.get(root.id)?.w ?? s.nodeW) / 2, 0);
  return { nodes, groups, edges, byId };
}
