/**
 * For-each steps: a step with `forEach: { items, concurrency? }` runs its action once per item
 * of a list, the current item read by `${item}` bindings (binding.ts ItemBinding) in its inputs
 * and its condition. Its output is the list of the items' outputs, in item order (an item its
 * condition skipped is left out); `${steps.ID.output.FIELD}` plucks a field from each.
 *
 * Each item is an event of its own (`step.item.*`, events.ts): the run view shows them, and a
 * resume reads them back so that no finished item runs again (lib/engine/for-each.ts).
 */
import { z } from "zod";
import { InputBinding, LiteralBinding, StepBinding, type Binding, type SingleBinding } from "./binding";
import { conditionOperands, type Condition } from "./condition";
import { Failure, type RunEvent } from "./events";
import type { Step } from "./plan";

/** The most items one for-each step may run: more is a run-time failure of the step. */
export const MAX_FOR_EACH_ITEMS = 1000;
/** The most items of one step that may run at once (never more than the run's own limit). */
export const MAX_FOR_EACH_CONCURRENCY = 32;
export const DEFAULT_FOR_EACH_CONCURRENCY = 4;

/** Where the list comes from: a literal list, a plan input, or a step output (not an item, not a merge). */
export const ForEachItems = z.discriminatedUnion("kind", [LiteralBinding, InputBinding, StepBinding]);
export type ForEachItems = z.infer<typeof ForEachItems>;

export const ForEach = z.object({
  items: ForEachItems,
  /** how many items run at once; 1 runs them one after the other */
  concurrency: z.number().int().min(1).max(MAX_FOR_EACH_CONCURRENCY).optional(),
});
export type ForEach = z.infer<typeof ForEach>;

export function readsItem(b: Binding): boolean {
  return b.kind === "item" || (b.kind === "firstOf" && b.of.some(readsItem));
}

/** Whether a condition reads the current item: then it is asked of each item, not of the step. */
export function conditionReadsItem(c: Condition | undefined): boolean {
  return c !== undefined && conditionOperands(c).some(readsItem);
}

/** Whether a step reads the current item anywhere (inputs or condition). */
export function stepReadsItem(step: Step): boolean {
  return Object.values(step.inputs).some(readsItem) || conditionReadsItem(step.when);
}

/** The step as it runs for one item: each `${item...}` becomes the value it reads (absent: no value). */
export function stepForItem(step: Step, item: unknown): Step {
  const one = (b: SingleBinding): SingleBinding => (b.kind === "item" ? { kind: "literal", value: readItemPath(item, b.path) } : b);
  const any = (b: Binding): Binding => (b.kind === "firstOf" ? { kind: "firstOf", of: b.of.map(one) } : one(b));
  const inputs: Record<string, Binding> = {};
  for (const [k, b] of Object.entries(step.inputs)) inputs[k] = any(b);
  return { ...step, inputs, ...(step.when ? { when: mapCondition(step.when, one) } : {}) };
}

function readItemPath(item: unknown, path: readonly (string | number)[] | undefined): unknown {
  let cur = item;
  for (const seg of path ?? []) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = Array.isArray(cur) ? (typeof seg === "number" ? cur[seg] : seg === "length" ? cur.length : undefined) : (cur as Record<string, unknown>)[String(seg)];
  }
  return cur;
}

function mapCondition(c: Condition, f: (b: SingleBinding) => SingleBinding): Condition {
  if ("args" in c) return { op: c.op, args: c.args.map((a) => mapCondition(a, f)) };
  if ("arg" in c) return { op: c.op, arg: mapCondition(c.arg, f) };
  if ("value" in c) return { op: c.op, value: f(c.value) };
  return { op: c.op, left: f(c.left), right: f(c.right) };
}

// ---- per-item state, as the run view keeps it ----

export const ItemStatus = z.enum(["running", "retrying", "succeeded", "failed", "skipped"]);
export type ItemStatus = z.infer<typeof ItemStatus>;

export const ItemView = z.object({
  index: z.number().int(),
  status: ItemStatus,
  attempts: z.number().int(),
  startedAt: z.string().optional(),
  ms: z.number().optional(),
  failure: Failure.optional(),
  /** why it was skipped */
  reason: z.string().optional(),
  reusedFromRunId: z.string().optional(),
});
export type ItemView = z.infer<typeof ItemView>;

export type ItemEvent = Extract<RunEvent, { type: `step.item.${string}` }>;

export function isItemEvent(e: RunEvent): e is ItemEvent {
  return e.type.startsWith("step.item.");
}

/** The items after one item event (a new list; items by index, in index order). */
export function applyItemEvent(items: readonly ItemView[] | undefined, e: ItemEvent): ItemView[] {
  const list = [...(items ?? [])];
  const at = list.findIndex((i) => i.index === e.data.index);
  const prev: ItemView = at >= 0 ? list[at] : { index: e.data.index, status: "running", attempts: 0 };
  let next: ItemView;
  switch (e.type) {
    case "step.item.started":
      next = { ...prev, status: "running", attempts: e.data.attempt, startedAt: prev.startedAt ?? e.at, failure: undefined };
      break;
    case "step.item.succeeded":
      next = { ...prev, status: "succeeded", attempts: e.data.attempt, failure: undefined, ...(e.data.ms !== undefined ? { ms: e.data.ms } : {}), ...(e.data.reusedFromRunId ? { reusedFromRunId: e.data.reusedFromRunId } : {}) };
      break;
    case "step.item.failed":
      next = { ...prev, status: e.data.retrying ? "retrying" : "failed", attempts: e.data.attempt, failure: e.data.failure };
      break;
    case "step.item.skipped":
      next = { ...prev, status: "skipped", reason: e.data.reason };
      break;
  }
  if (at >= 0) list[at] = next;
  else {
    list.push(next);
    list.sort((a, b) => a.index - b.index);
  }
  return list;
}

/** "3 of 5 items done · 1 failed" */
export function itemsText(items: readonly ItemView[], total?: number): string {
  const done = items.filter((i) => i.status === "succeeded").length;
  const failed = items.filter((i) => i.status === "failed").length;
  const skipped = items.filter((i) => i.status === "skipped").length;
  const parts = [`${done} of ${total ?? items.length} item${(total ?? items.length) === 1 ? "" : "s"} done`];
  if (failed) parts.push(`${failed} failed`);
  if (skipped) parts.push(`${skipped} skipped`);
  return parts.join(" · ");
}

/** The schema of a step's output: a for-each step's is the list of its action's outputs. */
export function stepOutputSchema(step: Pick<Step, "forEach">, actionOutput: Record<string, unknown>): Record<string, unknown> {
  return step.forEach ? { type: "array", items: actionOutput } : actionOutput;
}
