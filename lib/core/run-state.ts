/**
 * A run's state as a projection of its events: the one reducer behind the stored run and
 * step rows, the engine's own bookkeeping, the browser's live view and the CLI.
 *
 * Each event says everything it changes, so what it sets does not depend on what came
 * before (`eventPatch`). Folding a run's events one by one, or merging the patches of a
 * batch field by field (later wins) and applying them at once, gives the same state: the
 * store writes a batch of events and their row changes in one transaction from `rowPatches`.
 *
 * Semantics, for every reader alike:
 * - an approved step is `queued` (its dependencies are met; it waits for a slot), and a
 *   decision (approval or rejection) puts a run that waited for it back to `running`: what
 *   is left may go on. The run says `awaiting_approval` again when only waiting steps remain.
 * - `run.started` of a resume names the steps caught mid-flight; they go back to `pending`.
 * - a step's `startedAt` is its first attempt's start; `finishedAt` is cleared while it runs.
 * - a reused step (a retry's completed step) is succeeded from the retry's creation.
 * - how a run ended is more than its status: `rejected` and `partial` are facts about its
 *   history that events only ever set (see `outcomePatch`), and `runOutcome` reads them, so
 *   a succeeded run in which a person rejected a step, or that went on without a step's own
 *   output, never reads as a clean success, in the rows, the page and the CLI alike.
 */
import { z } from "zod";
import { Failure, RunStatus, StepStatus, Usage, type RunEvent } from "./events";

const IsoTime = z.string().describe("ISO 8601 date and time");

export const ApprovalState = z.object({
  decision: z.enum(["approved", "rejected"]),
  by: z.string().optional(),
  comment: z.string().optional(),
  /** an edited input that replaces the resolved one */
  input: z.unknown().optional(),
  /** when the decision was recorded */
  at: z.string(),
});
export type ApprovalState = z.infer<typeof ApprovalState>;

/**
 * How a succeeded run went: `clean`, `with_rejections` (a person rejected a step; what
 * depended on it was skipped), or `partial` (a step ended without its own output and the run
 * went on without it: skipped because a step upstream had no output, or failed and used its
 * fallback). A step skipped by a condition, its own or one upstream, does not make a run
 * partial: that is the plan taking one of its branches. Only a succeeded run has an outcome;
 * its status says the rest.
 */
export const RunOutcome = z.enum(["clean", "with_rejections", "partial"]);
export type RunOutcome = z.infer<typeof RunOutcome>;

/** What the run row holds (times as ISO strings). */
export const RunFields = z.object({
  status: RunStatus,
  startedAt: IsoTime.nullable().optional(),
  finishedAt: IsoTime.nullable().optional(),
  outputs: z.record(z.string(), z.unknown()).nullable().optional(),
  failure: Failure.nullable().optional(),
  usage: Usage.nullable().optional(),
  /** a person rejected one of the run's steps */
  rejected: z.boolean().optional(),
  /** a step ended without its own output and the run went on (see RunOutcome) */
  partial: z.boolean().optional(),
  /** the plan version the run runs now: set by a re-plan (the run's first is on the row from its creation) */
  planVersionId: z.string().optional(),
});
export type RunFields = z.infer<typeof RunFields>;

