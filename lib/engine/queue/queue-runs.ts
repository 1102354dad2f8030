/**
 * Queue mode's changes to runs, the same in web servers and workers. Every change happens in one
 * transaction that holds the run's row lock: it reads the run as stored, appends its events and
 * what follows from them (advance.ts), and sends a PostgreSQL notification, delivered at commit.
 * Only after the commit are the jobs of the steps that became ready added to the queue: a crash
 * in between leaves ready steps without a job, which the reconciler hands out again.
 */
import { TERMINAL_RUN } from "../../core";
import { ArtifactStore } from "../artifact-store";
import { cancellationEvents } from "../cancellation";
import type { ApprovalDecision, LoadedRun, LockedReads, NewEvent, RunStore } from "../run-store";
import type { RunEvent, Failure } from "../../core";
import type { ReplanDeps } from "../replan";
import { advanceRun, type StepJob } from "./advance";
import { decideReplanQueued, replanFromHereQueued } from "./replan-job";
import type { StepQueue } from "./step-queue";

/** Notification channels: committed events (`{"r": runId, "f": first seq, "t": last seq}`), and runs whose running steps must stop (the run id). */
export const EVENTS_CHANNEL = "trellis_events";
export const STOP_CHANNEL = "trellis_stop";

/** A request the run's stored state refuses (the engine answers it as a conflict). */
export class RunStateConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunStateConflict";
  }
}

/**
 * What queue mode needs from storage besides the engine's RunStore: changes under the run's row
 * lock, with a notification sent at commit (lib/store's PrismaRunStore on PostgreSQL).
 */
export interface QueueRunStore {
  appendLocked<T>(runId: string, decide: (loaded: LoadedRun, reads: LockedReads) => Promise<{ events: NewEvent[]; result: T }>, notify?: (events: RunEvent[], result: T) => { channel: string; payload: string }[]): Promise<{ events: RunEvent[]; result: T } | null>;
  unfinished(): Promise<string[]>;
  events(runId: string, afterSeq?: number, limit?: number): Promise<RunEvent[]>;
  /** a run's last events of one type, newest first (what re-planning reads of earlier re-plans) */
  lastEvents: RunStore["lastEvents"];
}

export interface QueueRunsOptions {
  store: QueueRunStore;
  queue: Pick<StepQueue, "add" | "addRollback" | "addReplan">;
  /** steps of one run at once, across all workers, unless the run says otherwise */
  runConcurrency: number;
  workspaceFor(runId: string): string;
  log(level: "info" | "warn" | "error", message: string): void;
  /** for tests of the crash window: called after a change commits and before its jobs are added (`rollback`, `replan`: the run's rollback or replan job among them) */
  afterCommit?(jobs: readonly StepJob[], rollback: boolean, replan: boolean): void | Promise<void>;
}

export interface Decided<T> {
  events: NewEvent[];
  /** jobs of this change besides the ready steps (a delayed retry) */
  jobs?: StepJob[];
  /** workers running the run's steps are to stop them */
  stop?: boolean;
  /** nothing can follow from these events (a step's start): no scheduling step */
  settled?: boolean;
  result: T;
}

export class QueueRuns {
  constructor(private readonly o: QueueRunsOptions) {}

  /**
   * Appends what `decide` says, then what follows from it, under the run's lock; then hands the
   * ready steps out. Resolves with the stored events and `decide`'s result (null: no such run).
   */
  async change<T>(runId: string, decide: (loaded: LoadedRun, reads: LockedReads) => Promise<Decided<T>>, options: { reconcile?: boolean; rolledBack?: boolean } = {}): Promise<{ events: RunEvent[]; result: T } | null> {
    const done = await this.o.store.appendLocked(
      runId,
      async (loaded, reads) => {
        const d = await decide(loaded, reads);
        const artifacts = new ArtifactStore(this.o.workspaceFor(runId));
        const next = d.settled ? { events: [], jobs: [], stopped: false, rollback: false, replan: false } : await advanceRun(loaded, d.events, { runConcurrency: this.o.runConcurrency, artifacts, reconcile: options.reconcile, rolledBack: options.rolledBack, skipEvents: () => reads.eventsOfType("step.skipped") });
        return { events: [...d.events, ...next.events], result: { value: d.result, jobs: [...(d.jobs ?? []), ...next.jobs], stopped: next.stopped || Boolean(d.stop), rollback: next.rollback, replan: next.replan ? loaded.run.planVersionId : null } };
      },
      (events, r) => [
        ...(events.length ? [{ channel: EVENTS_CHANNEL, payload: JSON.stringify({ r: runId, f: events[0].seq, t: events[events.length - 1].seq }) }] : []),
        ...(r.stopped ? [{ channel: STOP_CHANNEL, payload: runId }] : []),
      ],
    );
    if (!done) return null;
    await this.o.afterCommit?.(done.result.jobs, done.result.rollback, done.result.replan !== null);
    await this.o.queue.add(done.result.jobs);
    if (done.result.rollback) await this.o.queue.addRollback(runId);
    if (done.result.replan !== null) await this.o.queue.addReplan(runId, done.result.replan);
    return { events: done.events, result: done.result.value };
  }

