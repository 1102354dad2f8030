/**
 * Plans written by hand: step inputs and plan outputs may use the compact text form
 * (`"${inputs.region}"`, `"${steps.load.output.table}"`, or a plain value for a literal)
 * instead of binding objects. `expandPlan` turns such a plan into the plan IR; a plan that
 * already uses binding objects passes through unchanged. Built-in templates are written in
 * this form, and the CLI reads plan files through it.
 */
import { Binding, Plan, STEP_ID_PATTERN, parseBindingText, parseCondition, type PathSegment, type PlanInput, type Step } from "../core";
import { isObject } from "../core";

export type ExpandResult = { ok: true; plan: Plan } | { ok: false; errors: string[] };

/** What is wrong with a plan-shaped value, and where (a path into that value). */
export interface PlanIssueAt {
  at: PathSegment[];
  message: string;
}

export type CompactExpansion = { ok: true; plan: Plan } | { ok: false; issues: PlanIssueAt[] };

const BINDING_KINDS = new Set(["literal", "input", "step", "item", "firstOf"]);

/** A binding object, or a value in text form. */
function expandValue(value: unknown, at: PathSegment[], issues: PlanIssueAt[]): Binding | undefined {
  if (isObject(value) && typeof value.kind === "string" && BINDING_KINDS.has(value.kind)) {
    // A binding object: it must be a whole one (a literal object of this shape is written { kind: "literal", value }).
    const asBinding = Binding.safeParse(value);
    if (asBinding.success) return asBinding.data;
    for (const i of asBinding.error.issues) issues.push({ at: [...at, ...(i.path as PathSegment[])], message: i.message });
    return undefined;
  }
  const parsed = parseBindingText(value);
  if (!parsed.ok) {
    issues.push({ at, message: parsed.error });
    return undefined;
  }
  return parsed.binding;
}

/** A condition in text form (`"${steps.a.output.x} == 1"`) becomes the condition; an object passes through to the schema. */
function expandWhen(value: unknown, at: PathSegment[], issues: PlanIssueAt[]): { when?: unknown } {
  if (value === undefined) return {};
  if (typeof value !== "string") return { when: value };
  const parsed = parseCondition(value);
  if (parsed.ok) return { when: parsed.condition };
  issues.push({ at, message: `${parsed.error}${parsed.at !== undefined ? ` (at character ${parsed.at + 1})` : ""}` });
  return {};
}

/** `forEach.items` in text form (`"${steps.split.output.lines}"`) becomes its binding; the schema checks what kind it may be. */
function expandForEach(value: unknown, at: PathSegment[], issues: PlanIssueAt[]): { forEach?: unknown } {
  if (value === undefined) return {};
  if (!isObject(value)) return { forEach: value };
  const items = expandValue(value.items, [...at, "items"], issues);
  return { forEach: { ...value, ...(items ? { items } : {}) } };
}

function expandBindings(values: unknown, at: PathSegment[], issues: PlanIssueAt[]): Record<string, Binding> {
  const out: Record<string, Binding> = {};
  if (values === undefined) return out;
  if (!isObject(values)) {
    issues.push({ at, message: "expected an object of named values" });
    return out;
  }
  for (const [name, value] of Object.entries(values)) {
    const b = expandValue(value, [...at, name], issues);
    if (b) out[name] = b;
  }
  return out;
}

/**
 * Expands text-form bindings in a plan-shaped value (absent flows, inputs and outputs read as
 * empty), then checks it is a plan. Every problem comes back with its path into `raw`.
 */
export function expandCompactPlan(raw: unknown): CompactExpansion {
  if (!isObject(raw)) return { ok: false, issues: [{ at: [], message: "a plan is a JSON object with goal, flows, inputs, steps and outputs" }] };
  const issues: PlanIssueAt[] = [];
  const steps = Array.isArray(raw.steps)
    ? raw.steps.map((s, i) => (isObject(s) ? { ...s, inputs: expandBindings(s.inputs ?? {}, ["steps", i, "inputs"], issues), ...expandWhen(s.when, ["steps", i, "when"], issues), ...expandForEach(s.forEach, ["steps", i, "forEach"], issues) } : s))
    : raw.steps;
  const candidate = {
    ...raw,
    flows: raw.flows ?? [],
    inputs: raw.inputs ?? [],
    steps,
    outputs: expandBindings(raw.outputs ?? {}, ["outputs"], issues),
  };
  const parsed = Plan.safeParse(candidate);
  if (parsed.success && !issues.length) return { ok: true, plan: parsed.data };
  const schemaIssues = parsed.success ? [] : parsed.error.issues.map((i) => ({ at: i.path as PathSegment[], message: i.message }));
  return { ok: false, issues: [...schemaIssues, ...issues] };
}

/**
 * A path into a plan-shaped value as people read it: dotted, a step named by its id when it
 * has a proper one (`steps.load.inputs.region`), by its index otherwise (`steps.2.action`).
 */
export function planPathLabel(raw: unknown, at: readonly PathSegment[]): string {
  const parts: string[] = [];
  for (let k = 0; k < at.length; k++) {
    const seg = at[k];
    const step = k === 1 && at[0] === "steps" && typeof seg === "number" && isObject(raw) && Array.isArray(raw.steps) ? raw.steps[seg] : undefined;
    parts.push(isObject(step) && typeof step.id === "string" && STEP_ID_PATTERN.test(step.id) ? step.id : String(seg));
  }
  return parts.join(".");
}

/** Expands text-form bindings in a plan-shaped value, then checks it is a plan. */
export function expandPlan(raw: unknown): ExpandResult {
  const r = expandCompactPlan(raw);
  if (r.ok) return r;
  return { ok: false, errors: r.issues.slice(0, 10).map((i) => `${planPathLabel(raw, i.at) || "plan"}: ${i.message}`) };
}

/** The authoring form of a step: inputs as text-form values. */
export interface CompactStep extends Omit<Step, "inputs" | "when" | "forEach"> {
  inputs?: Record<string, unknown>;
  /** the list in text form or as a binding */
  forEach?: { items: unknown; concurrency?: number };
  /** a condition, in text form or as the condition object */
  when?: string | Step["when"];
}

export interface CompactPlan {
  goal: string;
  flows?: string[];
  inputs?: PlanInput[];
  steps: CompactStep[];
  outputs?: Record<string, unknown>;
}
