/**
 * A template and parameter values in, a plan out. Pure: the caller validates the plan
 * against its catalog and stores it. Problems name the parameter they concern.
 */
import { checkValue, formatValueErrors, type Binding, type Plan, type PlanInput } from "../core";
import { fillLabel, fillValue, placeholderNames } from "./placeholders";
import { paramBinding, paramMustBeGiven, type Template, type TemplateParam } from "./template";

export interface ParamProblem {
  param: string;
  message: string;
}

export type InstantiateResult =
  | { ok: true; plan: Plan; values: Record<string, unknown>; openInputs: string[] }
  | { ok: false; problems: ParamProblem[] };

export function instantiateTemplate(template: Template, given: Record<string, unknown>): InstantiateResult {
  const problems: ParamProblem[] = [];
  const known = new Map(template.params.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      const names = template.params.map((p) => p.name).join(", ") || "none";
      problems.push({ param: name, message: `"${template.id}" has no parameter "${name}" (its parameters: ${names})` });
    }
  }
  const raw = new Map<string, unknown>();
  for (const p of template.params) {
    if (given[p.name] !== undefined) raw.set(p.name, given[p.name]);
    else if (p.default !== undefined) raw.set(p.name, p.default);
  }
  // A text value may be made of other parameters ("{{metric}} by {{group_by}}"), whether it is
  // the default or was given: a form shows the default's text and sends it back as given.
  const values = new Map<string, unknown>();
  for (const [name, v] of raw) {
    if (typeof v !== "string") {
      values.set(name, v);
      continue;
    }
    const others = new Map([...raw].filter(([k]) => k !== name));
    // Another value may itself name parameters; a cycle stops after one pass per parameter.
    let filled = v;
    for (let pass = 0; pass < raw.size && placeholderNames(filled).some((n) => others.has(n)); pass++) filled = fillLabel(filled, others);
    const unfilled = placeholderNames(filled).filter((n) => known.has(n));
    if (unfilled.length) problems.push({ param: name, message: `"${name}" uses ${unfilled.map((n) => `{{${n}}}`).join(", ")}, which ${unfilled.length === 1 ? "has" : "have"} no value` });
    values.set(name, filled);
  }
  for (const p of template.params) {
    const value = values.get(p.name);
    values.delete(p.name);
    if (value === undefined) {
      if (paramMustBeGiven(p)) problems.push({ param: p.name, message: `"${p.name}" needs a value` });
      continue;
    }
    const errors = checkValue(value, p.schema);
    if (errors.length) {
      problems.push({ param: p.name, message: `"${p.name}": ${formatValueErrors(errors)}` });
      continue;
    }
    values.set(p.name, value);
  }
  if (problems.length) return { ok: false, problems };

  const literal = new Map<string, unknown>();
  for (const p of template.params) if (paramBinding(p) === "literal" && values.has(p.name)) literal.set(p.name, values.get(p.name));
  const bind = (b: Binding): Binding => {
    if (b.kind === "input" && literal.has(b.name)) return { kind: "literal", value: literal.get(b.name) };
    if (b.kind === "literal") return { kind: "literal", value: fillValue(b.value, literal) };
    return b;
  };
  const mapBindings = (bindings: Record<string, Binding>) => Object.fromEntries(Object.entries(bindings).map(([k, b]) => [k, bind(b)]));
  const params = new Map(template.params.map((p) => [p.name, p]));
  const inputs: PlanInput[] = template.plan.inputs
    .filter((pi) => !literal.has(pi.name))
    .map((pi) => {
      const p = params.get(pi.name);
      return p ? inputFromParam(p, values.get(p.name)) : pi;
    });
  // A parameter left open reads as the plan input it stays.
  const open = (name: string) => (params.has(name) ? `\${inputs.${name}}` : undefined);
  const plan: Plan = {
    goal: fillLabel(template.plan.goal, values, open),
    flows: [...template.plan.flows],
    inputs,
    steps: template.plan.steps.map((s) => ({ ...s, ...(s.label ? { label: fillLabel(s.label, values, open) } : {}), inputs: mapBindings(s.inputs) })),
    outputs: mapBindings(template.plan.outputs),
  };
  const openInputs = inputs.filter((i) => i.default === undefined && i.required !== false).map((i) => i.name);
  return { ok: true, plan, values: Object.fromEntries(values), openInputs };
}

/** The plan input a parameter becomes; its value, when given, is the input's default. */
export function inputFromParam(p: TemplateParam, value?: unknown): PlanInput {
  const description = p.description ?? p.title;
  return {
    name: p.name,
    schema: p.schema,
    ...(description ? { description } : {}),
    ...(p.required !== undefined ? { required: p.required } : {}),
    ...(value !== undefined ? { default: value } : p.default !== undefined ? { default: p.default } : {}),
  };
}
