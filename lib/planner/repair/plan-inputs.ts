/**
 * Plan inputs: references to inputs the plan does not declare are declared (their type taken
 * from where they are used; names made valid), duplicates merged, defaults that do not fit
 * their type dropped.
 */
import type { ValidationIssue } from "../../core/issues";
import { checkValue } from "../../core/check-value";
import type { JsonSchema } from "../../core/json-schema";
import { PlanInputName, type Binding } from "../../core/plan";
import { sanitizeInputName, type RepairContext } from "./context";

export function repairPlanInputs(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  let changed = false;
  if (issues.some((i) => i.code === "duplicate_plan_input")) {
    const seen = new Set<string>();
    ctx.plan.inputs = ctx.plan.inputs.filter((i) => (seen.has(i.name) ? false : (seen.add(i.name), true)));
    ctx.record({ kind: "plan_input", message: "removed plan inputs declared twice" });
    changed = true;
  }
  for (const issue of issues) {
    if (issue.code === "invalid_plan_input_default" && issue.input) {
      const input = ctx.plan.inputs.find((i) => i.name === issue.input);
      if (input && input.default !== undefined && checkValue(input.default, input.schema).length) {
        delete input.default;
        ctx.record({ kind: "plan_input", input: input.name, message: `dropped the default of plan input ${input.name}, which did not fit its type` });
        changed = true;
      }
    }
  }
  // Undeclared inputs, wherever they are read.
  const uses = new Map<string, { schema: JsonSchema | undefined; description?: string }>();
  const visit = (b: Binding, target: JsonSchema | undefined, description?: string) => {
    if (b.kind !== "input" || ctx.plan.inputs.some((i) => i.name === b.name)) return;
    const prev = uses.get(b.name);
    if (!prev || (prev.schema === undefined && target !== undefined)) uses.set(b.name, { schema: target, description });
  };
  for (const step of ctx.plan.steps) {
    const schemas = ctx.inputSchemas(step);
    const spec = ctx.spec(step);
    for (const [name, b] of Object.entries(step.inputs)) visit(b, schemas[name], spec ? `${spec.title}: ${name}` : undefined);
  }
  for (const b of Object.values(ctx.plan.outputs)) visit(b, undefined);
  for (const [name, use] of uses) {
    const valid = PlanInputName.safeParse(name).success;
    const target = valid ? name : sanitizeInputName(name);
    const binding = ctx.planInputFor(target, use.schema ?? {}, use.description);
    const declared = binding.kind === "input" ? binding.name : target;
    if (declared !== name) rename(ctx, name, declared);
    ctx.record({ kind: "plan_input", input: declared, message: declared === name ? `declared the plan input ${name} the plan reads` : `declared the plan input "${name}" as ${declared} (a valid name)` });
    changed = true;
  }
  return changed;
}

function rename(ctx: RepairContext, from: string, to: string) {
  const fix = (b: Binding): Binding => (b.kind === "input" && b.name === from ? { kind: "input", name: to } : b);
  for (const s of ctx.plan.steps) for (const [k, b] of Object.entries(s.inputs)) s.inputs[k] = fix(b);
  for (const [k, b] of Object.entries(ctx.plan.outputs)) ctx.plan.outputs[k] = fix(b);
}