  /** Starts a queued run, or moves it on: what is ready gets a job. */
  async advance(runId: string, options: { reconcile?: boolean } = {}): Promise<void> {
    await this.change(runId, async () => ({ events: [], result: undefined }), options);
  }

  /**
   * The reconciler: every unfinished run is moved on again, so that a ready step whose job was
   * never added (a crash between commit and enqueue) or was lost gets one. Jobs that exist stay.
   */
  async reconcile(): Promise<string[]> {
    const ids = await this.o.store.unfinished();
    for (const id of ids) await this.advance(id, { reconcile: true }).catch((err) => this.o.log("warn", `reconciling run ${id} failed: ${(err as Error).message}`));
    return ids;
  }

  /** Whether the run, as stored, has failed and waits for its writes to be undone (rollback-job.ts) before its end is stored. */
  async rollsBack(loaded: LoadedRun): Promise<boolean> {
    if (!loaded.run.options.rollbackOnFailure || TERMINAL_RUN.has(loaded.run.status)) return false;
    return (await advanceRun(loaded, [], { runConcurrency: this.o.runConcurrency, artifacts: new ArtifactStore(this.o.workspaceFor(loaded.run.id)) })).rollback;
  }

  /** Cancels the run as stored, at once; workers running its steps are told to stop them. */
  async cancel(runId: string, reason: string): Promise<void> {
    const done = await this.change(runId, async (loaded) => {
      if (TERMINAL_RUN.has(loaded.run.status)) throw new RunStateConflict(`run ${runId} has already ${loaded.run.status}`);
      // As in the run executor, whose run ends once its undos are done: a failed run is not cancelled midway through its rollback.
      if (await this.rollsBack(loaded)) throw new RunStateConflict(`run ${runId} has failed and is undoing its writes`);
      // Stored at once; a worker still running a step of it stops it, and its result is thrown away.
      return { events: cancellationEvents(loaded, reason), stop: true, result: undefined };
    });
    if (!done) throw new RunStateConflict(`run ${runId} does not exist`);
  }

  /** "Re-plan from here" (replan-job.ts): the proposal is stored under the run's lock and waits for a person. */
  replanFromHere(runId: string, deps: ReplanDeps): Promise<void> {
    return replanFromHereQueued(this, deps, runId);
  }

  /** A person's decision on the re-plan the run waits for; accepted, the run's new remainder gets jobs. */
  decideReplan(runId: string, decision: "accept" | "reject", who: { by?: string; comment?: string }): Promise<void> {
    return decideReplanQueued(this, runId, decision, who);
  }

  /** A person's decision on a step that waits for approval; an approved step gets a job. */
  async decide(runId: string, stepId: string, decision: Omit<ApprovalDecision, "at">, onRejectFailRun: (loaded: LoadedRun) => boolean): Promise<void> {
    await this.change(runId, async (loaded) => {
      const step = loaded.steps.find((s) => s.stepId === stepId);
      if (!step || step.status !== "awaiting_approval") throw new RunStateConflict(`step ${stepId} is ${step?.status ?? "missing"}, not waiting for approval`);
      const who = { ...(decision.by !== undefined ? { by: decision.by } : {}), ...(decision.comment !== undefined ? { comment: decision.comment } : {}) };
      if (decision.decision === "approved") return { events: [{ type: "step.approved", stepId, data: { ...who, ...(decision.input !== undefined ? { input: decision.input } : {}) } }], result: undefined };
      const failure: Failure = { code: "rejected", message: `step "${stepId}" was rejected${decision.comment ? `: ${decision.comment}` : ""}`, retryable: false };
      const events: NewEvent[] = [
        { type: "step.rejected", stepId, data: who },
        onRejectFailRun(loaded) ? { type: "step.failed", stepId, data: { attempt: step.attempts, failure } } : { type: "step.skipped", stepId, data: { reason: "rejected by a person", cause: stepId } },
      ];
      return { events, result: undefined };
    });
  }
}
