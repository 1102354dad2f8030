/**
 * What changed between two plans: steps added, removed and changed (field by field, inputs
 * by name), plan inputs and outputs, goal and flows. Steps are matched by id. Pure; the
 * version diff endpoint and the editor's "Refine with AI" review use the same function.
 */
import { bindingLabel } from "./binding-text";
import { canonicalJson } from "./hash";
import type { Binding, Plan, PlanInput, Step } from "./plan";

/** One field of a step that differs; values are shown as short text. */
export interface FieldChange {
  /** "action", "label", "after", "approval", "retry", "timeoutMs", "onError", "fallback", or "inputs.<name>" */
  field: string;
  before?: string;
  after?: string;
}

export interface StepChange {
  id: string;
  /** the action after the change (or the only one, when it did not change) */
  action: string;
  changes: FieldChange[];
}

export interface NamedChange {
  name: string;
  before?: string;
  after?: string;
}

export interface PlanDiff {
  steps: { added: Step[]; removed: Step[]; changed: StepChange[]; unchanged: number };
  inputs: { added: PlanInput[]; removed: PlanInput[]; changed: NamedChange[] };
  outputs: { added: NamedChange[]; removed: NamedChange[]; changed: NamedChange[] };
  goal?: { before: string; after: string };
  flows?: { before: string[]; after: string[] };
  /** true when the two plans only differ in step order, or not at all */
  same: boolean;
}

const STEP_FIELDS = ["action", "label", "after", "approval", "retry", "timeoutMs", "onError", "fallback"] as const;

export function diffPlans(before: Plan, after: Plan): PlanDiff {
  const oldSteps = new Map(before.steps.map((s) => [s.id, s]));
  const newSteps = new Map(after.steps.map((s) => [s.id, s]));
  const added = after.steps.filter((s) => !oldSteps.has(s.id));
  const removed = before.steps.filter((s) => !newSteps.has(s.id));
  const changed: StepChange[] = [];
  let unchanged = 0;
  for (const s of after.steps) {
    const old = oldSteps.get(s.id);
    if (!old) continue;
    const changes = diffStep(old, s);
    if (changes.length) changed.push({ id: s.id, action: s.action, changes });
    else unchanged++;
  }

  const oldInputs = new Map(before.inputs.map((i) => [i.name, i]));
  const newInputs = new Map(after.inputs.map((i) => [i.name, i]));
  const inputs = {
    added: after.inputs.filter((i) => !oldInputs.has(i.name)),
    removed: before.inputs.filter((i) => !newInputs.has(i.name)),
    changed: after.inputs
      .filter((i) => oldInputs.has(i.name) && !same(oldInputs.get(i.name), i))
      .map((i) => ({ name: i.name, before: show(oldInputs.get(i.name)), after: show(i) })),
  };

  const outputs = diffRecords(before.outputs, after.outputs);
  const diff: PlanDiff = { steps: { added, removed, changed, unchanged }, inputs, outputs, same: false };
  if (before.goal !== after.goal) diff.goal = { before: before.goal, after: after.goal };
  if (!same(before.flows, after.flows)) diff.flows = { before: before.flows, after: after.flows };
  diff.same = !added.length && !removed.length && !changed.length && !inputs.added.length && !inputs.removed.length && !inputs.changed.length
    && !outputs.added.length && !outputs.removed.length && !outputs.changed.length && !diff.goal && !diff.flows;
  return diff;
}

function diffStep(a: Step, b: Step): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of STEP_FIELDS) {
    if (!same(a[f], b[f])) out.push({ field: f, before: show(a[f]), after: show(b[f]) });
  }
  const names = new Set([...Object.keys(a.inputs), ...Object.keys(b.inputs)]);
  for (const n of [...names].sort()) {
    const x = a.inputs[n];
    const y = b.inputs[n];
    if (!same(x, y)) out.push({ field: `inputs.${n}`, before: x && showBinding(x), after: y && showBinding(y) });
  }
  return out;
}

function diffRecords(a: Record<string, Binding>, b: Record<string, Binding>): PlanDiff["outputs"] {
  const added: NamedChange[] = [];
  const removed: NamedChange[] = [];
  const changed: NamedChange[] = [];
  for (const [k, v] of Object.entries(b)) {
    if (!(k in a)) added.push({ name: k, after: showBinding(v) });
    else if (!same(a[k], v)) changed.push({ name: k, before: showBinding(a[k]), after: showBinding(v) });
  }
  for (const [k, v] of Object.entries(a)) if (!(k in b)) removed.push({ name: k, before: showBinding(v) });
  return { added, removed, changed };
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function show(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  const text = typeof v === "string" ? v : canonicalJson(v);
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}

function showBinding(b: Binding): string {
  const text = bindingLabel(b);
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}

/** A one-line summary such as "2 steps added, 1 removed, 3 changed". */
export function summarizeDiff(d: PlanDiff): string {
  if (d.same) return "No changes";
  const parts: string[] = [];
  const count = (n: number, what: string) => { if (n) parts.push(`${n} ${what}`); };
  count(d.steps.added.length, d.steps.added.length === 1 ? "step added" : "steps added");
  count(d.steps.removed.length, d.steps.removed.length === 1 ? "step removed" : "steps removed");
  count(d.steps.changed.length, d.steps.changed.length === 1 ? "step changed" : "steps changed");
  const inputs = d.inputs.added.length + d.inputs.removed.length + d.inputs.changed.length;
  count(inputs, inputs === 1 ? "plan input changed" : "plan inputs changed");
  const outputs = d.outputs.added.length + d.outputs.removed.length + d.outputs.changed.length;
  count(outputs, outputs === 1 ? "plan output changed" : "plan outputs changed");
  if (d.goal) parts.push("goal changed");
  if (d.flows) parts.push("flows changed");
  return parts.join(", ");
}
