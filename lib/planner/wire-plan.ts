/**
 * The plan as the LLM writes it. Strict structured output needs every property required and
 * no open objects, so the wire form differs from the Plan IR in three ways: step inputs are a
 * list of {name, value}; each value is text, either a reference in the text form
 * (`${steps.load.output.table}`, `${inputs.region}`), a merge (`{"firstOf": [...]}`) or a JSON
 * literal (a plain string may be written bare); a step's condition is its text form (`when`, ""
 * for none); and plan inputs carry no schema (their type is taken from where they are used).
 * `wirePlanJsonSchema` derives the JSON Schema sent to the provider from the zod schema, with
 * `action` narrowed to the offered action ids. `readAnswer` also accepts the near misses real
 * models send (a Plan IR, a TaskBench-style task list) so nothing usable is thrown away.
 */
import { z } from "zod";
import { parseBindingText, printBinding } from "../core/binding-text";
import { Condition } from "../core/condition";
import { parseCondition, printCondition } from "../core/condition-text";
import type { CatalogView } from "../core/catalog";
import { checkValue } from "../core/check-value";
import type { ValidationIssue } from "../core/issues";
import { isAnySchema, isObject, type JsonSchema } from "../core/json-schema";
import type { Binding, Plan, PlanInput, Step } from "../core/plan";

export const WireValue = z.object({
  name: z.string().describe("the input's name, as listed for the action"),
  value: z.string().describe("a reference such as ${steps.load.output.table} or ${inputs.region}, or a JSON literal (a string may be written without quotes)"),
});
export type WireValue = z.infer<typeof WireValue>;

export const WireStep = z.object({
  id: z.string().describe("a short unique id: letters, digits, _ or -"),
  action: z.string().describe("the action id"),
  label: z.string().describe("what the step does, in a few words"),
  inputs: z.array(WireValue),
  after: z.array(z.string()).describe("ids of steps that must finish first although no data flows from them; usually empty"),
  when: z.string().default("").describe('"" to always run, or a condition such as ${steps.classify.output.label} == "sql": the step runs only when it holds'),
});
export type WireStep = z.infer<typeof WireStep>;
/** A wire step as a model may send it (`when` may be left out). */
export type WireStepAnswer = z.input<typeof WireStep>;

export const WirePlanInput = z.object({
  name: z.string().describe("an identifier, e.g. region"),
  description: z.string().describe("what the person should supply"),
});

/** A part of the goal and the steps that do it, as the model claims; Trellis checks the claim (lib/planner/coverage.ts). */
export const WireCoverage = z.object({
  part: z.string().describe("a part of the goal, in the goal's own words"),
  steps: z.array(z.string()).describe("ids of the steps that do this part; empty when none does"),
  missing: z.enum(["", "no_action", "needs_value"]).describe('"" when the steps do it; no_action when no action of the catalog can; needs_value when the goal leaves out a value it needs'),
  note: z.string().describe("when missing: what is missing, in a sentence; else empty"),
});
export type WireCoverage = z.infer<typeof WireCoverage>;

export const WirePlan = z.object({
  inputs: z.array(WirePlanInput).describe("values the person must supply at run time, referenced as ${inputs.NAME}"),
  steps: z.array(WireStep),
  outputs: z.array(WireValue).describe("the results the person wants, each a reference to a step output"),
  coverage: z.array(WireCoverage).default([]).describe("every part of the goal, each with the steps that do it or what is missing"),
});
export type WirePlan = z.infer<typeof WirePlan>;
/** A wire plan as a model may send it (coverage may be left out). */
export type WireAnswer = z.input<typeof WirePlan>;

/** The JSON Schema for structured output, strict-mode compatible, with `action` limited to the given ids. */
export function wirePlanJsonSchema(actionIds: readonly string[]): JsonSchema {
  const schema = z.toJSONSchema(WirePlan, { io: "output" }) as JsonSchema;
  delete schema.$schema;
  const stepProps = (((schema.properties as Record<string, JsonSchema>).steps.items as JsonSchema).properties as Record<string, JsonSchema>);
  if (actionIds.length) stepProps.action = { ...stepProps.action, enum: [...actionIds] };
  return schema;
}

export type AnswerRead = { ok: true; wire: WirePlan; style: "wire" | "plan" | "task-list" } | { ok: false; error: string };

