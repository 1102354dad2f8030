/**
 * The graph of a plan version as the engine walks it: each step's definition, position,
 * dependencies, merge-only dependencies and dependents. A plan version never changes, so its
 * shape is computed once per plan object and shared by every run of it (a retry, a resume, the
 * next run of the same version): starting a 10,000-step run then builds no graph.
 */
import { buildGraph, dependenciesOf, mergeOnlyDependenciesOf, topologicalOrderOf, type Plan, type Step } from "../core";

export interface PlanShape {
  readonly defs: ReadonlyMap<string, Step>;
  /** position in the plan: the order ready steps launch in */
  readonly index: ReadonlyMap<string, number>;
  readonly deps: ReadonlyMap<string, readonly string[]>;
  /** dependencies a step reads only as a branch of a merge (firstOf) */
  readonly mergeOnly: ReadonlyMap<string, ReadonlySet<string>>;
  readonly dependents: ReadonlyMap<string, readonly string[]>;
  /** the steps in dependency order (a dependency before its dependents), each step once */
  readonly order: readonly string[];
}

const NONE: ReadonlySet<string> = new Set();
const shapes = new WeakMap<Plan, PlanShape>();

export function planShape(plan: Plan): PlanShape {
  let shape = shapes.get(plan);
  if (!shape) shapes.set(plan, (shape = buildShape(plan)));
  return shape;
}

function buildShape(plan: Plan): PlanShape {
  const defs = new Map<string, Step>();
  const index = new Map<string, number>();
  const deps = new Map<string, string[]>();
  const mergeOnly = new Map<string, ReadonlySet<string>>();
  const dependents = new Map<string, string[]>();
  plan.steps.forEach((s, i) => {
    defs.set(s.id, s);
    index.set(s.id, i);
    const own = dependenciesOf(s);
    deps.set(s.id, own);
    const soft = mergeOnlyDependenciesOf(s);
    mergeOnly.set(s.id, soft.size ? soft : NONE);
    for (const d of own) {
      let list = dependents.get(d);
      if (!list) dependents.set(d, (list = []));
      list.push(s.id);
    }
  });
  let order: string[] | undefined;
  return {
    defs, index, deps, mergeOnly, dependents,
    // only queue mode walks the plan in dependency order: made when first asked for
    get order() { return (order ??= topologicalOrderOf(buildGraph(plan.steps)).order); },
  };
}
