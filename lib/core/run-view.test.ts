import { describe, expect, it } from "vitest";
import type { RunEvent } from "./events";
import { applyRunEvent, applyRunEvents, emptyStepView, runProgress, type RunView } from "./run-view";

const at = "2026-11-22T00:00:00.000Z";
const base = (): RunView => ({ id: "r", status: "queued", lastSeq: 1, steps: { a: emptyStepView(), b: emptyStepView() } });
const ev = (seq: number, e: Omit<RunEvent, "seq" | "runId" | "at">): RunEvent => ({ seq, runId: "r", at, ...e }) as RunEvent;

describe("run view", () => {
  const events: RunEvent[] = [
    ev(2, { type: "run.started", data: {} }),
    ev(3, { type: "step.started", stepId: "a", data: { attempt: 1, input: { x: 1 } } }),
    ev(4, { type: "step.retrying", stepId: "a", data: { attempt: 1, delayMs: 10, failure: { code: "action_error", message: "m", retryable: true } } }),
    ev(5, { type: "step.started", stepId: "a", data: { attempt: 2, input: { x: 1 } } }),
    ev(6, { type: "step.succeeded", stepId: "a", data: { attempt: 2, output: { y: 2 } } }),
    ev(7, { type: "step.failed", stepId: "b", data: { attempt: 1, failure: { code: "timeout", message: "slow", retryable: true } } }),
    ev(8, { type: "run.failed", data: { failure: { code: "timeout", message: "slow", retryable: true } } }),
  ];

  it("follows a run through retries to its end", () => {
    const s = applyRunEvents(base(), events);
    expect(s.status).toBe("failed");
    expect(s.lastSeq).toBe(8);
    expect(s.steps.a).toMatchObject({ status: "succeeded", attempts: 2, output: { y: 2 }, failure: null });
    expect(s.steps.b).toMatchObject({ status: "failed", failure: { code: "timeout" } });
    expect(runProgress(s)).toEqual({ total: 2, done: 1, failed: 1, skipped: 0, cancelled: 0 });
  });

  it("ignores duplicates and events of other runs, whatever the order they arrive in", () => {
    const once = applyRunEvents(base(), events);
    const twice = applyRunEvents(once, events);
    expect(twice).toBe(once);
    expect(applyRunEvents(base(), [...events].reverse())).toEqual(once);
    expect(applyRunEvent(base(), { ...events[0], runId: "other" })).toEqual(base());
  });

  it("an approval queues the step and puts the run back to running, as the stored rows say", () => {
    const waiting = applyRunEvents(base(), [
      ev(2, { type: "run.started", data: {} }),
      ev(3, { type: "step.awaiting_approval", stepId: "a", data: { input: { x: 1 } } }),
      ev(4, { type: "run.awaiting_approval", data: { steps: ["a"] } }),
    ]);
    expect(waiting.status).toBe("awaiting_approval");
    const approved = applyRunEvent(waiting, ev(5, { type: "step.approved", stepId: "a", data: { by: "ana", input: { x: 2 } } }));
    expect(approved.status).toBe("running");
    expect(approved.steps.a).toMatchObject({ status: "queued", input: { x: 1 }, approval: { decision: "approved", by: "ana", input: { x: 2 }, at } });
    expect(waiting.steps.a.status).toBe("awaiting_approval");
  });
});
