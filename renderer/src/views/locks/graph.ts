/**
 * The waits-for graph as drawn: capped to the most connected transactions plus every
 * transaction on a cycle, so 10k waiting transactions never become 10k SVG nodes. Cycles are
 * those of recent deadlocks (already broken by the time we see them: the victim's request was
 * rejected) and any still present in the live edges (strongly connected components).
 */

/**
 * One waits-for edge: `waiter` waits for `holder` ('queued': only queued behind its request;
 * 'broken': from a deadlock cycle already broken, when a capped graph is capped again).
 */
export interface GraphEdgeInput {
  readonly waiter: number;
  readonly holder: number;
  readonly kind: 'held' | 'queued' | 'broken';
}

/** A deadlock to mark on the graph: its cycle (transaction ids) and the victim. */
export interface GraphCycleInput {
  readonly cycle: readonly number[];
  readonly victim: number;
}

/** How a node is marked. */
export type NodeRole = 'victim' | 'cycle' | 'plain';

/** A transaction on the drawing. */
export interface GraphNode {
  readonly tx: number;
  /** Edges out: how many transactions it waits for. */
  readonly waitsFor: number;
  /** Edges in: how many transactions wait for it. */
  readonly blocking: number;
  readonly role: NodeRole;
}

/** An edge on the drawing; `cycle` edges belong to a deadlock cycle (possibly already broken). */
export interface GraphEdge {
  readonly id: string;
  readonly waiter: number;
  readonly holder: number;
  readonly kind: 'held' | 'queued' | 'broken';
  readonly cycle: boolean;
}

/** What {@link capGraph} returns. */
export interface CappedGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Transactions in the full graph (live edges and marked cycles). */
  readonly totalNodes: number;
  readonly totalEdges: number;
  /** True when some nodes were left out. */
  readonly capped: boolean;
}

const edgeId = (waiter: number, holder: number) => `${waiter}>${holder}`;

/**
 * Keeps every transaction on a marked or live cycle, then the most connected others (degree
 * descending, then id) up to `limit` nodes, and the edges between kept nodes.
 * O(E log E) for E live edges.
 */
export function capGraph(edges: readonly GraphEdgeInput[], cycles: readonly GraphCycleInput[], limit: number): CappedGraph {
  const byId = new Map<string, GraphEdge>();
  const out = new Map<number, number>();
  const into = new Map<number, number>();
  const add = (waiter: number, holder: number, kind: GraphEdge['kind'], cycle: boolean) => {
    if (waiter === holder) return;
    const id = edgeId(waiter, holder);
    const had = byId.get(id);
    if (had) {
      // A held edge says more than a queued one; a cycle mark is never lost.
      const k = had.kind === 'held' || kind === 'held' ? 'held' : had.kind === 'queued' || kind === 'queued' ? 'queued' : 'broken';
      byId.set(id, { ...had, kind: k, cycle: had.cycle || cycle });
      return;
    }
    byId.set(id, { id, waiter, holder, kind, cycle });
    out.set(waiter, (out.get(waiter) ?? 0) + 1);
    into.set(holder, (into.get(holder) ?? 0) + 1);
    if (!out.has(holder)) out.set(holder, 0);
    if (!into.has(waiter)) into.set(waiter, 0);
  };
  for (const e of edges) add(e.waiter, e.holder, e.kind, false);

  const roles = new Map<number, NodeRole>();
  for (const c of cycles) {
    const ring = c.cycle;
    for (let i = 0; i < ring.length; i++) {
      const a = ring[i] as number;
      const b = ring[(i + 1) % ring.length] as number;
      // A deadlock cycle lists waiters in order: each waits for the next.
      add(a, b, 'broken', true);
      if (roles.get(a) !== 'victim') roles.set(a, 'cycle');
    }
    roles.set(c.victim, 'victim');
    if (!out.has(c.victim)) {
      out.set(c.victim, 0);
      into.set(c.victim, 0);
    }
  }
  // Live cycles: every edge inside a strongly connected component is on some cycle.
  const scc = stronglyConnected([...byId.values()]);
  for (const e of byId.values()) {
    const a = scc.get(e.waiter);
    if (a !== undefined && a === scc.get(e.holder)) {
      byId.set(e.id, { ...e, cycle: true });
      if (!roles.has(e.waiter)) roles.set(e.waiter, 'cycle');
      if (!roles.has(e.holder)) roles.set(e.holder, 'cycle');
    }
  }

  const all = [...out.keys()];
  const degree = (tx: number) => (out.get(tx) ?? 0) + (into.get(tx) ?? 0);
  const marked = all.filter((tx) => roles.has(tx));
  const rest = all.filter((tx) => !roles.has(tx)).sort((a, b) => degree(b) - degree(a) || a - b);
  const room = Math.max(0, limit - marked.length);
  const kept = new Set([...marked, ...rest.slice(0, room)]);
  const nodes: GraphNode[] = [...kept]
    .sort((a, b) => a - b)
    .map((tx) => ({ tx, waitsFor: out.get(tx) ?? 0, blocking: into.get(tx) ?? 0, role: roles.get(tx) ?? 'plain' }));
  const keptEdges = [...byId.values()].filter((e) => kept.has(e.waiter) && kept.has(e.holder));
  return { nodes, edges: keptEdges, totalNodes: all.length, totalEdges: byId.size, capped: kept.size < all.length };
}

