/**
 * The last resort, lossy: a step whose action is still unknown is removed. Its readers take
 * what it was given when that fits them, else they are left for the other repairs (another
 * source, or a plan input). Only done when lossy repairs are allowed.
 */
import type { ValidationIssue } from "../../core/issues";
import type { RepairContext } from "./context";

export function dropUnknownSteps(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  if (!ctx.options.lossy) return false;
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== "unknown_action") continue;
    const step = ctx.step(issue.stepId);
    if (!step || ctx.plan.steps.length <= 1) continue;
    const given = Object.values(step.inputs).find((b) => b.kind !== "literal" || typeof b.value !== "string" || b.value.length < 200);
    for (const r of [...ctx.readersOf(step.id)]) {
      const target = r.step && r.input ? ctx.inputSchemas(r.step)[r.input] : undefined;
      if (given && target !== undefined && given.kind === "step" && ctx.fits(given, target)) r.set(given);
    }
    ctx.removeStep(step.id);
    ctx.record({ kind: "drop_step", stepId: step.id, message: `removed ${step.id}: "${step.action}" is not an action of this catalog and no action clearly matches it`, lossy: true });
    changed = true;
  }
  return changed;
}
