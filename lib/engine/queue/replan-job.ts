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
 *
 * A run that re-plans on a step's failure (`replan.onFailure`) does so on a worker: the change
 * that finds its step failed for good and nothing running says so (advance.ts), and the run's
 * replan job (runReplanJob) asks the planner and stores the outcome the same way.
 */
import { TERMINAL_RUN, type ActionLookup, type Failure, type LlmClient, type RunEvent } from "../../core";
import { ArtifactStore } from "../artifact-store";
import { replanRun, type ReplanDeps, type ReplanOutcome } from "../replan";
import { decideReplan, pendingReplan, replanStored } from "../replan-requests";
import { runStateOfRecords, type LoadedRun, type LockedReads, type NewEvent, type RunStore } from "../run-store";
import { advanceRun, replansOnFailure, stateAfter, totalUsage } from "./advance";
import { RunStateConflict, type QueueRuns } from "./queue-runs";
import { undoWrites } from "./rollback-job";
import { SkipFacts } from "../branches";
import { stepJobId, type StepQueue } from "./step-queue";

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
      const conditionSkipped = SkipFacts.of(skips).byCondition;
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

/** What a worker's replan job needs: the run's changes, the planner and the queue (to wait for the jobs of the steps a re-plan may restart). */
export interface ReplanJobDeps {
  runs: Pick<QueueRuns, "change" | "advance">;
  /** the planner (the server's); unset: the run fails, saying this worker cannot re-plan */
  replan?: Omit<ReplanDeps, "store">;
  store: ReplanDeps["store"];
  queue: Pick<StepQueue, "anyOf">;
  registry: ActionLookup;
  llm?: LlmClient;
  runConcurrency: number;
  workspaceFor(runId: string): string;
  log(level: "info" | "warn" | "error", message: string): void;
}

/** The re-plan a run waits for, as read under its lock: the step that failed for good and its failure. */
interface Asked {
  loaded: LoadedRun;
  skips: RunEvent[];
  failedStepId: string;
  failure: Failure;
}

/**
 * What the run, as stored under its lock, asks of a replan job: nothing when it does not re-plan
 * now (it ended, was cancelled, goes on, or steps still run), or when a re-plan (or a proposal
 * that waits for a person) was stored after its step's failure: a re-plan is stored once.
 */
async function askedReplan(d: ReplanJobDeps, loaded: LoadedRun, reads: LockedReads): Promise<Asked | null> {
  if (TERMINAL_RUN.has(loaded.run.status) || !replansOnFailure(loaded)) return null;
  const next = await advanceRun(loaded, [], { runConcurrency: d.runConcurrency, artifacts: new ArtifactStore(d.workspaceFor(loaded.run.id)), skipEvents: () => reads.eventsOfType("step.skipped") });
  if (!next.replan) return null;
  const failed = loaded.plan.steps.find((s) => { const r = loaded.steps.find((x) => x.stepId === s.id); return r?.status === "failed" && (r.output === undefined || r.output === null) && s.onError !== "continue"; });
  const row = failed && loaded.steps.find((x) => x.stepId === failed.id);
  if (!failed || !row) return null;
  const failedAt = (await reads.eventsOfType("step.failed")).filter((e) => e.stepId === failed.id).at(-1)?.seq ?? 0;
  const [replanned] = await lockedLastEvents(reads).lastEvents(loaded.run.id, "run.replanned", 1);
  const [proposed] = await lockedLastEvents(reads).lastEvents(loaded.run.id, "run.replan_proposed", 1);
  if ((replanned && replanned.seq > failedAt) || (proposed && proposed.seq > failedAt)) return null;
  return { loaded, skips: await reads.eventsOfType("step.skipped"), failedStepId: failed.id, failure: row.failure ?? { code: "internal", message: "the step failed", retryable: false } };
}

/**
 * A run's re-plan after a step failed for good (run option `replan.onFailure`), on a worker: asks
 * the planner (outside the run's lock) and stores what it says under the lock, if the run has not
 * changed meanwhile (else it looks again). A new version the run goes on with is then moved on
 * (its steps get jobs); a proposal waits for a person; a failure ends the run as the run executor
 * ends it: the steps that did not run skipped, the run's writes undone first under
 * rollbackOnFailure, then `run.failed` with the reasons.
 *
 * "deferred": a job of a step the re-plan may start again is still in the queue (the step job
 * that stored the failure, ending): a restarted step's first job has the id of that step's first
 * job, which BullMQ would not add while that one is there.
 */
