/**
 * Bindings that read the wrong step: the step itself (often 1-based numbering), a step that
 * does not exist (a near-miss id, a free-form "<output of X>"), or a path the output does not
 * have (`<node-1>[0]` on a single value). Each is pointed at the nearest earlier step whose
 * output fits; failing that, the input becomes a plan input.
 */
import type { ValidationIssue } from "../../core/issues";
import { isAnySchema } from "../../core/json-schema";
import { nearestNames } from "../../core/similarity";
import type { Binding, Step } from "../../core/plan";
import { isAssignable, schemaAtPath } from "../../core/type-compat";
import type { RepairContext } from "./context";

export function repairReferences(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== "self_reference" && issue.code !== "unknown_step_ref" && issue.code !== "invalid_path") continue;
    const step = ctx.step(issue.stepId);
    if (!step || !issue.input) continue;
    const b = step.inputs[issue.input];
    if (!b || b.kind !== "step") continue;
    const target = ctx.inputSchemas(step)[issue.input] ?? {};
    const fixed = issue.code === "invalid_path" ? fixPath(ctx, b, target) ?? ctx.bestSource(step, target, { input: issue.input }) : renamed(ctx, step, b, target) ?? ctx.bestSource(step, target, { exclude: new Set([step.id]), input: issue.input });
    const why = issue.code === "self_reference" ? "read its own output" : issue.code === "unknown_step_ref" ? `read "${b.step}", which is not a step` : `read a path ${b.step}'s output does not have`;
    if (fixed) {
      step.inputs[issue.input] = fixed;
      ctx.record({ kind: issue.code === "invalid_path" ? "path" : issue.code === "self_reference" ? "self_reference" : "step_reference", stepId: step.id, input: issue.input, message: `${step.id}.${issue.input} ${why}; it now reads ${label(fixed)}` });
      changed = true;
    } else if (ctx.options.planInputs && !isAnySchema(target)) {
      const spec = ctx.spec(step);
      step.inputs[issue.input] = ctx.planInputFor(issue.input, target as Record<string, unknown>, spec ? `${spec.title}: ${issue.input}` : undefined);
      ctx.record({ kind: "missing_input", stepId: step.id, input: issue.input, message: `${step.id}.${issue.input} ${why} and no earlier step fits; it is now a plan input` });
      changed = true;
    }
  }
  return changed;
}

/** A near-miss step id whose output fits. */
function renamed(ctx: RepairContext, step: Step, b: Extract<Binding, { kind: "step" }>, target: unknown): Binding | undefined {
  if (ctx.step(b.step)) return undefined;
  const ids = ctx.upstreamCandidates(step).map((s) => s.id);
  for (const near of nearestNames(b.step, ids, 3, 0.6)) {
    const candidate: Binding = { ...b, step: near.value };
    if (ctx.fits(candidate, target) || isAnySchema(target)) return candidate;
  }
  return undefined;
}

/** The longest prefix of the path that exists and fits, or the whole output, or a field that fits. */
function fixPath(ctx: RepairContext, b: Extract<Binding, { kind: "step" }>, target: unknown): Binding | undefined {
  const spec = ctx.spec(ctx.step(b.step));
  if (!spec) return undefined;
  const path = b.path ?? [];
  for (let n = path.length - 1; n >= 0; n--) {
    const at = n === 0 ? { schema: spec.output } : schemaAtPath(spec.output, path.slice(0, n));
    if (at && !isAnySchema(at.schema) && isAssignable(at.schema, target).ok) return n === 0 ? { kind: "step", step: b.step } : { kind: "step", step: b.step, path: path.slice(0, n) };
  }
  return undefined;
}

function label(b: Binding): string {
  return b.kind === "step" ? `${b.step}${b.path?.length ? `.${b.path.join(".")}` : ""}` : b.kind === "input" ? `the plan input ${b.name}` : "a value";
}
