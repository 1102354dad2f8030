/**
 * Pure edits of a plan: what the editor (and anything else that changes a plan) does to it.
 * Every function returns a new plan and leaves the old one untouched; unchanged steps keep
 * their identity, so a view can skip re-rendering them. Edits that can be refused return
 * `{ ok: false, reason }` with a sentence a person can act on.
 */
import type { CatalogView } from "./catalog";
import { downstreamOf, upstreamOf } from "./graph";
import { describeType, isAnySchema, isObject, type JsonSchema } from "./json-schema";
import { MAX_FIRST_OF, PlanInputName, STEP_ID_PATTERN, dataDependenciesOf, dependenciesOf, type Binding, type SingleBinding, type Plan, type PlanInput, type Step, type PathSegment } from "./plan";
import { printPath } from "./binding-text";
import { isAssignable, schemaAtPath } from "./type-compat";
import { mapConditionOperands } from "./condition";
import { stepOutputSchema } from "./for-each";

export type EditResult = { ok: true; plan: Plan } | { ok: false; reason: string };
export type Check = { ok: true } | { ok: false; reason: string };

const ok = (plan: Plan): EditResult => ({ ok: true, plan });
const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** Where a connection starts: a step's output (or a path into it), or a plan input. */
export type BindingSource = { kind: "step"; step: string; path?: PathSegment[] } | { kind: "input"; name: string };
/** Where a connection ends: one input of one step. */
export interface BindingTarget {
  step: string;
  input: string;
}

// ---------------------------------------------------------------- ids and order

/** A step id not yet used in the plan, derived from `base` (an action id or an old step id). */
export function uniqueStepId(plan: Plan, base: string, taken: ReadonlySet<string> = new Set()): string {
  const used = new Set([...plan.steps.map((s) => s.id), ...taken]);
  const tail = base.slice(base.lastIndexOf(".") + 1).replace(/_\d+$/, "");
  let stem = tail.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 56) || "step";
  if (!/^[A-Za-z_]/.test(stem)) stem = `s_${stem}`;
  if (!used.has(stem)) return stem;
  for (let n = 2; ; n++) if (!used.has(`${stem}_${n}`)) return `${stem}_${n}`;
}

/** A new step for an action, with a fresh id and nothing bound yet. */
export function createStep(plan: Plan, action: string, taken?: ReadonlySet<string>): Step {
  return { id: uniqueStepId(plan, action, taken), action, inputs: {} };
}

/**
 * The order in which the steps can run, as a list: dependencies first, otherwise in plan
 * order (a Kahn sort that always takes the earliest ready step). Steps on a cycle come last.
 */
export function runOrder(steps: readonly Step[]): string[] {
  const index = new Map(steps.map((s, i) => [s.id, i]));
  const indeg = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const s of steps) dependents.set(s.id, []);
  for (const s of steps) {
    const deps = dependenciesOf(s).filter((d) => d !== s.id && index.has(d));
    indeg.set(s.id, deps.length);
    for (const d of deps) dependents.get(d)!.push(s.id);
  }
  const ready = steps.filter((s) => indeg.get(s.id) === 0).map((s) => index.get(s.id)!);
  const out: string[] = [];
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const id = steps[ready.shift()!].id;
    out.push(id);
    for (const d of dependents.get(id)!) {
      const n = indeg.get(d)! - 1;
      indeg.set(d, n);
      if (n === 0) ready.push(index.get(d)!);
    }
  }
  const placed = new Set(out);
  for (const s of steps) if (!placed.has(s.id)) out.push(s.id);
  return out;
}

// ---------------------------------------------------------------- steps

/**
 * Adds a step. With `after`, it goes right after that step and runs after it: the new step
 * waits for it by order when it does not already read its output.
 */
export function addStep(plan: Plan, step: Step, options: { after?: string; index?: number } = {}): EditResult {
  if (!STEP_ID_PATTERN.test(step.id)) return refuse(`"${step.id}" is not a valid step id: use letters, digits, _ and -, starting with a letter.`);
  if (plan.steps.some((s) => s.id === step.id)) return refuse(`There is already a step "${step.id}".`);
  const steps = [...plan.steps];
  if (options.after !== undefined) {
    const at = steps.findIndex((s) => s.id === options.after);
    if (at < 0) return refuse(`There is no step "${options.after}" to insert after.`);
    const placed = dependenciesOf(step).includes(options.after) ? step : { ...step, after: [...(step.after ?? []), options.after] };
    steps.splice(at + 1, 0, placed);
  } else if (options.index !== undefined) {
    steps.splice(Math.max(0, Math.min(options.index, steps.length)), 0, step);
  } else steps.push(step);
  return ok({ ...plan, steps });
}