export async function runReplanJob(d: ReplanJobDeps, runId: string): Promise<"ran" | "skipped" | "deferred"> {
  for (let tries = 1; ; tries++) {
    const read = await d.runs.change<Asked | null>(runId, async (loaded, reads) => ({ events: [], settled: true, result: await askedReplan(d, loaded, reads) }));
    const asked = read?.result;
    if (!asked) return "skipped";
    const { loaded } = asked;
    const earlier = loaded.steps.filter((s) => s.status !== "succeeded" && s.attempts > 0).flatMap((s) => Array.from({ length: s.attempts }, (_, i) => stepJobId({ runId, stepId: s.stepId, attempt: i + 1 })));
    if (await d.queue.anyOf(earlier)) return "deferred";
    const conditionSkipped = SkipFacts.of(asked.skips).byCondition;
    const stepFailed = `step "${asked.failedStepId}" failed: ${asked.failure.message}`;
    const outcome: ReplanOutcome = d.replan
      ? await replanRun({ ...d.replan, store: d.store }, { run: loaded.run, plan: loaded.plan, state: runStateOfRecords(loaded.run, loaded.steps), conditionSkipped, failedStepId: asked.failedStepId, failure: asked.failure }).catch(
        (err: unknown): ReplanOutcome => ({ kind: "failed", failure: { ...asked.failure, message: `${stepFailed}; re-planning failed: ${(err as Error).message}` } }),
      )
      : { kind: "failed", failure: { ...asked.failure, message: `${stepFailed}; re-planning failed: this Trellis worker has no planner` } };
    const unchanged = (now: LoadedRun) => now.run.lastSeq === loaded.run.lastSeq;
    if (outcome.kind === "events") {
      const stored = await d.runs.change(runId, async (now) => ({ events: unchanged(now) ? outcome.events : [], settled: true, result: unchanged(now) }));
      if (stored?.result) {
        // A new version: its ready steps get jobs (read from it); a proposal waits for a person.
        if (outcome.continues) await d.runs.advance(runId);
        return "ran";
      }
    } else {
      const ended = await failAfterReplan(d, runId, loaded, outcome.failure, unchanged);
      if (ended) return "ran";
    }
    if (tries >= MAX_PROPOSALS) {
      // The reconciler adds the job again while the run still asks for it.
      d.log("warn", `run ${runId}: it changed while it was being re-planned ${tries} times; its re-plan is left to the reconciler`);
      return "skipped";
    }
  }
}

/**
 * No re-plan: the run fails with the reasons, as the run executor stops it: the steps that did not
 * run skipped (in plan order), under rollbackOnFailure the run's writes undone (rollback-job.ts's
 * undos), then `run.failed`. false: the run changed since it was read (nothing was stored).
 */
async function failAfterReplan(d: ReplanJobDeps, runId: string, loaded: LoadedRun, failure: Failure, unchanged: (now: LoadedRun) => boolean): Promise<boolean> {
  const reason = "the run stopped after a failure";
  const skips: NewEvent[] = loaded.plan.steps.filter((s) => ["pending", "queued", "awaiting_approval"].includes(loaded.steps.find((r) => r.stepId === s.id)?.status ?? "")).map((s) => ({ type: "step.skipped", stepId: s.id, data: { reason } }));
  const end = (now: LoadedRun, before: NewEvent[]): NewEvent => ({ type: "run.failed", data: { failure, ...totalUsage(stateAfter(now, before)) } });
  const undoFirst = loaded.run.options.rollbackOnFailure && loaded.steps.some((s) => s.status === "succeeded" && !s.reusedFromRunId);
  if (!undoFirst) {
    const stored = await d.runs.change(runId, async (now) => (unchanged(now) ? { events: [...skips, end(now, skips)], settled: true, result: true } : { events: [], settled: true, result: false }));
    return Boolean(stored?.result);
  }
  const stopped = await d.runs.change(runId, async (now) => ({ events: unchanged(now) ? skips : [], settled: true, result: unchanged(now) }));
  if (!stopped?.result) return false;
  await undoWrites(d, runId);
  // A crash before this asks the planner again (the run still re-plans): the undos stored are not run again.
  await d.runs.change(runId, async (now) => (TERMINAL_RUN.has(now.run.status) ? { events: [], settled: true, result: undefined } : { events: [end(now, [])], settled: true, result: undefined }));
  return true;
}
