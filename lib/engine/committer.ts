/**
 * Group commit. Each change gets its events' seqs at once, from a per-run counter, so
 * the order of the queue is the order of the log; changes queued while a transaction
 * is in flight are written together in the next one, and events are published only
 * after their transaction commits.
 *
 * Every event is made storable before it is queued (lib/core storable.ts): text that cannot
 * be stored is repaired, so a batch does not fail because of what one event says. Should a
 * batch fail all the same, its runs are written one by one: the others go on, and the run
 * whose change cannot be written ends failed, stored, so it is never resumed into running
 * its steps again.
 *
 * One committer owns a run's counter: a run executes in one process at a time.
 */
import { repairForStorage, storableText, truncateText, type Failure, type RunEvent, type StepStatus, TERMINAL_RUN } from "../core";
import type { EventBus } from "./event-bus";
import { SeqConflictError, stampEvent, type Change, type CommittedChange, type NewEvent, type RunStore } from "./run-store";

interface Pending {
  change: CommittedChange;
  resolve(): void;
  reject(err: unknown): void;
}

/** Events with their seqs, as they will be stored, and the promise that they are. */
export interface QueuedEvents {
  events: RunEvent[];
  stored: Promise<void>;
}

/** The run's change could not be stored; the committer ended the run as failed (when it could). */
export class RunNotStoredError extends Error {
  constructor(readonly runId: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RunNotStoredError";
  }
}

type Log = (level: "info" | "warn" | "error", message: string) => void;

const OPEN_STEP: ReadonlySet<StepStatus> = new Set(["pending", "queued", "running", "retrying", "awaiting_approval"]);
/** events a caller waits to see stored: the run's end and what waits for a person */
const URGENT: ReadonlySet<string> = new Set(["run.succeeded", "run.failed", "run.cancelled", "run.awaiting_approval", "step.awaiting_approval", "step.approved", "step.rejected", "run.replanned", "run.replan_proposed", "run.replan_rejected"]);

export class Committer {
  private queue: Pending[] = [];
  private flushing = false;
  private readonly seqs = new Map<string, number>();
  /** runs whose end is being written after their change could not be */
  private readonly closing = new Map<string, Promise<void>>();
  private readonly drainWaiters: (() => void)[] = [];

  /** the last transactions' time, averaged: the window grows with it */
  private applyMs = 0;
  /** a change someone waits for (a run's end, an approval) is queued: write without waiting */
  private urgent = false;
  /** ends the current wait at once */
  private wake?: () => void;

  /**
   * Group commit with an adaptive window. Changes that arrive together (steps of one stage
   * finishing within a few ms, a chain of quick steps) are gathered for `windowMs`, or twice
   * as long as the last transactions took when that is longer (at most `maxWindowMs`), before
   * they are written, and again between transactions. So writing costs at most about a third
   * of the thread, whatever a transaction costs: on the embedded database a transaction holds
   * the thread, and a chain of steps in step workers, which needs the thread for each step,
   * would otherwise be written step by step. A change that ends a run or waits for a person
   * is written without waiting.
   */
  constructor(
    private readonly store: RunStore,
    private readonly bus: EventBus,
    private readonly windowMs = 2,
    private readonly maxBatch = 500,
    private readonly log: Log = () => undefined,
    /** replaces secret values in each event before it is queued: what is stored and published never holds one */
    private readonly redact: <T>(value: T) => T = (value) => value,
    private readonly maxWindowMs = 25,
  ) {}

  /** Start counting a run's events after `lastSeq` (what the store holds now). */
  track(runId: string, lastSeq: number): void {
    // Never backwards: events of this run may still be in flight past what the store holds.
    this.seqs.set(runId, Math.max(lastSeq, this.seqs.get(runId) ?? 0));
  }

  untrack(runId: string): void {
    this.seqs.delete(runId);
  }

  /** Resolves once nothing is being written for the run on the committer's own account (its failed end). */
  settled(runId: string): Promise<void> {
    return this.closing.get(runId) ?? Promise.resolve();
  }

  /**
   * Gives the events their seqs and time now, and queues them. Throws when the run is not
   * tracked (a failed batch spent its seqs): nothing of it may be written here any more.
   */
  commit(change: Change): QueuedEvents {
    const last = this.seqs.get(change.runId);
    if (last === undefined) throw new Error(`run ${change.runId} is not tracked by this committer`);
    const at = new Date().toISOString();
    let seq = last;
    const events = change.events.map((e) => stampEvent(repairForStorage(this.redact(e)), ++seq, change.runId, at));
    this.seqs.set(change.runId, seq);
    const stored = new Promise<void>((resolve, reject) => {
      this.queue.push({ change: { runId: change.runId, events }, resolve, reject });
      if (events.some((e) => URGENT.has(e.type))) {
        this.urgent = true;
        this.wake?.();
      }
      if (!this.flushing) {
        this.flushing = true;
        void this.flush();
      }
    });
    return { events, stored };
  }

  /** Resolves once everything queued so far, and whatever was queued meanwhile, is written (or refused). */
  drained(): Promise<void> {
    if (!this.flushing && !this.queue.length) return Promise.resolve();
    return new Promise<void>((resolve) => this.drainWaiters.push(resolve)).then(() => this.drained());
  }