/**
 * Removes steps. Inputs that read a removed step become unbound, order dependencies on it
 * are dropped, and plan outputs that read it are removed.
 */
export function removeSteps(plan: Plan, ids: Iterable<string>): Plan {
  const gone = new Set(ids);
  if (!plan.steps.some((s) => gone.has(s.id))) return plan;
  const steps = plan.steps.filter((s) => !gone.has(s.id)).map((s) => {
    const stale = Object.values(s.inputs).some((b) => b.kind === "step" && gone.has(b.step)) || (s.after ?? []).some((a) => gone.has(a));
    if (!stale) return s;
    const inputs = Object.fromEntries(Object.entries(s.inputs).filter(([, b]) => !(b.kind === "step" && gone.has(b.step))));
    return withAfter({ ...s, inputs }, (s.after ?? []).filter((a) => !gone.has(a)));
  });
  const outputs = Object.fromEntries(Object.entries(plan.outputs).filter(([, b]) => !(b.kind === "step" && gone.has(b.step))));
  return { ...plan, steps, outputs };
}

export function removeStep(plan: Plan, id: string): Plan {
  return removeSteps(plan, [id]);
}

/**
 * Moves a step to position `toIndex` of the run order (see `runOrder`). Order dependencies
 * that contradict the new position are dropped; where the step has no data dependency on its
 * new neighbours, the order becomes an order-only dependency (the step before it, then the
 * step, then the step after it). Refused when a data dependency would have to be reversed.
 */
export function moveStep(plan: Plan, id: string, toIndex: number): EditResult {
  const order = runOrder(plan.steps);
  const from = order.indexOf(id);
  if (from < 0) return refuse(`There is no step "${id}".`);
  const to = Math.max(0, Math.min(Math.trunc(toIndex), order.length - 1));
  const next = order.filter((x) => x !== id);
  next.splice(to, 0, id);
  if (to === from) return ok(plan);
  const before = new Set(next.slice(0, to));
  const later = new Set(next.slice(to + 1));

  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  // Order dependencies the person just contradicted by moving the step are dropped.
  const released = plan.steps.map((s) => {
    if (s.id === id) return withAfter(s, (s.after ?? []).filter((a) => !later.has(a)));
    if (before.has(s.id) && (s.after ?? []).includes(id)) return withAfter(s, (s.after ?? []).filter((a) => a !== id));
    return s;
  });
  const up = upstreamOf(released, id);
  const down = downstreamOf(released, id);
  // Name the nearest dependency in the way: a direct one when there is one.
  const moved = byId.get(id)!;
  const blockedBy = [...later].filter((u) => up.has(u)).sort((a, b) => Number(dependenciesOf(moved).includes(b)) - Number(dependenciesOf(moved).includes(a)));
  if (blockedBy.length) return refuse(`"${id}" cannot run before "${blockedBy[0]}": ${dependencyReason(byId, id, blockedBy[0])}.`);
  const blocking = [...before].filter((d) => down.has(d)).sort((a, b) => Number(dependenciesOf(byId.get(b)!).includes(id)) - Number(dependenciesOf(byId.get(a)!).includes(id)));
  if (blocking.length) return refuse(`"${id}" cannot run after "${blocking[0]}": ${dependencyReason(byId, blocking[0], id)}.`);
  const prev = next[to - 1];
  const after = next[to + 1];
  const steps = released.map((s) => {
    if (s.id === id && prev !== undefined && !up.has(prev)) return withAfter(s, [...(s.after ?? []), prev]);
    if (s.id === after && !down.has(after)) return withAfter(s, [...(s.after ?? []), id]);
    return s;
  });
  const index = new Map(next.map((x, i) => [x, i]));
  steps.sort((a, b) => index.get(a.id)! - index.get(b.id)!);
  return ok({ ...plan, steps });
}