/** What a step row holds (times as ISO strings). */
export const StepFields = z.object({
  status: StepStatus,
  attempts: z.number().int(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  failure: Failure.nullable().optional(),
  usage: Usage.nullable().optional(),
  approval: ApprovalState.nullable().optional(),
  reusedFromRunId: z.string().nullable().optional(),
  /** the first attempt's start */
  startedAt: IsoTime.nullable().optional(),
  finishedAt: IsoTime.nullable().optional(),
});
export type StepFields = z.infer<typeof StepFields>;

export const RunState = RunFields.extend({
  id: z.string(),
  /** the seq of the last event folded in */
  lastSeq: z.number().int(),
  steps: z.record(z.string(), StepFields),
});
export type RunState = z.infer<typeof RunState>;

/** Fields an event sets; a field it does not set is absent (never `undefined`). */
export type RunFieldsPatch = Partial<RunFields>;
export type StepFieldsPatch = Partial<StepFields>;

export interface EventPatch {
  run?: RunFieldsPatch;
  steps?: { stepId: string; patch: StepFieldsPatch }[];
}

/** The state of a step before anything happened to it. */
export function emptyStepState(): StepFields {
  return { status: "pending", attempts: 0 };
}

/** The state of a run before its first event. */
export function emptyRunState(id: string, stepIds: Iterable<string>): RunState {
  const steps: Record<string, StepFields> = {};
  for (const s of stepIds) steps[s] = emptyStepState();
  return { id, status: "queued", lastSeq: 0, steps };
}

const one = (stepId: string | undefined, patch: StepFieldsPatch): EventPatch["steps"] => (stepId ? [{ stepId, patch }] : undefined);

/** What one event sets on the run and its steps, whatever the state before it. */
export function eventPatch(e: RunEvent): EventPatch {
  const p = statusPatch(e);
  const marks = outcomePatch(e);
  return marks ? { ...p, run: { ...p.run, ...marks } } : p;
}

/**
 * What an event says about how the run will have gone. Set, never cleared: a batch's
 * patches merged field by field keep them whatever their order, and a resume replays
 * nothing that would undo them. A dry run's own skips are what it was asked for.
 */
function outcomePatch(e: RunEvent): Pick<RunFields, "rejected" | "partial"> | undefined {
  switch (e.type) {
    case "step.rejected":
      return { rejected: true };
    case "step.skipped":
      // a step skipped by a condition (its own or one upstream) is the plan working as designed
      return e.data.cause !== undefined && !e.data.dryRun && !e.data.condition && !e.data.byCondition ? { partial: true } : undefined;
    case "step.failed":
      return e.data.usedFallback ? { partial: true } : undefined;
    default:
      return undefined;
  }
}

/** How the run went: null unless it succeeded (see RunOutcome). */
export function runOutcome(run: Pick<RunFields, "status" | "rejected" | "partial">): RunOutcome | null {
  if (run.status !== "succeeded") return null;
  return run.rejected ? "with_rejections" : run.partial ? "partial" : "clean";
}

function statusPatch(e: RunEvent): EventPatch {
  switch (e.type) {
    case "run.queued":
      return { run: { status: "queued" } };
    case "run.started":
      return {
        run: e.data?.resumed ? { status: "running" } : { status: "running", startedAt: e.at },
        steps: e.data?.interrupted?.map((stepId) => ({ stepId, patch: { status: "pending" } })),
      };
    case "run.awaiting_approval":
      return { run: { status: "awaiting_approval" } };
    case "run.succeeded":
      return { run: { status: "succeeded", outputs: e.data.outputs, usage: e.data.usage ?? null, finishedAt: e.at } };
    case "run.failed":
      return { run: { status: "failed", failure: e.data.failure, usage: e.data.usage ?? null, finishedAt: e.at } };
    case "run.replanned":
      // The steps that leave the run are dropped by the fold and the store (replanChanges).
      return { run: { status: "running", planVersionId: e.data.planVersionId, failure: null, finishedAt: null }, steps: e.data.restart.map((stepId) => ({ stepId, patch: RESTARTED })) };
    case "run.replan_proposed":
      return { run: { status: "awaiting_approval" } };
    case "run.replan_rejected":
      return {};
    case "run.cancelled":
      return { run: { status: "cancelled", usage: e.data.usage ?? null, finishedAt: e.at } };
    case "step.started":
      return { steps: one(e.stepId, { status: "running", attempts: e.data.attempt, input: e.data.input ?? null, finishedAt: null, ...(e.data.attempt <= 1 ? { startedAt: e.at } : {}) }) };
    case "step.retrying":
      return { steps: one(e.stepId, { status: "retrying", attempts: e.data.attempt, failure: e.data.failure }) };
    case "step.succeeded":
      return { steps: one(e.stepId, { status: "succeeded", attempts: e.data.attempt, output: e.data.output ?? null, usage: e.data.usage ?? null, failure: null, reusedFromRunId: e.data.reusedFromRunId ?? null, finishedAt: e.at }) };
    case "step.failed":
      return { steps: one(e.stepId, { status: "failed", attempts: e.data.attempt, failure: e.data.failure, finishedAt: e.at, ...(e.data.output !== undefined ? { output: e.data.output } : {}) }) };
    case "step.skipped":
      // A dry run's previewed write keeps the output it would have, so what follows it is checked.
      return { steps: one(e.stepId, { status: "skipped", finishedAt: e.at, ...(e.data.dryRun ? { input: e.data.dryRun.input ?? null, ...(e.data.dryRun.output !== undefined ? { output: e.data.dryRun.output } : {}) } : {}) }) };
    case "step.cancelled":
      return { steps: one(e.stepId, { status: "cancelled", finishedAt: e.at }) };
    case "step.awaiting_approval":
      return { steps: one(e.stepId, { status: "awaiting_approval", input: e.data.input ?? null }) };
    case "step.approved":
      return { run: { status: "running" }, steps: one(e.stepId, { status: "queued", approval: approval("approved", e.at, e.data) }) };
    case "step.rejected":
      return { run: { status: "running" }, steps: one(e.stepId, { approval: approval("rejected", e.at, e.data) }) };
    case "step.log":
    case "step.progress":
    case "step.undone":
    // an item's state is in the run view (for-each.ts); the step's row says how the step went
    case "step.item.started":
    case "step.item.succeeded":
    case "step.item.failed":
    case "step.item.skipped":
      return {};
  }
}

/** A step a re-plan starts again: nothing of what it did before counts (its events keep it). */
const RESTARTED: StepFieldsPatch = { status: "pending", attempts: 0, input: null, output: null, failure: null, usage: null, approval: null, reusedFromRunId: null, startedAt: null, finishedAt: null };

/** Step rows a re-plan adds to its run and takes out of it. */
export function replanChanges(e: RunEvent): { added: string[]; removed: string[] } | null {
  return e.type === "run.replanned" ? { added: e.data.summary.added, removed: e.data.summary.removed } : null;
}

function approval(decision: ApprovalState["decision"], at: string, d: { by?: string; comment?: string; input?: unknown }): ApprovalState {
  const a: ApprovalState = { decision, at };
  if (d.by !== undefined) a.by = d.by;
  if (d.comment !== undefined) a.comment = d.comment;
  if (d.input !== undefined) a.input = d.input;
  return a;
}

/**
 * Applies one event to a state its owner changes in place (the engine's own copy, a fold
 * over a run's log). Events at or below `lastSeq`, or of another run, are already in it or
 * not its own, and are ignored. Viewers that need a new object per change use applyRunEvent.
 */
export function foldRunEvent<S extends RunState>(state: S, e: RunEvent): S {
  if (e.seq <= state.lastSeq || e.runId !== state.id) return state;
  state.lastSeq = e.seq;
  const p = eventPatch(e);
  if (p.run) Object.assign(state, p.run);
  if (p.steps) for (const { stepId, patch } of p.steps) state.steps[stepId] = Object.assign(state.steps[stepId] ?? emptyStepState(), patch);
  for (const stepId of replanChanges(e)?.removed ?? []) delete state.steps[stepId];
  return state;
}

/** Folds events (in seq order) into a state its owner changes in place. */
export function foldRunEvents<S extends RunState>(state: S, events: readonly RunEvent[]): S {
  for (const e of isSorted(events) ? events : [...events].sort((a, b) => a.seq - b.seq)) foldRunEvent(state, e);
  return state;
}

function isSorted(events: readonly RunEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if (events[i].seq < events[i - 1].seq) return false;
  return true;
}

/** What a batch of one run's events changes in its rows: merged in order, later fields win. */
export interface RowPatches {
  /** the seq of the last event, 0 when there was none */
  lastSeq: number;
  run: RunFieldsPatch;
  steps: Map<string, StepFieldsPatch>;
  /** step rows a re-plan adds (created before the patches apply) and removes */
  addedSteps?: Set<string>;
  removedSteps?: Set<string>;
}

/** The row changes of a run's events, added to `into` (the same run's earlier events of the batch). */
export function rowPatches(events: readonly RunEvent[], into: RowPatches = { lastSeq: 0, run: {}, steps: new Map() }): RowPatches {
  for (const e of events) {
    if (e.seq > into.lastSeq) into.lastSeq = e.seq;
    const p = eventPatch(e);
    if (p.run) Object.assign(into.run, p.run);
    if (p.steps) {
      for (const { stepId, patch } of p.steps) {
        const prev = into.steps.get(stepId);
        into.steps.set(stepId, prev ? Object.assign(prev, patch) : { ...patch });
      }
    }
    const replan = replanChanges(e);
    if (replan) {
      for (const id of replan.added) { (into.addedSteps ??= new Set()).add(id); into.removedSteps?.delete(id); }
      for (const id of replan.removed) { into.steps.delete(id); (into.removedSteps ??= new Set()).add(id); into.addedSteps?.delete(id); }
    }
  }
  return into;
}

/** The row fields of a run state (without its steps), for comparing and storing. */
export function runFieldsOf(s: RunFields): RunFields {
  return { status: s.status, startedAt: s.startedAt ?? null, finishedAt: s.finishedAt ?? null, outputs: s.outputs ?? null, failure: s.failure ?? null, usage: s.usage ?? null, rejected: s.rejected ?? false, partial: s.partial ?? false };
}

/** The row fields of a step state, absent values as null, for comparing and storing. */
export function stepFieldsOf(s: StepFields): StepFields {
  return {
    status: s.status,
    attempts: s.attempts,
    input: s.input ?? null,
    output: s.output ?? null,
    failure: s.failure ?? null,
    usage: s.usage ?? null,
    approval: s.approval ?? null,
    reusedFromRunId: s.reusedFromRunId ?? null,
    startedAt: s.startedAt ?? null,
    finishedAt: s.finishedAt ?? null,
  };
}
