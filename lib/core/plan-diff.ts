/**
 * What changed between two plans: steps added, removed and changed (field by field, inputs
 * by name), plan inputs and outputs, goal and flows. Steps are matched by id. Pure; the
 * version diff endpoint and the editor's "Refine with AI" review use the same function.
 */
import { z } from "zod";
import { bindingLabel } from "./binding-text";
import { canonicalJson } from "./hash";
import { PlanInput, Step, type Binding, type Plan } from "./plan";

const Change = z.object({ before: z.string().optional(), after: z.string().optional() });

/** One field of a step that differs; values are shown as short text. */
export const FieldChange = Change.extend({
  /** "action", "label", "after", "approval", "retry", "timeoutMs", "onError", "fallback", "forEach", or "inputs.<name>" */
  field: z.string(),
});
export type FieldChange = z.infer<typeof FieldChange>;

export const StepChange = z.object({
  id: z.string(),
  /** the action after the change (or the only one, when it did not change) */
  action: z.string(),
  changes: z.array(FieldChange),
});
export type StepChange = z.infer<typeof StepChange>;

export const NamedChange = Change.extend({ name: z.string() });
export type NamedChange = z.infer<typeof NamedChange>;

export const PlanDiff = z.object({
  steps: z.object({ added: z.array(Step), removed: z.array(Step), changed: z.array(StepChange), unchanged: z.number().int() }),
  inputs: z.object({ added: z.array(PlanInput), removed: z.array(PlanInput), changed: z.array(NamedChange) }),
  outputs: z.object({ added: z.array(NamedChange), removed: z.array(NamedChange), changed: z.array(NamedChange) }),
  goal: z.object({ before: z.string(), after: z.string() }).optional(),
  flows: z.object({ before: z.array(z.string()), after: z.array(z.string()) }).optional(),
  /** true when the two plans only differ in step order, or not at all */
  same: z.boolean(),
});
export type PlanDiff = z.infer<typeof PlanDiff>;

const STEP_FIELDS = ["action", "label", "after", "approval", "retry", "timeoutMs", "onError", "fallback", "forEach"] as const;

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
