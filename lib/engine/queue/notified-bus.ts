/**
 * The event bus of a process in queue mode: events committed by any process (a worker running
 * a step, another web server) reach the subscribers here. A notification says which seqs of
 * which run were committed; the events themselves are read from the log, after the last one
 * delivered here, so a subscriber gets every event once, in order, whoever wrote it.
 *
 * Why PostgreSQL LISTEN/NOTIFY and not Redis pub/sub: a notification is sent when the transaction
 * that stored the events commits, never before and never for a change rolled back, and in commit
 * order; the payload stays a few bytes whatever the events hold (outputs can be large); and the
 * log is read back, so a notification missed while a connection was reopened is caught up by the
 * next one of the run, or at the reconnect.
 */
import type { RunEvent } from "../../core";
import { InProcessEventBus, type EventBus, type Unsubscribe } from "../event-bus";

export class NotifiedEventBus implements EventBus {
  private readonly local = new InProcessEventBus();
  private readonly subscribers = new Map<string, number>();
  private allSubscribers = 0;
  /** per run: the last seq delivered here, while somebody listens */
  private readonly delivered = new Map<string, number>();
  /** per run: the read in progress, so reads of one run are delivered in order */
  private readonly reading = new Map<string, Promise<void>>();

  constructor(private readonly read: (runId: string, afterSeq: number) => Promise<RunEvent[]>, private readonly log: (level: "warn", message: string) => void = () => undefined) {}

  /** Events this process committed: delivered at once (their notification then finds nothing new). */
  publish(events: readonly RunEvent[]): void {
    const fresh = events.filter((e) => e.seq > (this.delivered.get(e.runId) ?? 0));
    for (const e of fresh) if (this.allSubscribers || this.subscribers.has(e.runId)) this.delivered.set(e.runId, e.seq);
    this.local.publish(fresh);
  }

  subscribe(runId: string, listener: (event: RunEvent) => void): Unsubscribe {
    this.subscribers.set(runId, (this.subscribers.get(runId) ?? 0) + 1);
    const off = this.local.subscribe(runId, listener);
    return () => {
      off();
      const n = (this.subscribers.get(runId) ?? 1) - 1;
      if (n > 0) this.subscribers.set(runId, n);
      else { this.subscribers.delete(runId); if (!this.allSubscribers) this.delivered.delete(runId); }
    };
  }

  subscribeAll(listener: (event: RunEvent) => void): Unsubscribe {
    this.allSubscribers++;
    const off = this.local.subscribeAll(listener);
    return () => { off(); this.allSubscribers--; };
  }

  /** A notification of the events channel: `{"r": runId, "f": first seq, "t": last seq}`. */
  notified(payload: string): void {
    let n: { r: string; f: number; t: number };
    try { n = JSON.parse(payload); } catch { return; }
    if (typeof n?.r !== "string" || !Number.isInteger(n.f) || !Number.isInteger(n.t)) return;
    if (!this.allSubscribers && !this.subscribers.has(n.r)) return;
    this.catchUp(n.r, n.f - 1, n.t);
  }

  /** After a reconnect: every run somebody listens to is read again from its last delivered event. */
  reconnected(): void {
    for (const runId of this.subscribers.keys()) this.catchUp(runId, this.delivered.get(runId) ?? 0, Infinity);
  }

  private catchUp(runId: string, from: number, to: number): void {
    const prev = this.reading.get(runId) ?? Promise.resolve();
    const next = prev.then(async () => {
      const after = this.delivered.get(runId) ?? from;
      if (after >= to) return;
      const events = await this.read(runId, after);
      if (!events.length) return;
      this.delivered.set(runId, events[events.length - 1].seq);
      this.local.publish(events);
    }).catch((err) => this.log("warn", `reading the events of run ${runId} failed: ${(err as Error).message}`));
    this.reading.set(runId, next);
    void next.finally(() => { if (this.reading.get(runId) === next) this.reading.delete(runId); });
  }
}
