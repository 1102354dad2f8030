/**
 * Literals that do not fit their input: coerced when the meaning is plain ("3" → 3, one value
 * → a list, a bare host → an https URL); otherwise, since the value the person meant is
 * unknown, the input becomes a plan input, or (lossy) a step that only fetches what the
 * literal already is (an "audio downloader" given a local .wav) is bypassed.
 */
import { describeType, isAnySchema, isObject, type JsonSchema } from "../../core/json-schema";
import type { ValidationIssue } from "../../core/issues";
import { contentKindOf } from "../../core/schema-formats";
import type { RepairContext } from "./context";
import { coerceLiteral } from "./coerce";

export function repairLiterals(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== "invalid_literal" || !issue.input) continue;
    const step = ctx.step(issue.stepId);
    const b = step?.inputs[issue.input];
    if (!step || !b || b.kind !== "literal") continue;
    const target = ctx.inputSchemas(step)[issue.input];
    if (target === undefined) continue;
    const coerced = coerceLiteral(b.value, target);
    const shown = preview(b.value);
    if (coerced) {
      step.inputs[issue.input] = { kind: "literal", value: coerced.value };
      ctx.record({ kind: "literal", stepId: step.id, input: issue.input, message: `${step.id}.${issue.input}: ${shown} → ${preview(coerced.value)} to fit ${describeType(target)}` });
      changed = true;
      continue;
    }
    if ((b.value === null || b.value === "") && !ctx.requiredInputs(step).includes(issue.input)) {
      delete step.inputs[issue.input];
      changed = true;
      continue;
    }
    if (ctx.options.lossy && bypassCarrier(ctx, step.id, b.value)) {
      changed = true;
      continue;
    }
    if (ctx.options.planInputs && !isAnySchema(target)) {
      const spec = ctx.spec(step);
      const binding = ctx.planInputFor(issue.input, target, `${spec?.title ?? step.action}: ${issue.input} (the plan said ${shown}, which is not ${describeType(target)})`);
      step.inputs[issue.input] = binding;
      ctx.record({ kind: "literal", stepId: step.id, input: issue.input, message: `${step.id}.${issue.input}: ${shown} is not ${describeType(target)}; it is now the plan input ${(binding as { name: string }).name}` });
      changed = true;
    }
  }
  return changed;
}

/**
 * A one-input step whose output is the same kind of thing as the literal it was given (a
 * downloader handed a file name): readers take the literal, and the step goes.
 */
function bypassCarrier(ctx: RepairContext, stepId: string, value: unknown): boolean {
  const step = ctx.step(stepId);
  const spec = ctx.spec(step);
  if (!step || !spec || typeof value !== "string" || Object.keys(step.inputs).length !== 1) return false;
  const kind = contentKindOf(value);
  const out = spec.output as JsonSchema;
  if (kind === "text" || !isObject(out) || out.format !== kind) return false;
  const readers = [...ctx.readersOf(step.id)];
  ctx.removeStep(step.id, { kind: "literal", value });
  ctx.record({ kind: "drop_step", stepId: step.id, message: `removed ${step.id} (${spec.title}): it was given ${preview(value)}, which already is the ${kind} it would produce${readers.length ? "; its readers take the file directly" : ""}`, lossy: true });
  return true;
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
