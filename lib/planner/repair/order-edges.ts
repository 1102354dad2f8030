/** Order-only dependencies that name no step, or the step itself: renamed when close, else dropped. */
import type { ValidationIssue } from "../../core/issues";
import { nearestNames } from "../../core/similarity";
import type { RepairContext } from "./context";

export function repairOrderEdges(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  let changed = false;
  const ids = ctx.plan.steps.map((s) => s.id);
  for (const issue of issues) {
    const step = ctx.step(issue.stepId);
    if (!step?.after) continue;
    if (issue.code === "self_reference" && !issue.input && step.after.includes(step.id)) {
      step.after = step.after.filter((a) => a !== step.id);
      ctx.record({ kind: "order_edge", stepId: step.id, message: `${step.id} no longer waits for itself` });
      changed = true;
    }
    if (issue.code === "unknown_after_ref") {
      const next: string[] = [];
      for (const a of step.after) {
        if (ids.includes(a)) { next.push(a); continue; }
        const near = nearestNames(a, ids.filter((i) => i !== step.id), 1, 0.7)[0];
        if (near) next.push(near.value);
        ctx.record({ kind: "order_edge", stepId: step.id, message: near ? `${step.id} waited for "${a}"; it now waits for ${near.value}` : `${step.id} no longer waits for "${a}", which is not a step` });
        changed = true;
      }
      step.after = [...new Set(next)];
    }
    if (step.after && !step.after.length) delete step.after;
  }
  return changed;
}
