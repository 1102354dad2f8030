/** Collects planning events with their times and hands each to the listener as it happens. */
import type { PlanningEvent } from "../core/events";

type DataOf<T extends PlanningEvent["type"]> = Extract<PlanningEvent, { type: T }>["data"];

export class PlanningLog {
  readonly events: PlanningEvent[] = [];
  private readonly started = Date.now();

  constructor(private readonly listener?: (event: PlanningEvent) => void) {}

  emit<T extends PlanningEvent["type"]>(type: T, data: DataOf<T>, options: { store?: boolean } = {}): void {
    const event = { type, at: new Date().toISOString(), data } as PlanningEvent;
    // Progress ticks go to the listener only; the stored record keeps what happened, not every tick.
    if (options.store !== false) this.events.push(event);
    try {
      this.listener?.(event);
    } catch {
      // A listener that fails (a closed stream) must not stop planning.
    }
  }

  elapsed(): number {
    return Date.now() - this.started;
  }
}
