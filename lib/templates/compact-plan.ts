/**
 * Plans written by hand: step inputs and plan outputs may use the compact text form
 * (`"${inputs.region}"`, `"${steps.load.output.table}"`, or a plain value for a literal)
 * instead of binding objects. `expandPlan` turns such a plan into the plan IR; a plan that
 * already uses binding objects passes through unchanged. Built-in templates are written in
 * this form, and the CLI reads plan files through it.
 */
import { Binding, Plan, parseBindingText, type PlanInput, type Step } from "../core";
import { isObject } from "../core";

export type ExpandResult = { ok: true; plan: Plan } | { ok: false; errors: string[] };

/** A binding object, or a value in text form. */
function expandValue(value: unknown, where: string, errors: string[]): Binding | undefined {
  if (isObject(value) && typeof value.kind === "string") {
    const asBinding = Binding.safeParse(value);
    if (asBinding.success) return asBinding.data;
  }
  const parsed = parseBindingText(value);
  if (!parsed.ok) {
    errors.push(`${where}: ${parsed.error}`);
    return undefined;
  }
  return parsed.binding;
}

function expandBindings(values: unknown, where: string, errors: string[]): Record<string, Binding> {
  const out: Record<string, Binding> = {};
  if (values === undefined) return out;
  if (!isObject(values)) {
    errors.push(`${where}: expected an object of named values`);
    return out;
  }
  for (const [name, value] of Object.entries(values)) {
    const b = expandValue(value, `${where}.${name}`, errors);
    if (b) out[name] = b;
  }
  return out;
}

/** Expands text-form bindings in a plan-shaped value, then checks it is a plan. */
export function expandPlan(raw: unknown): ExpandResult {
  if (!isObject(raw)) return { ok: false, errors: ["a plan is a JSON object with goal, flows, inputs, steps and outputs"] };
  const errors: string[] = [];
  const steps = Array.isArray(raw.steps)
    ? raw.steps.map((s, i) => {
        if (!isObject(s)) return s;
        const where = `steps.${typeof s.id === "string" ? s.id : i}.inputs`;
        return { ...s, inputs: expandBindings(s.inputs ?? {}, where, errors) };
      })
    : raw.steps;
  const candidate = {
    ...raw,
    flows: raw.flows ?? [],
    inputs: raw.inputs ?? [],
    steps,
    outputs: expandBindings(raw.outputs ?? {}, "outputs", errors),
  };
  if (errors.length) return { ok: false, errors };
  const parsed = Plan.safeParse(candidate);
  if (!parsed.success) {
    return { ok: false, errors: parsed.error.issues.slice(0, 10).map((i) => `${i.path.map(String).join(".") || "plan"}: ${i.message}`) };
  }
  return { ok: true, plan: parsed.data };
}

/** The authoring form of a step: inputs as text-form values. */
export interface CompactStep extends Omit<Step, "inputs"> {
  inputs?: Record<string, unknown>;
}

export interface CompactPlan {
  goal: string;
  flows?: string[];
  inputs?: PlanInput[];
  steps: CompactStep[];
  outputs?: Record<string, unknown>;
}