function dependencyReason(byId: Map<string, Step>, dependent: string, on: string): string {
  const s = byId.get(dependent);
  if (s && dataDependenciesOf(s).includes(on)) return `it reads the output of "${on}"`;
  if (s && (s.after ?? []).includes(on)) return `it waits for "${on}"`;
  return `it depends on "${on}" through other steps`;
}

function withAfter(step: Step, after: string[]): Step {
  const unique = [...new Set(after)];
  const same = unique.length === (step.after ?? []).length && unique.every((a, i) => step.after![i] === a);
  if (same) return step;
  const { after: _drop, ...rest } = step;
  return unique.length ? { ...rest, after: unique } : rest;
}

function replaceStep(plan: Plan, id: string, fn: (s: Step) => Step): Plan {
  let changed = false;
  const steps = plan.steps.map((s) => {
    if (s.id !== id) return s;
    const n = fn(s);
    if (n !== s) changed = true;
    return n;
  });
  return changed ? { ...plan, steps } : plan;
}

/** Settings of a step other than its id and inputs; `undefined` clears a setting. */
export type StepSettings = Partial<Pick<Step, "label" | "approval" | "retry" | "timeoutMs" | "onError" | "fallback" | "action" | "when" | "forEach">>;

export function updateStep(plan: Plan, id: string, patch: StepSettings): Plan {
  return replaceStep(plan, id, (s) => {
    const next: Record<string, unknown> = { ...s };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || (k === "label" && v === "")) delete next[k];
      else next[k] = v;
    }
    return next as Step;
  });
}

/** Renames a step and every reference to it. */
export function renameStep(plan: Plan, from: string, to: string): EditResult {
  if (from === to) return ok(plan);
  if (!plan.steps.some((s) => s.id === from)) return refuse(`There is no step "${from}".`);
  if (!STEP_ID_PATTERN.test(to)) return refuse(`"${to}" is not a valid step id: use letters, digits, _ and -, starting with a letter.`);
  if (plan.steps.some((s) => s.id === to)) return refuse(`There is already a step "${to}".`);
  const renameOne = <B extends Binding>(b: B): B => (b.kind === "step" && b.step === from ? { ...b, step: to } : b);
  const rename = (b: Binding): Binding => (b.kind === "firstOf" ? { ...b, of: b.of.map(renameOne) } : renameOne(b));
  const steps = plan.steps.map((s) => {
    const touches = s.id === from || dependenciesOf(s).includes(from);
    if (!touches) return s;
    const inputs = Object.fromEntries(Object.entries(s.inputs).map(([k, b]) => [k, rename(b)]));
    const renamed = withAfter({ ...s, inputs, ...(s.when ? { when: mapConditionOperands(s.when, renameOne) } : {}), ...(s.forEach ? { forEach: { ...s.forEach, items: renameOne(s.forEach.items) } } : {}) }, (s.after ?? []).map((a) => (a === from ? to : a)));
    return s.id === from ? { ...renamed, id: to } : renamed;
  });
  const outputs = Object.fromEntries(Object.entries(plan.outputs).map(([k, b]) => [k, rename(b)]));
  return ok({ ...plan, steps, outputs });
}

// ---------------------------------------------------------------- bindings

/** Sets (or with `undefined`, removes) one input binding. An order dependency made redundant by it is dropped. */
export function setBinding(plan: Plan, stepId: string, input: string, binding: Binding | undefined): Plan {
  return replaceStep(plan, stepId, (s) => {
    const inputs = { ...s.inputs };
    if (binding === undefined) {
      if (!(input in inputs)) return s;
      delete inputs[input];
    } else inputs[input] = binding;
    const after = binding?.kind === "step" ? (s.after ?? []).filter((a) => a !== binding.step) : s.after ?? [];
    return withAfter({ ...s, inputs }, after);
  });
}

/** The JSON Schema of a connection's source, or undefined when it is not known (an unknown action or path). */
export function sourceSchema(plan: Plan, catalog: CatalogView, source: BindingSource): { schema: unknown; label: string } | { error: string } {
  if (source.kind === "input") {
    const pi = plan.inputs.find((i) => i.name === source.name);
    if (!pi) return { error: `There is no plan input "${source.name}".` };
    return { schema: pi.schema, label: `plan input "${source.name}"` };
  }
  const step = plan.steps.find((s) => s.id === source.step);
  if (!step) return { error: `There is no step "${source.step}".` };
  const label = `the output of "${source.step}"${source.path?.length ? printPath(source.path) : ""}`;
  const spec = catalog.get(step.action);
  if (!spec) return { schema: {}, label };
  const output = stepOutputSchema(step, spec.output);
  if (!source.path?.length) return { schema: output, label };
  const at = schemaAtPath(output, source.path);
  if (!at) return { error: `The output of "${source.step}" has no ${printPath(source.path).replace(/^\./, "")}.` };
  return { schema: at.schema, label };
}

