/**
 * The state of a run as a viewer sees it: the run state of run-state.ts (the same reducer
 * as the stored rows) plus what only a viewer needs (logs, progress, why a step skipped).
 * Pure, so the browser applies live events exactly as tests expect, and a replay rebuilds
 * the same state.
 */
import { z } from "zod";
import { DryRunPreview } from "./dry-run";
import { ApprovalReason, ReplanSummary, type RunEvent, type RunStatus, type StepStatus } from "./events";
import { RunState, StepFields, emptyRunState, eventPatch, replanChanges } from "./run-state";
import { applyItemEvent, isItemEvent, ItemView } from "./for-each";

export const StepView = StepFields.extend({
  /** start of the current attempt */
  attemptStartedAt: z.string().nullable().optional(),
  progress: z.object({ fraction: z.number(), message: z.string().optional() }).optional(),
  logs: z.array(z.object({ at: z.string(), level: z.string(), message: z.string(), item: z.number().optional() })),
  skipReason: z.string().optional(),
  /** the step whose failure made this one skip */
  cause: z.string().optional(),
  usedFallback: z.boolean().optional(),
  undone: z.object({ ok: z.boolean(), error: z.string().optional() }).optional(),
  retryingInMs: z.number().optional(),
  /** what a dry run's step would have done */
  preview: DryRunPreview.optional(),
  /** why the step waits (or waited) for a person */
  waitingFor: z.array(ApprovalReason).optional(),
  /** a for-each step: how many items it has, and each item's state (for-each.ts) */
  itemCount: z.number().optional(),
  items: z.array(ItemView).optional(),
});
export type StepView = z.infer<typeof StepView>;

/** One re-plan of the run as the page shows it: proposed, done (accepted or at once), or rejected. */
export const ReplanEntry = z.object({
  kind: z.enum(["proposed", "replanned", "rejected"]),
  at: z.string(),
  planVersionId: z.string(),
  fromVersionId: z.string().optional(),
  replan: z.number().int().optional(),
  reason: z.string().optional(),
  source: z.string().optional(),
  failedStepId: z.string().optional(),
  summary: ReplanSummary.optional(),
  by: z.string().optional(),
  comment: z.string().optional(),
});
export type ReplanEntry = z.infer<typeof ReplanEntry>;

export const RunView = RunState.extend({
  steps: z.record(z.string(), StepView),
  /** the run's re-plans, oldest first (absent when it had none) */
  replans: z.array(ReplanEntry).optional(),
});
export type RunView = z.infer<typeof RunView>;

const MAX_LOGS = 500;

export function emptyStepView(): StepView {
  return { status: "pending", attempts: 0, logs: [] };
}

/** The view of a run before its first event. */
export function emptyRunView(id: string, stepIds: Iterable<string>): RunView {
  const steps: Record<string, StepView> = {};
  for (const s of stepIds) steps[s] = emptyStepView();
  return { ...emptyRunState(id, []), steps };
}

/** What only a viewer keeps of an event, given the step before it. */
function viewExtras(e: RunEvent, s: StepView): Partial<StepView> | undefined {
  if (isItemEvent(e)) return { items: applyItemEvent(s.items, e) };
  switch (e.type) {
    case "step.awaiting_approval":
      return e.data.reasons ? { waitingFor: e.data.reasons } : undefined;
    case "step.started":
      // a for-each step that starts again keeps its finished items
      return { attemptStartedAt: e.at, retryingInMs: undefined, ...(e.data.items !== undefined ? { itemCount: e.data.items, items: s.items?.filter((i) => i.status === "succeeded" || i.status === "skipped") } : {}) };
    case "step.log":
      return { logs: [...s.logs, { at: e.at, level: e.data.level, message: e.data.message, ...(e.data.item !== undefined ? { item: e.data.item } : {}) }].slice(-MAX_LOGS) };
    case "step.progress":
      return { progress: { fraction: e.data.fraction, message: e.data.message } };
    case "step.retrying":
      return { retryingInMs: e.data.delayMs };
    case "step.succeeded":
      return { progress: s.progress ? { ...s.progress, fraction: 1 } : undefined, retryingInMs: undefined };
    case "step.failed":
      return { usedFallback: e.data.usedFallback ?? false, retryingInMs: undefined };
    case "step.skipped":
      return { skipReason: e.data.reason, cause: e.data.cause, ...(e.data.dryRun?.preview ? { preview: e.data.dryRun.preview } : {}) };
    case "step.cancelled":
      return { retryingInMs: undefined };
    case "step.undone":
      return { undone: { ok: e.data.ok, error: e.data.error } };
    default:
      return undefined;
  }
}

