/**
 * A Trellis plan back to a TaskBench task graph `{task_steps, task_nodes, task_links}`, so plans
 * (converted gold, repaired predictions, the offline planner's output) can be scored with the
 * TaskBench metrics. The inverse of graph-to-plan on clean graphs:
 *   action id → tool name (unknown actions stay as they are);
 *   binding to step `X` → `<node-k>` where k is X's position (plus the path: `<node-1>[0]`);
 *   binding to an unknown step or to a plan input → `<name>`; literals as they are.
 * Media sets give positional arguments in the tool's input order, then any other inputs;
 * dailylifeapis gives `{name, value}` arguments and `task_links` from the order dependencies.
 */
import { printPath } from "../core/binding-text";
import type { Binding, Plan } from "../core/plan";
import type { TaskBenchCatalog } from "../catalogs/tool-desc";

export interface TaskBenchGraphOut {
  task_steps: string[];
  task_nodes: { task: string; arguments: unknown[] }[];
  task_links: { source: string; target: string }[];
}

export function planToGraph(plan: Plan, cat: TaskBenchCatalog): TaskBenchGraphOut {
  const index = new Map<string, number>();
  plan.steps.forEach((s, i) => { if (!index.has(s.id)) index.set(s.id, i); });
  const nameOfStep = (id: string) => {
    const step = plan.steps[index.get(id)!];
    return cat.nameOf(step.action) ?? step.action;
  };
  const valueOf = (b: Binding): unknown => {
    switch (b.kind) {
      case "literal":
        return b.value;
      case "input":
        return `<${b.name}>`;
      case "step": {
        const k = index.get(b.step);
        return `${k === undefined ? `<${b.step}>` : `<node-${k}>`}${printPath(b.path)}`;
      }
    }
  };

  const task_nodes = plan.steps.map((step) => {
    const task = cat.nameOf(step.action) ?? step.action;
    const tool = cat.toolBySlug.get(step.action);
    if (cat.dependency === "temporal") {
      return { task, arguments: Object.entries(step.inputs).map(([name, b]) => ({ name, value: valueOf(b) })) };
    }
    const order = tool ? tool.inputs.map((x) => x.name).filter((n) => n in step.inputs) : [];
    for (const n of Object.keys(step.inputs)) if (!order.includes(n)) order.push(n);
    return { task, arguments: order.map((n) => valueOf(step.inputs[n])) };
  });

  const task_links: { source: string; target: string }[] = [];
  const seen = new Set<string>();
  const link = (source: string, target: string) => {
    const key = JSON.stringify([source, target]);
    if (!seen.has(key)) { seen.add(key); task_links.push({ source, target }); }
  };
  for (const step of plan.steps) {
    const target = nameOfStep(step.id);
    for (const b of Object.values(step.inputs)) {
      if (b.kind === "step" && b.step !== step.id && index.has(b.step)) link(nameOfStep(b.step), target);
    }
    for (const a of step.after ?? []) {
      if (a === step.id) continue;
      if (index.has(a)) link(nameOfStep(a), target);
      else if (cat.dependency === "temporal") link(a, target);
    }
  }

  const task_steps = plan.steps.map((s, i) => `Step ${i + 1}: ${s.label ?? task_nodes[i].task}`);
  return { task_steps, task_nodes, task_links };
}