/** The JSON Schema of a step's input, `{}` when the action is unknown or the input is open. */
export function targetSchema(plan: Plan, catalog: CatalogView, target: BindingTarget): { schema: unknown } | { error: string } {
  const step = plan.steps.find((s) => s.id === target.step);
  if (!step) return { error: `There is no step "${target.step}".` };
  const spec = catalog.get(step.action);
  if (!spec) return { schema: {} };
  const props = isObject(spec.input.properties) ? spec.input.properties : {};
  if (target.input in props) return { schema: props[target.input] };
  if (spec.input.additionalProperties === false || Object.keys(props).length) return { error: `"${spec.id}" has no input "${target.input}".` };
  return { schema: {} };
}

/**
 * Can `source` feed `target`? The same rules the validator applies: the target exists, no
 * step reads its own output, no cycle, and the source's type is assignable to the input's.
 */
export function checkConnection(plan: Plan, catalog: CatalogView, source: BindingSource, target: BindingTarget): Check {
  const t = targetSchema(plan, catalog, target);
  if ("error" in t) return refuse(t.error);
  if (source.kind === "step") {
    if (source.step === target.step) return refuse(`A step cannot read its own output.`);
    if (downstreamOf(plan.steps, target.step).has(source.step)) {
      return refuse(`"${source.step}" already depends on "${target.step}": connecting them would make a cycle.`);
    }
  }
  const s = sourceSchema(plan, catalog, source);
  if ("error" in s) return refuse(s.error);
  const r = isAssignable(s.schema, t.schema);
  if (!r.ok) return refuse(`${capitalize(s.label)} is ${describeType(s.schema)}, but "${target.input}" needs ${describeType(t.schema)}: ${r.reason}.`);
  return { ok: true };
}

/** Binds `target` to `source` when `checkConnection` allows it. */
export function connect(plan: Plan, catalog: CatalogView, source: BindingSource, target: BindingTarget): EditResult {
  const c = checkConnection(plan, catalog, source, target);
  if (!c.ok) return c;
  return ok(setBinding(plan, target.step, target.input, bindingOf(source)));
}

/** The binding a connection from `source` makes. */
function bindingOf(source: BindingSource): SingleBinding {
  return source.kind === "input" ? { kind: "input", name: source.name } : source.path?.length ? { kind: "step", step: source.step, path: source.path } : { kind: "step", step: source.step };
}

/**
 * Whether connecting `source` to `target` could merge with what the input is bound to: it is
 * bound to a reference or a merge (not a literal, not nothing), and not already to this source.
 */
export function canMergeInto(plan: Plan, source: BindingSource, target: BindingTarget): boolean {
  const current = plan.steps.find((s) => s.id === target.step)?.inputs[target.input];
  if (!current || current.kind === "literal") return false;
  const added = JSON.stringify(bindingOf(source));
  const branches = current.kind === "firstOf" ? current.of : [current];
  return !branches.some((b) => JSON.stringify(b) === added);
}

/**
 * Connects `source` to an input already bound to a reference as one more branch of a merge:
 * the input becomes `firstOf` [what it had…, source], the first that produces a value at run
 * time. The same checks as `connect` (types, cycles); at most MAX_FIRST_OF branches.
 */
export function mergeConnect(plan: Plan, catalog: CatalogView, source: BindingSource, target: BindingTarget): EditResult {
  const c = checkConnection(plan, catalog, source, target);
  if (!c.ok) return c;
  if (!canMergeInto(plan, source, target)) return { ok: false, reason: `${target.step}.${target.input} is not bound to another step's output or a plan input, so there is nothing to merge with.` };
  const current = plan.steps.find((s) => s.id === target.step)!.inputs[target.input] as Exclude<Binding, { kind: "literal" }>;
  const branches = current.kind === "firstOf" ? current.of : [current];
  if (branches.length >= MAX_FIRST_OF) return { ok: false, reason: `A merge takes at most ${MAX_FIRST_OF} branches.` };
  return ok(setBinding(plan, target.step, target.input, { kind: "firstOf", of: [...branches, bindingOf(source)] }));
}

