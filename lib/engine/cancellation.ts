/**
 * The cancellation of a run that no executor runs (its process stopped mid-run, or it waits
 * for a person): the events an executor writes when it is cancelled, made from the stored run
 * alone. Every open step ends cancelled, in plan order, then the run; no step starts again.
 */
import type { StepStatus } from "../core";
import type { LoadedRun, NewEvent } from "./run-store";

const OPEN: ReadonlySet<StepStatus> = new Set(["pending", "queued", "running", "retrying", "awaiting_approval"]);

export function cancellationEvents(loaded: LoadedRun, reason: string): NewEvent[] {
  const position = new Map(loaded.plan.steps.map((s, i) => [s.id, i]));
  const steps = [...loaded.steps].sort((a, b) => (position.get(a.stepId) ?? Infinity) - (position.get(b.stepId) ?? Infinity));
  const events: NewEvent[] = [];
  let promptTokens = 0, completionTokens = 0, used = false;
  for (const s of steps) {
    if (s.usage) { used = true; promptTokens += s.usage.promptTokens; completionTokens += s.usage.completionTokens; }
    if (OPEN.has(s.status)) events.push({ type: "step.cancelled", stepId: s.stepId, data: { reason } });
  }
  events.push({ type: "run.cancelled", data: { reason, ...(used ? { usage: { promptTokens, completionTokens } } : {}) } });
  return events;
}
