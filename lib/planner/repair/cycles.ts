/**
 * Cycles: steps that wait for each other. The edge that points forward in plan order (a step
 * reading a step written after it, inside the cycle) is the mistake; it is pointed at an
 * earlier step that fits, or becomes a plan input; order-only edges in the cycle are dropped.
 */
import type { ValidationIssue } from "../../core/issues";
import { isAnySchema } from "../../core/json-schema";
import type { RepairContext } from "./context";

export function repairCycles(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  let changed = false;
  const order = new Map(ctx.plan.steps.map((s, i) => [s.id, i]));
  for (const issue of issues) {
    if (issue.code !== "cycle") continue;
    const members = new Set((issue.candidates ?? []).map((c) => c.value));
    let done = false;
    for (const step of [...ctx.plan.steps].sort((a, b) => order.get(a.id)! - order.get(b.id)!)) {
      if (!members.has(step.id) || done) continue;
      const here = order.get(step.id)!;
      const forwardAfter = (step.after ?? []).filter((a) => members.has(a) && (order.get(a) ?? -1) > here);
      if (forwardAfter.length) {
        step.after = step.after!.filter((a) => !forwardAfter.includes(a));
        if (!step.after.length) delete step.after;
        ctx.record({ kind: "cycle", stepId: step.id, message: `${step.id} no longer waits for ${forwardAfter.join(", ")}, which made a cycle` });
        done = changed = true;
        continue;
      }
      for (const [name, b] of Object.entries(step.inputs)) {
        if (b.kind !== "step" || !members.has(b.step) || (order.get(b.step) ?? -1) <= here) continue;
        const target = ctx.inputSchemas(step)[name] ?? {};
        delete step.inputs[name];
        const source = ctx.bestSource(step, target, { exclude: members, input: name });
        if (source) step.inputs[name] = source;
        else if (ctx.options.planInputs && !isAnySchema(target)) step.inputs[name] = ctx.planInputFor(name, target as Record<string, unknown>);
        const now = step.inputs[name];
        ctx.record({ kind: "cycle", stepId: step.id, input: name, message: `${step.id}.${name} read ${b.step}, which made a cycle; ${now ? `it now reads ${now.kind === "step" ? now.step : `the plan input ${(now as { name: string }).name}`}` : "it is now unset"}` });
        done = changed = true;
        break;
      }
    }
  }
  return changed;
}