/**
 * Binds each required, unbound input of `stepId` to the first output of `fromStepId` that fits
 * it: the whole output, else a top-level field of it. Used when a step is inserted after another.
 */
export function autoConnect(plan: Plan, catalog: CatalogView, stepId: string, fromStepId: string): Plan {
  const step = plan.steps.find((s) => s.id === stepId);
  const from = plan.steps.find((s) => s.id === fromStepId);
  const spec = step && catalog.get(step.action);
  const fromSpec = from && catalog.get(from.action);
  if (!step || !spec || !fromSpec) return plan;
  const props = isObject(spec.input.properties) ? spec.input.properties : {};
  const required = Array.isArray(spec.input.required) ? (spec.input.required as string[]) : [];
  const outputs: PathSegment[][] = [[], ...Object.keys(isObject(fromSpec.output.properties) ? fromSpec.output.properties : {}).map((k) => [k])];
  let next = plan;
  for (const name of required) {
    if (name in step.inputs || isAnySchema(props[name])) continue;
    for (const path of outputs) {
      const schema = path.length ? schemaAtPath(fromSpec.output, path)?.schema : fromSpec.output;
      if (schema === undefined || isAnySchema(schema) || !isAssignable(schema, props[name]).ok) continue;
      const r = connect(next, catalog, { kind: "step", step: fromStepId, path }, { step: stepId, input: name });
      if (r.ok) { next = r.plan; break; }
    }
  }
  return next;
}

/** `to` waits for `from` without reading its output. */
export function addOrderDependency(plan: Plan, from: string, to: string): EditResult {
  const target = plan.steps.find((s) => s.id === to);
  if (!target || !plan.steps.some((s) => s.id === from)) return refuse(`There is no step "${target ? from : to}".`);
  if (from === to) return refuse("A step cannot wait for itself.");
  if (dataDependenciesOf(target).includes(from)) return refuse(`"${to}" already waits for "${from}": it reads its output.`);
  if ((target.after ?? []).includes(from)) return refuse(`"${to}" already waits for "${from}".`);
  if (downstreamOf(plan.steps, to).has(from)) return refuse(`"${from}" already depends on "${to}": waiting for it would make a cycle.`);
  return ok(replaceStep(plan, to, (s) => withAfter(s, [...(s.after ?? []), from])));
}

export function removeOrderDependency(plan: Plan, from: string, to: string): Plan {
  return replaceStep(plan, to, (s) => withAfter(s, (s.after ?? []).filter((a) => a !== from)));
}

// ---------------------------------------------------------------- copy and paste

/**
 * Adds copies of `steps` with fresh ids. References between the copies point at the copies;
 * references to steps of the plan stay; references to anything else are dropped.
 */
export function pasteSteps(plan: Plan, steps: readonly Step[]): { plan: Plan; ids: Map<string, string> } {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const s of steps) {
    const id = uniqueStepId(plan, s.id, taken);
    taken.add(id);
    ids.set(s.id, id);
  }
  const existing = new Set(plan.steps.map((s) => s.id));
  const mapRef = (ref: string) => ids.get(ref) ?? (existing.has(ref) ? ref : undefined);
  const copies = steps.map((s): Step => {
    const inputs: Record<string, Binding> = {};
    for (const [k, b] of Object.entries(s.inputs)) {
      if (b.kind !== "step") inputs[k] = b;
      else {
        const ref = mapRef(b.step);
        if (ref) inputs[k] = { ...b, step: ref };
      }
    }
    const after = (s.after ?? []).map(mapRef).filter((a): a is string => a !== undefined);
    return withAfter({ ...structuredClone(s), id: ids.get(s.id)!, inputs }, after);
  });
  return { plan: { ...plan, steps: [...plan.steps, ...copies] }, ids };
}

// ---------------------------------------------------------------- plan inputs and outputs

