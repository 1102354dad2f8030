/**
 * Re-planning in queue mode, with the embedded engine's code (replan.ts, replan-requests.ts) and
 * its events.
 *
 * A person's part: "Re-plan from here" on a failed run (or one that waits for a step's approval)
 * asks the planner for a proposal and stores it, and the decision on a proposal stores it; each
 * under the run's lock. The planner is asked outside the lock (it may be an LLM, and a change
 * holds the run's row while it runs): the proposal is stored only if the run has not changed since
 * it was read; if it has, it is asked again from what is stored then.
 *
 * An accepted re-plan (`run.replanned`) is stored by a change of its own, with no scheduling step:
 * that step reads the run's plan, which the event changes. The run is then moved on by the next
 * change, which reads the new version: its steps get jobs, and workers run them from it (a
 * worker's change always reads the run's current plan version). A crash between the two leaves a
 * running run with ready steps and no job, which the reconciler moves on.
 */
import type { Failure, RunEvent } from "../../core";
import { replanRun, type ReplanDeps, type ReplanOutcome } from "../replan";
import { decideReplan, pendingReplan, replanStored } from "../replan-requests";
import { runStateOfRecords, type LoadedRun, type LockedReads, type RunStore } from "../run-store";
import { RunStateConflict, type QueueRuns } from "./queue-runs";

/** how often a proposal is asked again when the run changed while the planner answered */
const MAX_PROPOSALS = 3;

/** The store's `lastEvents` (newest first) over the reads of a change that holds the run's lock. */
export function lockedLastEvents(reads: LockedReads): Pick<RunStore, "lastEvents"> {
  return {
    async lastEvents(_runId, type, limit) {
      return (await reads.eventsOfType(type)).slice(-limit).reverse();
    },
  };
}

/** The run as stored and the skips a planner's view of it needs, read under the run's lock. */
async function snapshot(runs: Pick<QueueRuns, "change">, runId: string): Promise<{ loaded: LoadedRun; skips: RunEvent[] }> {
  const read = await runs.change(runId, async (loaded, reads) => ({ events: [], settled: true, result: { loaded, skips: await reads.eventsOfType("step.skipped") } }));
  if (!read) throw new RunStateConflict(`run ${runId} does not exist`);
  return read.result;
}

/**
 * "Re-plan from here" in queue mode: the proposal waits for the person who asked. A failed run
 * waits for them (`run.replan_proposed`, `run.awaiting_approval`); so does one that waited for a
 * step's approval, that step re-planned as if it had failed.
 */
export async function replanFromHereQueued(runs: Pick<QueueRuns, "change">, deps: ReplanDeps, runId: string): Promise<void> {
  for (let tries = 1; ; tries++) {
    const { loaded, skips } = await snapshot(runs, runId);
    const waiting = loaded.run.status === "awaiting_approval" ? loaded.steps.find((s) => s.status === "awaiting_approval") : undefined;
    if (!waiting && loaded.run.status !== "failed") throw new RunStateConflict(`run ${runId} is ${loaded.run.status}; only a failed run or one waiting for a step's approval can be re-planned from here`);
    let outcome: ReplanOutcome;
    if (waiting) {
      const failure: Failure = { code: "rejected", message: `a person asked for another way instead of deciding on step "${waiting.stepId}"`, retryable: false };
      const conditionSkipped = new Set(skips.filter((e) => e.type === "step.skipped" && e.stepId && (e.data.condition || e.data.byCondition)).map((e) => e.stepId!));
      outcome = await replanRun(deps, { run: loaded.run, plan: loaded.plan, state: runStateOfRecords(loaded.run, loaded.steps), conditionSkipped, failedStepId: waiting.stepId, failure, askPerson: true });
    } else {
      outcome = await replanStored(deps, loaded, skips);
    }
    if (outcome.kind === "failed") throw new RunStateConflict(outcome.failure.message);
    const events = outcome.events;
    const stored = await runs.change(runId, async (now) => ({ events: now.run.lastSeq === loaded.run.lastSeq ? events : [], settled: true, result: now.run.lastSeq === loaded.run.lastSeq }));
    if (stored?.result) return;
    if (tries >= MAX_PROPOSALS) throw new RunStateConflict(`run ${runId} changed while it was being re-planned; try again`);
  }
}

/**
 * A person's decision on the re-plan the run waits for (replan-requests.ts decides what it
 * stores); accepted, the run goes on with the new version on the workers.
 */
export async function decideReplanQueued(runs: Pick<QueueRuns, "change" | "advance">, runId: string, decision: "accept" | "reject", who: { by?: string; comment?: string }): Promise<void> {
  const done = await runs.change(runId, async (loaded, reads) => {
    const proposed = await pendingReplan(lockedLastEvents(reads), loaded);
    if (!proposed) throw new RunStateConflict(`run ${runId} has no re-plan waiting for a decision`);
    return { events: decideReplan(proposed, decision, who, loaded), settled: true, result: undefined };
  });
  if (!done) throw new RunStateConflict(`run ${runId} does not exist`);
  if (decision === "accept") await runs.advance(runId);
}
