/** Plan outputs that read a step that does not exist or a path it does not have. */
import type { ValidationIssue } from "../../core/issues";
import { nearestNames } from "../../core/similarity";
import type { RepairContext } from "./context";

export function repairOutputs(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  let changed = false;
  for (const issue of issues) {
    if (!issue.output) continue;
    const b = ctx.plan.outputs[issue.output];
    if (!b || b.kind === "literal") continue;
    if (issue.code === "unknown_output_ref" && b.kind === "step") {
      const near = nearestNames(b.step, ctx.plan.steps.map((s) => s.id), 1, 0.6)[0];
      if (near) ctx.plan.outputs[issue.output] = { ...b, step: near.value };
      else delete ctx.plan.outputs[issue.output];
      ctx.record({ kind: "output", message: near ? `the plan output ${issue.output} now reads ${near.value} instead of "${b.step}"` : `removed the plan output ${issue.output}, which read "${b.step}", not a step` });
      changed = true;
    } else if (issue.code === "invalid_path" && b.kind === "step") {
      ctx.plan.outputs[issue.output] = { kind: "step", step: b.step };
      ctx.record({ kind: "output", message: `the plan output ${issue.output} now reads all of ${b.step}'s output` });
      changed = true;
    }
  }
  return changed;
}
