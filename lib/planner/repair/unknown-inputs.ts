/**
 * Inputs the action does not have: renamed to the input they nearly name, or moved to the one
 * unbound input their value fits (LLMs list arguments in the wrong place); otherwise, when
 * lossy repairs are allowed, dropped (the action cannot take them).
 */
import { checkValue } from "../../core/check-value";
import type { ValidationIssue } from "../../core/issues";
import { isAnySchema } from "../../core/json-schema";
import type { Binding, Step } from "../../core/plan";
import { nearestNames } from "../../core/similarity";
import type { RepairContext } from "./context";

export function repairUnknownInputs(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== "unknown_input" || !issue.input) continue;
    const step = ctx.step(issue.stepId);
    const b = step?.inputs[issue.input];
    if (!step || !b) continue;
    const schemas = ctx.inputSchemas(step);
    const unbound = Object.keys(schemas).filter((n) => !(n in step.inputs));
    const fits = (name: string) => bindingFits(ctx, b, schemas[name]);
    const near = nearestNames(issue.input, unbound, 3, 0.5).find((n) => fits(n.value))?.value;
    const required = ctx.requiredInputs(step);
    const slot = near ?? unbound.filter((n) => required.includes(n)).find(fits) ?? (unbound.length === 1 && fits(unbound[0]) ? unbound[0] : undefined);
    if (slot) {
      move(step, issue.input, slot);
      ctx.record({ kind: "input_name", stepId: step.id, input: slot, message: `moved ${step.id}.${issue.input} to ${slot}, the input ${step.action} has for it` });
      changed = true;
    } else if (ctx.options.lossy) {
      delete step.inputs[issue.input];
      ctx.record({ kind: "input_name", stepId: step.id, input: issue.input, message: `dropped ${step.id}.${issue.input}: ${step.action} has no such input`, lossy: true });
      changed = true;
    }
  }
  return changed;
}

function bindingFits(ctx: RepairContext, b: Binding, target: unknown): boolean {
  if (target === undefined) return false;
  if (isAnySchema(target)) return true;
  if (b.kind === "literal") return checkValue(b.value, target).length === 0;
  if (b.kind === "input") return true;
  return ctx.fits(b, target);
}

function move(step: Step, from: string, to: string) {
  const next: Record<string, Binding> = {};
  for (const [k, v] of Object.entries(step.inputs)) next[k === from ? to : k] = v;
  step.inputs = next;
}
