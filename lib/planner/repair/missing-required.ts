/**
 * Required inputs nothing provides: bound to the nearest earlier step whose output fits and
 * that the step does not already read; otherwise to a plan input the person will fill in.
 */
import type { ValidationIssue } from "../../core/issues";
import type { RepairContext } from "./context";

export function repairMissingRequired(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== "missing_required_input" || !issue.input) continue;
    const step = ctx.step(issue.stepId);
    if (!step || issue.input in step.inputs) continue;
    const target = ctx.inputSchemas(step)[issue.input] ?? {};
    const read = new Set(Object.values(step.inputs).flatMap((b) => (b.kind === "step" ? [b.step] : [])));
    const source = ctx.bestSource(step, target, { exclude: read, input: issue.input });
    const spec = ctx.spec(step);
    if (source) {
      step.inputs[issue.input] = source;
      ctx.record({ kind: "missing_input", stepId: step.id, input: issue.input, message: `${step.id}.${issue.input} had no value; it now reads ${source.kind === "step" ? `${source.step}${source.path?.length ? `.${source.path.join(".")}` : ""}` : "a plan input"}` });
      changed = true;
    } else if (ctx.options.planInputs) {
      const description = spec ? describeInput(spec.input, issue.input, spec.title) : undefined;
      const binding = ctx.planInputFor(issue.input, target, description);
      step.inputs[issue.input] = binding;
      ctx.record({ kind: "missing_input", stepId: step.id, input: issue.input, message: `${step.id}.${issue.input} had no value; it is now the plan input ${(binding as { name: string }).name}` });
      changed = true;
    }
  }
  return changed;
}

function describeInput(schema: Record<string, unknown>, name: string, title: string): string {
  const props = (schema.properties ?? {}) as Record<string, { description?: unknown }>;
  const d = props[name]?.description;
  return typeof d === "string" ? `${title}: ${d}` : `${title}: ${name}`;
}