/**
 * Tarjan's strongly connected components (iterative: a long wait chain must not overflow the
 * stack). Returns tx → component id, only for components with more than one node. O(V + E).
 */
export function stronglyConnected(edges: readonly { readonly waiter: number; readonly holder: number }[]): Map<number, number> {
  const adj = new Map<number, number[]>();
  for (const e of edges) {
    let list = adj.get(e.waiter);
    if (!list) adj.set(e.waiter, (list = []));
    list.push(e.holder);
    if (!adj.has(e.holder)) adj.set(e.holder, []);
  }
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const result = new Map<number, number>();
  let next = 0;
  let comp = 0;
  for (const root of adj.keys()) {
    if (index.has(root)) continue;
    const work: { v: number; i: number }[] = [{ v: root, i: 0 }];
    index.set(root, next);
    low.set(root, next);
    next += 1;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1] as { v: number; i: number };
      const succ = adj.get(top.v) as number[];
      if (top.i < succ.length) {
        const w = succ[top.i] as number;
        top.i += 1;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next);
          next += 1;
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.v, Math.min(low.get(top.v) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v) as number, low.get(top.v) as number));
      if (low.get(top.v) === index.get(top.v)) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack.delete(w);
          members.push(w);
        } while (w !== top.v);
        if (members.length > 1) {
          for (const m of members) result.set(m, comp);
          comp += 1;
        }
      }
    }
  }
  return result;
}

/**
 * The graph cut to at most `limit` nodes for a box that holds no more: victims, then the rest
 * of the cycles, then the most connected (degree, then id); edges between kept nodes. The
 * same graph when it fits. O(V log V + E).
 */
export function fitGraph(graph: CappedGraph, limit: number): CappedGraph {
  if (graph.nodes.length <= limit) return graph;
  const rank = (n: GraphNode) => (n.role === 'victim' ? 0 : n.role === 'cycle' ? 1 : 2);
  const kept = [...graph.nodes]
    .sort((a, b) => rank(a) - rank(b) || b.waitsFor + b.blocking - (a.waitsFor + a.blocking) || a.tx - b.tx)
    .slice(0, Math.max(0, limit));
  const ids = new Set(kept.map((n) => n.tx));
  return {
    nodes: graph.nodes.filter((n) => ids.has(n.tx)),
    edges: graph.edges.filter((e) => ids.has(e.waiter) && ids.has(e.holder)),
    totalNodes: graph.totalNodes,
    totalEdges: graph.totalEdges,
    capped: true,
  };
}
