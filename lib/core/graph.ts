/** Graph helpers over a plan's steps: order, parallel layers, cycles, critical path. */
import { dependenciesOf, type Step } from "./plan";

export interface Graph {
  ids: string[];
  /** step id to the ids it depends on (only ids that exist) */
  deps: Map<string, string[]>;
  /** step id to the ids that depend on it */
  dependents: Map<string, string[]>;
}

export function buildGraph(steps: readonly Step[]): Graph {
  const ids = steps.map((s) => s.id);
  const known = new Set(ids);
  const deps = new Map<string, string[]>();
  const dependents = new Map<string, string[]>();
  for (const id of ids) dependents.set(id, []);
  for (const s of steps) {
    const d = dependenciesOf(s).filter((x) => known.has(x) && x !== s.id);
    deps.set(s.id, d);
    for (const x of d) dependents.get(x)!.push(s.id);
  }
  return { ids, deps, dependents };
}

/**
 * Kahn's algorithm, stable in plan order. `order` holds the steps that can be ordered;
 * `cyclic` holds the rest (every step on or behind a cycle).
 */
export function topologicalOrder(steps: readonly Step[]): { order: string[]; cyclic: string[] } {
  return layersOf(buildGraph(steps)).result;
}

/** topologicalOrder of a graph already built. */
export function topologicalOrderOf(g: Graph): { order: string[]; cyclic: string[] } {
  return layersOf(g).result;
}

/** Steps grouped into layers that can run in parallel: layer k depends only on layers < k. */
export function parallelLayers(steps: readonly Step[]): string[][] {
  return layersOf(buildGraph(steps)).layers;
}

function layersOf(g: Graph): { layers: string[][]; result: { order: string[]; cyclic: string[] } } {
  const indeg = new Map<string, number>();
  for (const id of g.ids) indeg.set(id, g.deps.get(id)!.length);
  let frontier = g.ids.filter((id) => indeg.get(id) === 0);
  const layers: string[][] = [];
  const order: string[] = [];
  while (frontier.length) {
    layers.push(frontier);
    order.push(...frontier);
    const next: string[] = [];
    for (const id of frontier) {
      for (const d of g.dependents.get(id)!) {
        const n = indeg.get(d)! - 1;
        indeg.set(d, n);
        if (n === 0) next.push(d);
      }
    }
    frontier = next;
  }
  const placed = new Set(order);
  return { layers, result: { order, cyclic: g.ids.filter((id) => !placed.has(id)) } };
}

/** The cycles among the given steps, each as a list of step ids (one cycle per strongly connected component). */
export function findCycles(steps: readonly Step[]): string[][] {
  const g = buildGraph(steps);
  // Tarjan's SCC, iterative so 10k-step chains don't blow the stack.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  for (const root of g.ids) {
    if (idx.has(root)) continue;
    const work: { id: string; i: number }[] = [{ id: root, i: 0 }];
    idx.set(root, index); low.set(root, index); index++;
    stack.push(root); onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const nbrs = g.deps.get(top.id)!;
      if (top.i < nbrs.length) {
        const w = nbrs[top.i++];
        if (!idx.has(w)) {
          idx.set(w, index); low.set(w, index); index++;
          stack.push(w); onStack.add(w);
          work.push({ id: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, idx.get(w)!));
      } else {
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1].id;
          low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!));
        }
        if (low.get(top.id) === idx.get(top.id)) {
          const comp: string[] = [];
          let w: string;
          do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== top.id);
          if (comp.length > 1) out.push(comp.reverse());
        }
      }
    }
  }
  return out;
}

/**
 * Length of the longest path through the DAG, weighting each step by its duration
 * (missing durations count 0). Returns the length and the steps on that path.
 */
export function criticalPath(steps: readonly Step[], durations: Record<string, number>): { length: number; path: string[] } {
  const g = buildGraph(steps);
  const { order } = layersOf(g).result;
  const finish = new Map<string, number>();
  const prev = new Map<string, string | undefined>();
  for (const id of order) {
    let best = 0;
    let from: string | undefined;
    for (const d of g.deps.get(id)!) {
      const f = finish.get(d) ?? 0;
      if (from === undefined || f > best) { best = f; from = d; }
    }
    finish.set(id, best + (durations[id] ?? 0));
    prev.set(id, from);
  }
  let end: string | undefined;
  let length = 0;
  for (const [id, f] of finish) if (end === undefined || f > length) { end = id; length = f; }
  const path: string[] = [];
  for (let cur = end; cur !== undefined; cur = prev.get(cur)) path.unshift(cur);
  return { length, path };
}

/** Every id reachable from `id` along `edges` (not `id` itself, unless on a cycle). */
export function reachable(edges: ReadonlyMap<string, readonly string[]>, id: string): Set<string> {
  const out = new Set<string>();
  const queue = [id];
  while (queue.length) {
    for (const d of edges.get(queue.pop()!) ?? []) if (!out.has(d)) { out.add(d); queue.push(d); }
  }
  return out;
}

/** Every step that (transitively) depends on the given step. */
export function downstreamOf(steps: readonly Step[], id: string): Set<string> {
  return reachable(buildGraph(steps).dependents, id);
}

/** Every step the given step (transitively) depends on. */
export function upstreamOf(steps: readonly Step[], id: string): Set<string> {
  return reachable(buildGraph(steps).deps, id);
}
