/**
 * Runs a plan in a test the way the engine does, step by step in dependency order: resolve each
 * binding, parse the input with the action's schema, run, parse the output. It proves a planned
 * plan is not only valid but runnable, on real actions and real files.
 */
import { readPath } from "@/lib/core/binding-text";
import type { ActionRegistry } from "@/lib/core/catalog";
import { topologicalOrder } from "@/lib/core/graph";
import type { Binding, Plan } from "@/lib/core/plan";
import { runAction, testContext } from "@/tests/support/action-context";

export async function runPlan(plan: Plan, registry: ActionRegistry, options: { workspaceDir: string; inputs?: Record<string, unknown> }): Promise<{ outputs: Record<string, unknown>; steps: Record<string, unknown> }> {
  const { order, cyclic } = topologicalOrder(plan.steps);
  if (cyclic.length) throw new Error(`cycle: ${cyclic.join(", ")}`);
  const results: Record<string, unknown> = {};
  const values = { ...Object.fromEntries(plan.inputs.filter((i) => i.default !== undefined).map((i) => [i.name, i.default])), ...options.inputs };
  const resolve = (b: Binding): unknown => (b.kind === "literal" ? b.value : b.kind === "input" ? values[b.name] : b.kind === "firstOf" ? b.of.map(resolve).find((v) => v !== undefined) : b.kind === "item" ? undefined : readPath(results[b.step], b.path));
  for (const id of order) {
    const step = plan.steps.find((s) => s.id === id)!;
    const action = registry.get(step.action);
    if (!action) throw new Error(`unknown action ${step.action}`);
    const input = Object.fromEntries(Object.entries(step.inputs).map(([k, b]) => [k, resolve(b)]));
    results[id] = await runAction(action, input, testContext({ workspaceDir: options.workspaceDir, stepId: id }));
  }
  return { steps: results, outputs: Object.fromEntries(Object.entries(plan.outputs).map(([k, b]) => [k, resolve(b)])) };
}