/** Applies one event; events at or below `lastSeq` are already in the state and ignored. */
export function applyRunEvent(state: RunView, e: RunEvent): RunView {
  if (e.seq <= state.lastSeq || e.runId !== state.id) return state;
  const p = eventPatch(e);
  const next: RunView = p.run ? { ...state, ...p.run, lastSeq: e.seq } : { ...state, lastSeq: e.seq };
  const changed = new Map<string, StepView>();
  const step = (id: string) => changed.get(id) ?? state.steps[id] ?? emptyStepView();
  for (const { stepId, patch } of p.steps ?? []) changed.set(stepId, { ...step(stepId), ...patch });
  if (e.stepId) {
    const extras = viewExtras(e, step(e.stepId));
    if (extras) changed.set(e.stepId, { ...step(e.stepId), ...extras });
  }
  if (changed.size) next.steps = { ...state.steps, ...Object.fromEntries(changed) };
  const replan = replanEntry(e);
  if (replan) next.replans = [...(state.replans ?? []), replan];
  const removed = replanChanges(e)?.removed;
  if (removed?.length) next.steps = Object.fromEntries(Object.entries(next.steps).filter(([id]) => !removed.includes(id)));
  return next;
}

function replanEntry(e: RunEvent): ReplanEntry | undefined {
  if (e.type === "run.replan_rejected") return { kind: "rejected", at: e.at, planVersionId: e.data.planVersionId, ...(e.data.by ? { by: e.data.by } : {}), ...(e.data.comment ? { comment: e.data.comment } : {}) };
  if (e.type !== "run.replanned" && e.type !== "run.replan_proposed") return undefined;
  const d = e.data;
  return { kind: e.type === "run.replanned" ? "replanned" : "proposed", at: e.at, planVersionId: d.planVersionId, fromVersionId: d.fromVersionId, replan: d.replan, reason: d.reason, source: d.source, summary: d.summary, ...(d.failedStepId ? { failedStepId: d.failedStepId } : {}), ...(e.type === "run.replanned" && e.data.by ? { by: e.data.by } : {}) };
}

export function applyRunEvents(state: RunView, events: readonly RunEvent[]): RunView {
  let s = state;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) s = applyRunEvent(s, e);
  return s;
}

/**
 * How a run's steps ended, each way counted apart: a cancelled run in which nothing finished
 * has nothing `done`. A step that failed and went on with its fallback counts as failed.
 */
export const StepCounts = z.object({
  total: z.number().int(),
  /** succeeded (a reused step included) */
  done: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  cancelled: z.number().int(),
});
export type StepCounts = z.infer<typeof StepCounts>;

/** `count`: how many steps have that status (a database's grouped count), one when absent. */
export function stepCounts(steps: Iterable<{ status: StepStatus; count?: number }>): StepCounts {
  const n: StepCounts = { total: 0, done: 0, failed: 0, skipped: 0, cancelled: 0 };
  for (const { status, count = 1 } of steps) {
    n.total += count;
    if (status === "succeeded") n.done += count;
    else if (status === "failed" || status === "skipped" || status === "cancelled") n[status] += count;
  }
  return n;
}

export function runProgress(view: RunView): StepCounts {
  return stepCounts(Object.values(view.steps));
}

/** The steps a person rejected, with who decided and why, in the order of the decisions. */
export function rejections(steps: Record<string, StepFields>): { stepId: string; by?: string; comment?: string; at: string }[] {
  return Object.entries(steps)
    .filter(([, s]) => s.approval?.decision === "rejected")
    .map(([stepId, s]) => ({ stepId, by: s.approval!.by, comment: s.approval!.comment, at: s.approval!.at }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** "3 of 5 steps done · 1 failed · 1 skipped": the words the run page, the runs list and the CLI share. */
export function progressText(n: StepCounts): string {
  const parts = [`${n.done} of ${n.total} step${n.total === 1 ? "" : "s"} done`];
  if (n.failed) parts.push(`${n.failed} failed`);
  if (n.skipped) parts.push(`${n.skipped} skipped`);
  if (n.cancelled) parts.push(`${n.cancelled} cancelled`);
  return parts.join(" · ");
}

export function isRunActive(status: RunStatus): boolean {
  return status === "queued" || status === "running" || status === "awaiting_approval";
}
