/** Publishes committed run events to subscribers. In-process now; a queue can stand behind the same interface. */
import type { RunEvent } from "../core";

export type Unsubscribe = () => void;

export interface EventBus {
  publish(events: readonly RunEvent[]): void;
  subscribe(runId: string, listener: (event: RunEvent) => void): Unsubscribe;
  /** every event of every run (the run list, metrics) */
  subscribeAll(listener: (event: RunEvent) => void): Unsubscribe;
}

export class InProcessEventBus implements EventBus {
  private readonly byRun = new Map<string, Set<(e: RunEvent) => void>>();
  private readonly all = new Set<(e: RunEvent) => void>();

  publish(events: readonly RunEvent[]): void {
    for (const e of events) {
      for (const l of this.byRun.get(e.runId) ?? []) safeCall(l, e);
      for (const l of this.all) safeCall(l, e);
    }
  }

  subscribe(runId: string, listener: (event: RunEvent) => void): Unsubscribe {
    let set = this.byRun.get(runId);
    if (!set) { set = new Set(); this.byRun.set(runId, set); }
    set.add(listener);
    return () => {
      set!.delete(listener);
      if (set!.size === 0) this.byRun.delete(runId);
    };
  }

  subscribeAll(listener: (event: RunEvent) => void): Unsubscribe {
    this.all.add(listener);
    return () => { this.all.delete(listener); };
  }
}

function safeCall(listener: (e: RunEvent) => void, event: RunEvent) {
  // A subscriber that throws must not stop the engine or other subscribers.
  try { listener(event); } catch { /* the subscriber's problem */ }
}
