/**
 * The plan inputs that still need a value: required, with no default, and not given (or given
 * a value that does not fit). Each says where it is used, so a form can explain why it asks.
 */
import { checkValue, formatValueErrors } from "../core/check-value";
import type { Plan } from "../core/plan";
import type { MissingInput } from "./request";

export function missingInputs(plan: Plan, given: Readonly<Record<string, unknown>> = {}): MissingInput[] {
  const out: MissingInput[] = [];
  for (const input of plan.inputs) {
    if (input.required === false) continue;
    const usedBy: MissingInput["usedBy"] = [];
    for (const step of plan.steps) {
      for (const [name, b] of Object.entries(step.inputs)) if (b.kind === "input" && b.name === input.name) usedBy.push({ stepId: step.id, input: name });
    }
    const base = { name: input.name, schema: input.schema, ...(input.description ? { description: input.description } : {}), usedBy };
    if (input.name in given) {
      const errors = checkValue(given[input.name], input.schema);
      if (errors.length) out.push({ ...base, problem: `the value given does not fit: ${formatValueErrors(errors)}` });
      continue;
    }
    if (input.default !== undefined && checkValue(input.default, input.schema).length === 0) continue;
    out.push(base);
  }
  return out;
}
