/**
 * Group commit: changes queued in the same tick are written in one transaction, in
 * queue order, and their events published only after the commit.
 */
import type { RunEvent } from "../core";
import type { EventBus } from "./event-bus";
import type { Change, RunStore } from "./run-store";

interface Pending {
  change: Change;
  resolve(events: RunEvent[]): void;
  reject(err: unknown): void;
}

export class Committer {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly store: RunStore, private readonly bus: EventBus, private readonly maxBatch = 256) {}

  commit(change: Change): Promise<RunEvent[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ change, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const results = await this.store.apply(batch.map((p) => p.change));
        for (const events of results) this.bus.publish(events);
        batch.forEach((p, i) => p.resolve(results[i]));
      } catch (err) {
        // One bad change must not sink the others: retry them one by one.
        if (batch.length === 1) batch[0].reject(err);
        else {
          for (const p of batch) {
            try {
              const [events] = await this.store.apply([p.change]);
              this.bus.publish(events);
              p.resolve(events);
            } catch (e) {
              p.reject(e);
            }
          }
        }
      }
    }
    this.flushing = false;
  }
}
