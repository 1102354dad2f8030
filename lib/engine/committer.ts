/**
 * Group commit. Each change gets its events' seqs at once, from a per-run counter, so
 * the order of the queue is the order of the log; changes queued while a transaction
 * is in flight are written together in the next one, and events are published only
 * after their transaction commits.
 *
 * One committer owns a run's counter: a run executes in one process at a time.
 */
import type { RunEvent } from "../core";
import type { EventBus } from "./event-bus";
import type { Change, CommittedChange, RunStore } from "./run-store";

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

export class Committer {
  private queue: Pending[] = [];
  private flushing = false;
  private readonly seqs = new Map<string, number>();

  /**
   * `windowMs` gathers changes that arrive together (steps of one stage finishing within
   * a few ms) into one transaction; on the embedded database a transaction holds the
   * thread, so writing each alone would delay the others.
   */
  constructor(private readonly store: RunStore, private readonly bus: EventBus, private readonly windowMs = 2, private readonly maxBatch = 500) {}

  /** Start counting a run's events after `lastSeq` (what the store holds now). */
  track(runId: string, lastSeq: number): void {
    // Never backwards: events of this run may still be in flight past what the store holds.
    this.seqs.set(runId, Math.max(lastSeq, this.seqs.get(runId) ?? 0));
  }

  untrack(runId: string): void {
    this.seqs.delete(runId);
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
    const events = change.events.map((e) => ({ ...e, seq: ++seq, runId: change.runId, at }) as RunEvent);
    this.seqs.set(change.runId, seq);
    const stored = new Promise<void>((resolve, reject) => {
      this.queue.push({ change: { runId: change.runId, events }, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setTimeout(() => void this.flush(), this.windowMs);
      }
    });
    return { events, stored };
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.store.apply(batch.map((p) => p.change));
      } catch (err) {
        // Nothing of the batch was written; seqs are spent, so the runs cannot go on
        // consistently in this process. They resume from the database on restart.
        for (const p of batch) { this.seqs.delete(p.change.runId); p.reject(err); }
        for (const p of this.queue.splice(0)) p.reject(err);
        continue;
      }
      for (const p of batch) this.bus.publish(p.change.events);
      for (const p of batch) p.resolve();
    }
    this.flushing = false;
  }
}
