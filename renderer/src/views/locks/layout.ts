/**
 * Places the waits-for graph with d3-force, run to rest synchronously (no animation loop to
 * throttle) and seeded with the previous positions so nodes do not jump between updates.
 */
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationLinkDatum, type SimulationNodeDatum } from 'd3';

/** A placed node. */
export interface Placed {
  readonly tx: number;
  readonly x: number;
  readonly y: number;
}

interface SimNode extends SimulationNodeDatum {
  tx: number;
}

/** Node radius used by the layout and the drawing. */
export const NODE_R = 16;

/**
 * Lays out `nodes` joined by `edges` in a `width` × `height` box, starting from `previous`
 * positions where known (then only ticks/6 steps run). O(ticks · (V log V + E)); V is capped by the caller.
 */
export function forceLayout(
  nodes: readonly number[],
  edges: readonly { readonly waiter: number; readonly holder: number }[],
  width: number,
  height: number,
  previous: ReadonlyMap<number, Placed> = new Map(),
  ticks = 80,
): Map<number, Placed> {
  const cx = width / 2;
  const cy = height / 2;
  // A new node starts beside a known neighbour, so a few ticks settle it (a live graph gains and
  // loses nodes on every snapshot; a cold layout per snapshot cost ~30 ms, a visible stutter).
  const neighbour = new Map<number, Placed>();
  for (const e of edges) {
    const a = previous.get(e.waiter);
    const b = previous.get(e.holder);
    if (b && !previous.has(e.waiter)) neighbour.set(e.waiter, b);
    if (a && !previous.has(e.holder)) neighbour.set(e.holder, a);
  }
  let known = 0;
  const sim: SimNode[] = nodes.map((tx, i) => {
    const p = previous.get(tx);
    if (p) {
      known += 1;
      return { tx, x: p.x, y: p.y };
    }
    const a = i * 2.399963;
    const n = neighbour.get(tx);
    if (n) return { tx, x: n.x + 30 * Math.cos(a), y: n.y + 30 * Math.sin(a) };
    // Otherwise on a small spiral around the centre (deterministic, unlike Math.random).
    const r = 12 * Math.sqrt(i + 1);
    return { tx, x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
  });
  const index = new Map(sim.map((n) => [n.tx, n]));
  const links: SimulationLinkDatum<SimNode>[] = [];
  for (const e of edges) {
    const s = index.get(e.waiter);
    const t = index.get(e.holder);
    if (s && t) links.push({ source: s, target: t });
  }
  // Mostly known nodes: a short, gentle run that moves the old ones little.
  const warm = nodes.length > 0 && known / nodes.length >= 0.6;
  const simulation = forceSimulation(sim)
    .force('link', forceLink<SimNode, SimulationLinkDatum<SimNode>>(links).distance(70).strength(0.6))
    .force('charge', forceManyBody<SimNode>().strength(-220).distanceMax(250))
    .force('collide', forceCollide<SimNode>(NODE_R * 2.2))
    .force('x', forceX<SimNode>(cx).strength(0.06))
    .force('y', forceY<SimNode>(cy).strength(0.09))
    .alpha(warm ? 0.2 : 1)
    .stop();
  simulation.tick(warm ? Math.ceil(ticks / 6) : ticks);
  const pad = NODE_R + 18;
  const out = new Map<number, Placed>();
  for (const n of sim) {
    const x = Math.max(pad, Math.min(width - pad, n.x ?? cx));
    const y = Math.max(pad, Math.min(height - pad, n.y ?? cy));
    out.set(n.tx, { tx: n.tx, x, y });
  }
  return out;
}

/** Horizontal room per node: its circle, its victim ring and a five-digit id with a gap. */
export const CELL_W = 2 * NODE_R + 26;
/** Vertical room per node: the ring above, the "victim" label below. */
export const CELL_H = 2 * NODE_R + 30;
/** Room around the grid: the ring above and beside, the victim label below. */
// Wide enough for a centred "VICTIM" label (about 50 px) under a node in the outer column.
const PAD_SIDE = NODE_R + 16;
const PAD_TOP = NODE_R + 8;
const PAD_BOTTOM = NODE_R + 28;

/** The cell centres of a `width` × `height` box, row by row; every two are a cell apart. O(cells). */
export function gridCells(width: number, height: number): { x: number; y: number }[] {
  const w = Math.max(0, width - 2 * PAD_SIDE);
  const h = Math.max(0, height - PAD_TOP - PAD_BOTTOM);
  const cols = Math.floor(w / CELL_W) + 1;
  const rows = Math.floor(h / CELL_H) + 1;
  const sx = cols > 1 ? w / (cols - 1) : 0;
  const sy = rows > 1 ? h / (rows - 1) : 0;
  const cells: { x: number; y: number }[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) cells.push({ x: cols > 1 ? PAD_SIDE + c * sx : width / 2, y: rows > 1 ? PAD_TOP + r * sy : height / 2 });
  return cells;
}

/**
 * Moves each placed node to the nearest free cell of {@link gridCells}, the nodes nearest the
 * centre first (they keep the middle). The force layout alone, clamped to a small box, piles
 * nodes on its edges past ~15 transactions (labels over each other, "victim" cut off); cells
 * keep every circle and label apart and inside the box. Nodes beyond the cell count are left
 * out: the caller caps the graph to the cell count first. O(V · cells).
 */
export function spreadToCells(placed: ReadonlyMap<number, Placed>, width: number, height: number): Map<number, Placed> {
  const cells = gridCells(width, height);
  const free = cells.map(() => true);
  const cx = width / 2;
  const cy = height / 2;
  const order = [...placed.values()].sort((a, b) => Math.hypot(a.x - cx, a.y - cy) - Math.hypot(b.x - cx, b.y - cy) || a.tx - b.tx);
  const out = new Map<number, Placed>();
  for (const p of order) {
    let best = -1;
    let bestD = Infinity;
    cells.forEach((c, i) => {
      if (!free[i]) return;
      const d = Math.hypot(c.x - p.x, c.y - p.y);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    });
    if (best < 0) break;
    free[best] = false;
    const c = cells[best] as { x: number; y: number };
    out.set(p.tx, { tx: p.tx, x: c.x, y: c.y });
  }
  return out;
}