  private async flush(): Promise<void> {
    try {
      await this.gather();
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        if (!this.queue.length) this.urgent = false;
        const t0 = performance.now();
        try {
          await this.store.apply(batch.map((p) => p.change));
        } catch (err) {
          await this.isolate(batch, err);
          continue;
        }
        this.applyMs = this.applyMs * 0.7 + (performance.now() - t0) * 0.3;
        this.settle(batch);
        if (this.queue.length && this.queue.length < this.maxBatch) await this.gather();
      }
    } finally {
      this.flushing = false;
      for (const resolve of this.drainWaiters.splice(0)) resolve();
    }
  }

  /** Waits for more changes to join the next transaction, unless one is urgent. */
  private gather(): Promise<void> {
    if (this.urgent) return Promise.resolve();
    const ms = Math.min(this.maxWindowMs, Math.max(this.windowMs, 2 * this.applyMs));
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private settle(done: Pending[]) {
    for (const p of done) this.bus.publish(p.change.events);
    for (const p of done) p.resolve();
  }

  /**
   * Nothing of the failed batch was written. Each run's changes are written on their own
   * (a second try for all of them), then, for a run that still fails, change by change: what
   * comes before the change that cannot be written is stored, and the run ends there.
   */
  private async isolate(batch: Pending[], batchErr: unknown): Promise<void> {
    const byRun = new Map<string, Pending[]>();
    for (const p of batch) byRun.set(p.change.runId, [...(byRun.get(p.change.runId) ?? []), p]);
    for (const [runId, pending] of byRun) {
      let err = batchErr;
      if (byRun.size > 1) {
        try {
          await this.store.apply(pending.map((p) => p.change));
          this.settle(pending);
          continue;
        } catch (e) {
          err = e;
        }
      }
      if (err instanceof SeqConflictError) {
        this.drop(runId, pending, err);
        continue;
      }
      let i = 0;
      for (; i < pending.length; i++) {
        try {
          await this.store.apply([pending[i].change]);
        } catch (e) {
          err = e;
          break;
        }
        this.settle([pending[i]]);
      }
      if (i === pending.length) continue; // it went through this time
      if (err instanceof SeqConflictError) this.drop(runId, pending.slice(i), err);
      else await this.end(runId, pending.slice(i), err);
    }
  }

  /** Stops writing the run here: its pending changes and those queued after them are refused. */
  private stopRun(runId: string, failed: Pending[]): Pending[] {
    this.seqs.delete(runId);
    const later = this.queue.filter((p) => p.change.runId === runId);
    if (later.length) this.queue = this.queue.filter((p) => p.change.runId !== runId);
    return [...failed, ...later];
  }

  /** Another engine writes the run now (or the database is out of reach): it resumes from what is stored. */
  private drop(runId: string, failed: Pending[], err: unknown) {
    for (const p of this.stopRun(runId, failed)) p.reject(err);
  }

  /**
   * The run's change cannot be written. Ends the run as failed in its place, so that it is not
   * resumed to run its steps again: the step the change is about fails, the steps still going
   * are cancelled, the others skipped. If even that cannot be written, the database is what
   * fails; the run is dropped and resumes from what is stored.
   */
  private async end(runId: string, failed: Pending[], err: unknown): Promise<void> {
    const refused = this.stopRun(runId, failed);
    const reason = describe(err);
    let release!: () => void;
    this.closing.set(runId, new Promise<void>((resolve) => { release = resolve; }));
    try {
      const events = await this.endEvents(runId, failed[0].change.events, reason);
      if (events.length) {
        await this.store.apply([{ runId, events }]);
        this.bus.publish(events);
      }
      this.log("error", `run ${runId} failed: its events could not be stored (${reason})`);
    } catch (endErr) {
      this.log("error", `run ${runId} stopped: its events could not be stored (${reason}), nor its end (${describe(endErr)})`);
    } finally {
      this.closing.delete(runId);
      release();
    }
    const stopped = new RunNotStoredError(runId, `the events of run ${runId} could not be stored: ${reason}`, { cause: err });
    for (const p of refused) p.reject(stopped);
  }

  private async endEvents(runId: string, refused: RunEvent[], reason: string): Promise<RunEvent[]> {
    const loaded = await this.store.load(runId);
    if (!loaded || TERMINAL_RUN.has(loaded.run.status)) return [];
    const about = refused.find((e) => e.stepId && loaded.steps.some((s) => s.stepId === e.stepId && OPEN_STEP.has(s.status)));
    const blamed = about?.stepId;
    const stepFailure: Failure = about?.type === "step.succeeded"
      ? { code: "output_invalid", message: `The step's output cannot be stored: ${reason}`, retryable: false }
      : { code: "internal", message: `the step's events cannot be stored: ${reason}`, retryable: false };
    const stop = "the run stopped: its events could not be stored";
    const out: NewEvent[] = [];
    let promptTokens = 0, completionTokens = 0, used = false;
    for (const s of loaded.steps) {
      if (s.usage) { used = true; promptTokens += s.usage.promptTokens; completionTokens += s.usage.completionTokens; }
      if (!OPEN_STEP.has(s.status)) continue;
      if (s.stepId === blamed) out.push({ type: "step.failed", stepId: s.stepId, data: { attempt: s.attempts, failure: stepFailure } });
      else if (s.status === "running" || s.status === "retrying") out.push({ type: "step.cancelled", stepId: s.stepId, data: { reason: stop } });
      else out.push({ type: "step.skipped", stepId: s.stepId, data: { reason: stop, ...(blamed ? { cause: blamed } : {}) } });
    }
    const failure: Failure = blamed
      ? { ...stepFailure, message: `step "${blamed}" failed: ${stepFailure.message}` }
      : { code: "internal", message: `the run's events cannot be stored: ${reason}`, retryable: false };
    out.push({ type: "run.failed", data: { failure, ...(used ? { usage: { promptTokens, completionTokens } } : {}) } });
    const at = new Date().toISOString();
    return out.map((e, i) => stampEvent(repairForStorage(e), loaded.run.lastSeq + i + 1, runId, at));
  }
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return storableText(truncateText(text.replace(/\s+/g, " ").trim() || "unknown error", 500));
}