/** Read a parsed answer as a wire plan, accepting the shapes models send instead. */
export function readAnswer(value: unknown, catalog: CatalogView): AnswerRead {
  let v = value;
  if (isObject(v) && isObject(v.plan) && !("steps" in v)) v = v.plan;
  const strict = WirePlan.safeParse(v);
  if (strict.success) return { ok: true, wire: strict.data, style: "wire" };
  if (isObject(v) && Array.isArray(v.steps)) {
    const steps = v.steps.filter(isObject).map((s, i): WireStep => ({
      id: typeof s.id === "string" ? s.id : `step_${i + 1}`,
      action: typeof s.action === "string" ? s.action : typeof s.tool === "string" ? s.tool : "",
      label: typeof s.label === "string" ? s.label : "",
      inputs: looseInputs(s.inputs ?? s.arguments ?? s.args),
      after: Array.isArray(s.after) ? s.after.filter((a): a is string => typeof a === "string") : [],
      when: looseWhen(s.when),
    }));
    const inputs = Array.isArray(v.inputs)
      ? v.inputs.filter(isObject).filter((i) => typeof i.name === "string").map((i) => ({ name: String(i.name), description: typeof i.description === "string" ? i.description : "" }))
      : [];
    return { ok: true, wire: { inputs, steps, outputs: looseInputs(v.outputs), coverage: looseCoverage(v.coverage) }, style: "plan" };
  }
  if (isObject(v) && Array.isArray(v.task_nodes)) return { ok: true, wire: fromTaskList(v.task_nodes, catalog), style: "task-list" };
  const issues = strict.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`).join("; ");
  return { ok: false, error: `the answer is JSON but not a plan (${issues})` };
}

/** A condition in text form, or the IR's object form printed; anything else is none. */
function looseWhen(raw: unknown): string {
  if (typeof raw === "string") return raw;
  const parsed = Condition.safeParse(raw);
  return parsed.success ? printCondition(parsed.data) : "";
}

/** Coverage claims in any near-miss shape; what cannot be read is left out (and so not claimed). */
function looseCoverage(raw: unknown): WireCoverage[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isObject).flatMap((c) => {
    const part = typeof c.part === "string" ? c.part : typeof c.text === "string" ? c.text : "";
    if (!part.trim()) return [];
    const steps = Array.isArray(c.steps) ? c.steps.filter((x): x is string => typeof x === "string") : [];
    const missing = c.missing === "no_action" || c.missing === "needs_value" ? c.missing : "";
    return [{ part, steps, missing, note: typeof c.note === "string" ? c.note : "" }];
  });
}

/** `{name, value}` lists, `{name: value}` maps, IR bindings: all to wire values. */
function looseInputs(raw: unknown): WireValue[] {
  if (Array.isArray(raw)) {
    return raw.filter(isObject).filter((e) => typeof e.name === "string").map((e) => ({ name: String(e.name), value: valueText(e.value) }));
  }
  if (isObject(raw)) return Object.entries(raw).map(([name, value]) => ({ name, value: valueText(value) }));
  return [];
}

/** A value as wire text: references stay text, IR bindings print, everything else is JSON. */
function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (isObject(value) && (value.kind === "literal" || value.kind === "input" || value.kind === "step")) {
    const printed = printBinding(value as Binding);
    return typeof printed === "string" && value.kind !== "literal" ? printed : JSON.stringify(printed ?? null);
  }
  return JSON.stringify(value ?? null);
}

/** TaskBench-style `task_nodes` (positional arguments, `<node-k>` references) as wire steps. */
function fromTaskList(nodes: unknown[], catalog: CatalogView): WirePlan {
  const byTitle = new Map(catalog.list().map((s) => [s.title.toLowerCase(), s]));
  const steps = nodes.map((n, k): WireStep => {
    const node = isObject(n) ? n : {};
    const task = typeof node.task === "string" ? node.task : "";
    const spec = catalog.get(task) ?? byTitle.get(task.toLowerCase());
    const names = spec && isObject(spec.input.properties) ? Object.keys(spec.input.properties) : [];
    const args = Array.isArray(node.arguments) ? node.arguments : node.arguments === undefined ? [] : [node.arguments];
    const inputs = args.map((a, i): WireValue => {
      if (isObject(a) && typeof a.name === "string" && "value" in a) return { name: a.name, value: nodeRefs(valueText(a.value)) };
      return { name: names[i] ?? `arg_${i + 1}`, value: nodeRefs(valueText(a)) };
    });
    return { id: `n${k}`, action: spec?.id ?? task, label: "", inputs, after: [], when: "" };
  });
  return { inputs: [], steps, outputs: [], coverage: [] };
}

/** `<node-2>` → `${steps.n2.output}` when it is the whole value; embedded ones stay for repair. */
function nodeRefs(text: string): string {
  const m = /^\s*<node-(\d+)>\s*$/.exec(text);
  return m ? `\${steps.n${m[1]}.output}` : text;
}

export interface WireContext {
  goal: string;
  flows: string[];
  catalog: CatalogView;
  /** values the person already gave, by plan input name */
  given?: Record<string, unknown>;
}

/** The Plan IR for a wire plan: values decoded against the inputs they feed, plan input types from their uses. */
export function wireToPlan(wire: Pick<WirePlan, "inputs" | "outputs"> & { steps: readonly WireStepAnswer[] }, context: WireContext): Plan {
  const usage = new Map<string, JsonSchema>();
  const steps: Step[] = wire.steps.map((ws) => {
    const spec = context.catalog.get(ws.action);
    const props = spec && isObject(spec.input.properties) ? (spec.input.properties as Record<string, JsonSchema>) : {};
    const inputs: Record<string, Binding> = {};
    for (const { name, value } of ws.inputs) {
      const binding = decodeValue(value, props[name]);
      inputs[name] = binding;
      if (binding.kind === "input" && props[name] !== undefined && !usage.has(binding.name)) usage.set(binding.name, props[name]);
    }
    const step: Step = { id: ws.id, action: ws.action, inputs };
    if (ws.label.trim()) step.label = ws.label.trim();
    const when = ws.when?.trim() ? parseCondition(ws.when) : undefined;
    if (when?.ok) step.when = when.condition;
    // Unreadable, it stays a condition that cannot validate (text compared with a boolean), never
    // none: the step must not run always because its condition was dropped.
    else if (when) step.when = { op: "==", left: { kind: "literal", value: `unreadable condition: ${ws.when!.trim().slice(0, 500)}` }, right: { kind: "literal", value: true } };
    const after = ws.after.filter((a) => a && a !== ws.id);
    if (after.length) step.after = [...new Set(after)];
    return step;
  });
  const outputs: Record<string, Binding> = {};
  for (const o of wire.outputs) if (o.name) outputs[o.name] = decodeValue(o.value, undefined);
  const given = context.given ?? {};
  const inputs: PlanInput[] = [];
  const declare = (name: string, description?: string) => {
    if (inputs.some((i) => i.name === name)) return;
    const schema = usage.get(name) ?? {};
    const input: PlanInput = { name, schema };
    if (description) input.description = description;
    if (name in given && (isAnySchema(schema) || checkValue(given[name], schema).length === 0)) input.default = given[name];
    inputs.push(input);
  };
  for (const wi of wire.inputs) declare(wi.name, wi.description || undefined);
  // Inputs the person gave and the plan uses count as declared, even if the model forgot to list them.
  for (const name of usage.keys()) if (name in given) declare(name);
  return { goal: context.goal, flows: context.flows, inputs, steps, outputs };
}

/**
 * Wire text to a binding. A reference parses as one; otherwise the literal is the JSON value
 * when that fits the input, else the text itself (so "123" stays text for a text input and
 * becomes 123 for a number).
 */
export function decodeValue(text: string, target: unknown): Binding {
  const ref = parseBindingText(text);
  if (ref.ok && ref.binding.kind !== "literal") return ref.binding;
  const trimmed = text.trim();
  let parsed: { value: unknown } | undefined;
  try {
    parsed = { value: JSON.parse(trimmed) };
  } catch {
    parsed = undefined;
  }
  // a merge written as JSON text: {"firstOf": ["${steps.a.output.x}", "${steps.b.output.x}"]}
  if (parsed && isObject(parsed.value) && "firstOf" in parsed.value) {
    const merge = parseBindingText(parsed.value);
    if (merge.ok && merge.binding.kind === "firstOf") return merge.binding;
  }
  if (target === undefined || isAnySchema(target)) return { kind: "literal", value: parsed && typeof parsed.value !== "string" ? parsed.value : parsed?.value ?? text };
  if (parsed && checkValue(parsed.value, target).length === 0) return { kind: "literal", value: parsed.value };
  if (checkValue(text, target).length === 0) return { kind: "literal", value: text };
  return { kind: "literal", value: parsed ? parsed.value : text };
}

/** A plan in wire form, for showing the model its previous answer. */
export function planToWire(plan: Plan): WirePlan {
  const text = (b: Binding): string => {
    const printed = printBinding(b);
    if (b.kind === "firstOf") return JSON.stringify(printed);
    return b.kind === "literal" ? (typeof printed === "string" ? printed : JSON.stringify(printed ?? null)) : String(printed);
  };
  return {
    inputs: plan.inputs.map((i) => ({ name: i.name, description: i.description ?? "" })),
    steps: plan.steps.map((s) => ({ id: s.id, action: s.action, label: s.label ?? "", inputs: Object.entries(s.inputs).map(([name, b]) => ({ name, value: text(b) })), after: s.after ?? [], when: s.when ? printCondition(s.when) : "" })),
    outputs: Object.entries(plan.outputs).map(([name, b]) => ({ name, value: text(b) })),
    coverage: [],
  };
}

/**
 * The conditions of a wire plan that do not parse, as validation issues with the parser's
 * words, sent back to the model to fix. (wireToPlan keeps each as a stand-in condition that does
 * not validate, so a plan that still has one cannot run its step unconditionally.)
 */
export function wireConditionIssues(wire: { steps: readonly WireStepAnswer[] }): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const ws of wire.steps) {
    if (!ws.when?.trim()) continue;
    const parsed = parseCondition(ws.when);
    if (parsed.ok) continue;
    out.push({
      code: "invalid_condition",
      severity: "error",
      stepId: ws.id,
      message: `The condition "${ws.when.length > 200 ? `${ws.when.slice(0, 199)}…` : ws.when}" of step ${ws.id} cannot be read: ${parsed.error}.`,
      hint: 'Write it as ${steps.ID.output.FIELD} == "value", with ==, !=, <, <=, >, >=, in [..], exists, and, or, not and parentheses, or "" to always run the step.',
    });
  }
  return out;
}