export function addPlanInput(plan: Plan, input: PlanInput): EditResult {
  const name = PlanInputName.safeParse(input.name);
  if (!name.success) return refuse(`"${input.name}" is not a valid input name: use letters, digits and _, starting with a letter or _.`);
  if (plan.inputs.some((i) => i.name === input.name)) return refuse(`There is already a plan input "${input.name}".`);
  return ok({ ...plan, inputs: [...plan.inputs, input] });
}

/** A plan input name not used yet, from `base`. */
export function uniqueInputName(plan: Plan, base: string): string {
  let stem = base.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 56) || "input";
  if (!/^[A-Za-z_]/.test(stem)) stem = `_${stem}`;
  const used = new Set(plan.inputs.map((i) => i.name));
  if (!used.has(stem)) return stem;
  for (let n = 2; ; n++) if (!used.has(`${stem}_${n}`)) return `${stem}_${n}`;
}

/** Removes a plan input; step inputs and plan outputs that read it become unbound. */
export function removePlanInput(plan: Plan, name: string): Plan {
  if (!plan.inputs.some((i) => i.name === name)) return plan;
  const reads = (b: Binding) => b.kind === "input" && b.name === name;
  const steps = plan.steps.map((s) => (Object.values(s.inputs).some(reads) ? { ...s, inputs: Object.fromEntries(Object.entries(s.inputs).filter(([, b]) => !reads(b))) } : s));
  const outputs = Object.fromEntries(Object.entries(plan.outputs).filter(([, b]) => !reads(b)));
  return { ...plan, inputs: plan.inputs.filter((i) => i.name !== name), steps, outputs };
}

/** Renames a plan input and every binding that reads it. */
export function renamePlanInput(plan: Plan, from: string, to: string): EditResult {
  if (from === to) return ok(plan);
  if (!plan.inputs.some((i) => i.name === from)) return refuse(`There is no plan input "${from}".`);
  if (!PlanInputName.safeParse(to).success) return refuse(`"${to}" is not a valid input name: use letters, digits and _, starting with a letter or _.`);
  if (plan.inputs.some((i) => i.name === to)) return refuse(`There is already a plan input "${to}".`);
  const rename = (b: Binding): Binding => (b.kind === "input" && b.name === from ? { kind: "input", name: to } : b);
  const steps = plan.steps.map((s) => (Object.values(s.inputs).some((b) => b.kind === "input" && b.name === from) ? { ...s, inputs: Object.fromEntries(Object.entries(s.inputs).map(([k, b]) => [k, rename(b)])) } : s));
  const outputs = Object.fromEntries(Object.entries(plan.outputs).map(([k, b]) => [k, rename(b)]));
  return ok({ ...plan, inputs: plan.inputs.map((i) => (i.name === from ? { ...i, name: to } : i)), steps, outputs });
}

/** Changes a plan input's schema, description, default or required flag; `undefined` clears. */
export function updatePlanInput(plan: Plan, name: string, patch: Partial<Omit<PlanInput, "name">>): Plan {
  return {
    ...plan,
    inputs: plan.inputs.map((i) => {
      if (i.name !== name) return i;
      const next: Record<string, unknown> = { ...i };
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) delete next[k];
        else next[k] = v;
      }
      return next as PlanInput;
    }),
  };
}

/** Sets (or with `undefined`, removes) a named plan output. */
export function setPlanOutput(plan: Plan, name: string, binding: Binding | undefined): Plan {
  const outputs = { ...plan.outputs };
  if (binding === undefined) delete outputs[name];
  else outputs[name] = binding;
  return { ...plan, outputs };
}

/** Makes a plan input from a step input's type and binds the step input to it. */
export function promoteToPlanInput(plan: Plan, catalog: CatalogView, target: BindingTarget): EditResult {
  const t = targetSchema(plan, catalog, target);
  if ("error" in t) return refuse(t.error);
  const { description, default: def, ...schema } = (isObject(t.schema) ? t.schema : {}) as JsonSchema;
  const name = uniqueInputName(plan, target.input);
  const step = plan.steps.find((s) => s.id === target.step);
  const current = step?.inputs[target.input];
  const input: PlanInput = { name, schema, ...(typeof description === "string" ? { description } : {}) };
  const value = current?.kind === "literal" ? current.value : def;
  if (value !== undefined) input.default = value;
  const added = addPlanInput(plan, input);
  if (!added.ok) return added;
  return ok(setBinding(added.plan, target.step, target.input, { kind: "input", name }));
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
