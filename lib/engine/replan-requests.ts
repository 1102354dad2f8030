/**
 * A person's part in re-planning: "Re-plan from here" on a failed run, and the decision on a
 * re-plan that waits for one. The engine writes what these return under the run's claim.
 */
import type { Failure, RunEvent } from "../core";
import { replanRun, type ReplanDeps, type ReplanOutcome } from "./replan";
import { SkipFacts } from "./branches";
import { runStateOfRecords, type LoadedRun, type NewEvent, type RunStore } from "./run-store";

type Proposed = Extract<RunEvent, { type: "run.replan_proposed" }>;

/** A proposal for a failed run, from its stored rows and events; it always waits for the person who asked. */
export async function replanStored(deps: ReplanDeps, loaded: LoadedRun, events: readonly RunEvent[]): Promise<ReplanOutcome> {
  const failed = loaded.plan.steps.map((s) => loaded.steps.find((r) => r.stepId === s.id)).find((r) => r?.status === "failed" && (r.output === undefined || r.output === null));
  if (!failed) return { kind: "failed", failure: { code: "validation", message: "no step of this run failed: there is nothing to re-plan from", retryable: false } };
  const failure: Failure = failed.failure ?? loaded.run.failure ?? { code: "internal", message: "the run failed", retryable: false };
  const conditionSkipped = SkipFacts.of(events).byCondition;
  const outcome = await replanRun(deps, { run: loaded.run, plan: loaded.plan, state: runStateOfRecords(loaded.run, loaded.steps), conditionSkipped, failedStepId: failed.stepId, failure, askPerson: true });
  return outcome;
}

/** The re-plan the run waits for, if it waits for one. */
export async function pendingReplan(store: Pick<RunStore, "lastEvents">, loaded: LoadedRun): Promise<Proposed | null> {
  if (loaded.run.status !== "awaiting_approval") return null;
  const [proposed] = await store.lastEvents(loaded.run.id, "run.replan_proposed", 1);
  if (!proposed) return null;
  const [accepted] = await store.lastEvents(loaded.run.id, "run.replanned", 1);
  const [rejected] = await store.lastEvents(loaded.run.id, "run.replan_rejected", 1);
  if ((accepted && accepted.seq > proposed.seq) || (rejected && rejected.seq > proposed.seq)) return null;
  return proposed;
}

/**
 * Accepted: the run goes on with the proposal. Rejected: a run that waited for a step's approval
 * waits for it again; any other fails with the failure that asked for the re-plan, its steps that
 * did not run skipped.
 */
export function decideReplan(proposed: Proposed, decision: "accept" | "reject", who: { by?: string; comment?: string }, loaded?: LoadedRun): NewEvent[] {
  const by = who.by !== undefined ? { by: who.by } : {};
  if (decision === "accept") return [{ type: "run.replanned", data: { ...proposed.data, ...by } }];
  const rejected: NewEvent = { type: "run.replan_rejected", data: { planVersionId: proposed.data.planVersionId, ...by, ...(who.comment !== undefined ? { comment: who.comment } : {}) } };
  const waiting = (loaded?.steps ?? []).filter((s) => s.status === "awaiting_approval").map((s) => s.stepId);
  if (waiting.length) return [rejected, { type: "run.awaiting_approval", data: { steps: waiting } }];
  const failure: Failure = proposed.data.failure ?? { code: "internal", message: "the re-plan was rejected", retryable: false };
  const message = proposed.data.failedStepId ? `step "${proposed.data.failedStepId}" failed: ${failure.message}` : failure.message;
  const open = (loaded?.steps ?? []).filter((s) => s.status === "pending" || s.status === "queued").map((s) => s.stepId);
  return [
    rejected,
    ...open.map((stepId): NewEvent => ({ type: "step.skipped", stepId, data: { reason: "the re-plan was rejected" } })),
    { type: "run.failed", data: { failure: { ...failure, message } } },
  ];
}
