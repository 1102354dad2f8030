import { describe, expect, it } from "vitest";
import type { RunEvent } from "./events";
import { emptyRunState, eventPatch, foldRunEvent, foldRunEvents, rowPatches, runFieldsOf, runOutcome, stepFieldsOf, type RowPatches, type RunState } from "./run-state";
import { applyRunEvent, applyRunEvents, emptyRunView, progressText, runProgress } from "./run-view";

const t = (n: number) => new Date(Date.UTC(2026, 10, 22, 0, 0, n)).toISOString();
let seq = 0;
const ev = (e: Omit<RunEvent, "seq" | "runId" | "at">): RunEvent => { seq++; return { seq, runId: "r", at: t(seq), ...e } as RunEvent; };
const STEPS = ["a", "b", "c", "d"];
const failure = (code: "action_error" | "timeout" = "action_error") => ({ code, message: "m", retryable: true });

/** A run through most of what can happen: retries, a fallback, an approval with an edited input, a resume, usage. */
function story(): RunEvent[] {
  seq = 0;
  return [
    ev({ type: "run.queued", data: { planVersionId: "v", inputs: {} } }),
    ev({ type: "step.succeeded", stepId: "d", data: { attempt: 2, output: { reused: true }, usage: { promptTokens: 1, completionTokens: 2 }, reusedFromRunId: "earlier" } }),
    ev({ type: "run.started", data: {} }),
    ev({ type: "step.started", stepId: "a", data: { attempt: 1, input: { x: 1 } } }),
    ev({ type: "step.log", stepId: "a", data: { level: "info", message: "hi" } }),
    ev({ type: "step.progress", stepId: "a", data: { fraction: 0.5 } }),
    ev({ type: "step.retrying", stepId: "a", data: { attempt: 1, delayMs: 10, failure: failure() } }),
    ev({ type: "step.started", stepId: "a", data: { attempt: 2, input: { x: 1 } } }),
    ev({ type: "step.succeeded", stepId: "a", data: { attempt: 2, output: { y: 2 }, usage: { promptTokens: 3, completionTokens: 4 } } }),
    ev({ type: "step.started", stepId: "b", data: { attempt: 1, input: { z: 1 } } }),
    // the process stopped here; another one resumes the run
    ev({ type: "run.started", data: { resumed: true, interrupted: ["b"] } }),
    ev({ type: "step.started", stepId: "b", data: { attempt: 2, input: { z: 1 } } }),
    ev({ type: "step.failed", stepId: "b", data: { attempt: 2, failure: failure("timeout"), usedFallback: true, output: { fallback: 1 } } }),
    ev({ type: "step.awaiting_approval", stepId: "c", data: { input: { send: "draft" } } }),
    ev({ type: "run.awaiting_approval", data: { steps: ["c"] } }),
    ev({ type: "step.approved", stepId: "c", data: { by: "ana", input: { send: "final" } } }),
    ev({ type: "step.started", stepId: "c", data: { attempt: 1, input: { send: "final" } } }),
    ev({ type: "step.succeeded", stepId: "c", data: { attempt: 1, output: { sent: true } } }),
    ev({ type: "step.undone", stepId: "c", data: { ok: true } }),
    ev({ type: "run.succeeded", data: { outputs: { sent: true }, usage: { promptTokens: 4, completionTokens: 6 } } }),
  ];
}

const rowsOf = (s: RunState) => ({ lastSeq: s.lastSeq, ...runFieldsOf(s), steps: Object.fromEntries(Object.entries(s.steps).map(([id, step]) => [id, stepFieldsOf(step)])) });

/** What the store does with a batch: the merged patches applied to the rows at once. */
function applyBatch(state: RunState, p: RowPatches): RunState {
  const next: RunState = { ...state, ...p.run, lastSeq: Math.max(state.lastSeq, p.lastSeq), steps: { ...state.steps } };
  for (const [id, patch] of p.steps) next.steps[id] = { ...next.steps[id], ...patch };
  return next;
}

describe("run state", () => {
  it("folding the events one by one, in batches or as a viewer gives the same rows", () => {
    const events = story();
    const one = foldRunEvents(emptyRunState("r", STEPS), events);
    expect(rowsOf(applyRunEvents(emptyRunView("r", STEPS), events))).toEqual(rowsOf(one));
    // Every split into two batches, and batches of every size, as group commit may cut them.
    for (let cut = 0; cut <= events.length; cut++) {
      const twice = applyBatch(applyBatch(emptyRunState("r", STEPS), rowPatches(events.slice(0, cut))), rowPatches(events.slice(cut)));
      expect(rowsOf(twice), `cut at ${cut}`).toEqual(rowsOf(one));
    }
    for (let size = 1; size <= events.length; size++) {
      let s = emptyRunState("r", STEPS);
      for (let i = 0; i < events.length; i += size) s = applyBatch(s, rowPatches(events.slice(i, i + size)));
      expect(rowsOf(s), `batches of ${size}`).toEqual(rowsOf(one));
    }
  });

  it("ends with every row field the events say", () => {
    const s = foldRunEvents(emptyRunState("r", STEPS), story());
    expect(runFieldsOf(s)).toEqual({ status: "succeeded", startedAt: t(3), finishedAt: t(20), outputs: { sent: true }, failure: null, usage: { promptTokens: 4, completionTokens: 6 }, rejected: false, partial: true });
    expect(stepFieldsOf(s.steps.a)).toEqual({ status: "succeeded", attempts: 2, input: { x: 1 }, output: { y: 2 }, failure: null, usage: { promptTokens: 3, completionTokens: 4 }, approval: null, reusedFromRunId: null, startedAt: t(4), finishedAt: t(9) });
    expect(stepFieldsOf(s.steps.b)).toMatchObject({ status: "failed", attempts: 2, output: { fallback: 1 }, failure: { code: "timeout" }, startedAt: t(10), finishedAt: t(13) });
    expect(stepFieldsOf(s.steps.c)).toMatchObject({ status: "succeeded", input: { send: "final" }, approval: { decision: "approved", by: "ana", input: { send: "final" }, at: t(16) } });
    expect(stepFieldsOf(s.steps.d)).toEqual({ status: "succeeded", attempts: 2, input: null, output: { reused: true }, failure: null, usage: { promptTokens: 1, completionTokens: 2 }, approval: null, reusedFromRunId: "earlier", startedAt: null, finishedAt: t(2) });
  });

  it("an approval queues the step and puts a waiting run back to running", () => {
    const events = story();
    const at = events.findIndex((e) => e.type === "step.approved");
    const before = foldRunEvents(emptyRunState("r", STEPS), events.slice(0, at));
    expect(before.status).toBe("awaiting_approval");
    const after = foldRunEvent(before, events[at]);
    expect(after.status).toBe("running");
    expect(after.steps.c).toMatchObject({ status: "queued", approval: { decision: "approved", input: { send: "final" } } });
  });

  it("a rejection puts a waiting run back to running and records who decided", () => {
    seq = 0;
    const events = [
      ev({ type: "run.started", data: {} }),
      ev({ type: "step.awaiting_approval", stepId: "a", data: { input: 1 } }),
      ev({ type: "run.awaiting_approval", data: { steps: ["a"] } }),
      ev({ type: "step.rejected", stepId: "a", data: { by: "bo", comment: "no" } }),
    ];
    const s = applyRunEvents(emptyRunView("r", STEPS), events);
    expect(s.status).toBe("running");
    expect(s.steps.a).toMatchObject({ status: "awaiting_approval", approval: { decision: "rejected", by: "bo", comment: "no", at: t(4) } });
  });

  it("a resume puts interrupted steps back to pending and keeps the run's first start", () => {
    const events = story();
    const at = events.findIndex((e) => e.type === "run.started" && e.data?.resumed);
    const s = foldRunEvents(emptyRunState("r", STEPS), events.slice(0, at + 1));
    expect(s.status).toBe("running");
    expect(s.startedAt).toBe(t(3));
    expect(s.steps.b).toMatchObject({ status: "pending", attempts: 1, startedAt: t(10) });
    expect(s.steps.a.status).toBe("succeeded");
  });

  it("a step's start clears an earlier finish, and a later attempt keeps the first start", () => {
    seq = 0;
    const s = foldRunEvents(emptyRunState("r", ["a"]), [
      ev({ type: "step.started", stepId: "a", data: { attempt: 1, input: 1 } }),
      ev({ type: "step.retrying", stepId: "a", data: { attempt: 1, delayMs: 5, failure: failure() } }),
      ev({ type: "step.started", stepId: "a", data: { attempt: 2, input: 1 } }),
    ]);
    expect(s.steps.a).toMatchObject({ status: "running", attempts: 2, startedAt: t(1), finishedAt: null, failure: { code: "action_error" } });
  });

  it("events of what only a viewer shows change no row", () => {
    seq = 0;
    for (const e of [ev({ type: "step.log", stepId: "a", data: { level: "info", message: "x" } }), ev({ type: "step.progress", stepId: "a", data: { fraction: 1 } }), ev({ type: "step.undone", stepId: "a", data: { ok: true } })]) {
      expect(eventPatch(e)).toEqual({});
    }
  });

  it("a patch never holds undefined: a field an event does not set is absent", () => {
    for (const e of story()) {
      const p = eventPatch(e);
      for (const fields of [p.run ?? {}, ...(p.steps ?? []).map((s) => s.patch)]) {
        for (const [k, v] of Object.entries(fields)) expect(v, `${e.type}.${k}`).not.toBeUndefined();
      }
    }
  });

  it("a viewer's state is never changed in place", () => {
    const events = story();
    let s = emptyRunView("r", STEPS);
    for (const e of events) {
      const frozen = JSON.stringify(s);
      const next = applyRunEvent(s, e);
      expect(JSON.stringify(s)).toBe(frozen);
      if (next.steps !== s.steps) for (const id of STEPS) if (next.steps[id] !== s.steps[id]) expect(e.stepId === id || e.type === "run.started").toBe(true);
      s = next;
    }
    expect(s.steps.a.logs).toHaveLength(1);
    expect(s.steps.a.progress).toEqual({ fraction: 1 });
    expect(s.steps.b).toMatchObject({ usedFallback: true });
    expect(s.steps.c.undone).toEqual({ ok: true });
  });
});

describe("run outcome", () => {
  /** A person rejects "b"; "c" depends on it and is skipped; "a" and "d" succeed; the run succeeds. */
  function rejected(): RunEvent[] {
    seq = 0;
    return [
      ev({ type: "run.queued", data: { planVersionId: "v", inputs: {} } }),
      ev({ type: "run.started", data: {} }),
      ev({ type: "step.started", stepId: "a", data: { attempt: 1, input: {} } }),
      ev({ type: "step.succeeded", stepId: "a", data: { attempt: 1, output: 1 } }),
      ev({ type: "step.awaiting_approval", stepId: "b", data: { input: { path: "out.md" } } }),
      ev({ type: "run.awaiting_approval", data: { steps: ["b"] } }),
      ev({ type: "step.rejected", stepId: "b", data: { by: "ana", comment: "wrong numbers" } }),
      ev({ type: "step.skipped", stepId: "b", data: { reason: "rejected by a person", cause: "b" } }),
      ev({ type: "step.skipped", stepId: "c", data: { reason: '"b" did not produce an output', cause: "b" } }),
      ev({ type: "step.started", stepId: "d", data: { attempt: 1, input: {} } }),
      ev({ type: "step.succeeded", stepId: "d", data: { attempt: 1, output: 2 } }),
      ev({ type: "run.succeeded", data: { outputs: {} } }),
    ];
  }

  it("a run in which a person rejected a step succeeds with rejections, in the rows, every batch and the viewers' fold", () => {
    const events = rejected();
    const one = foldRunEvents(emptyRunState("r", STEPS), events);
    expect(runFieldsOf(one)).toMatchObject({ status: "succeeded", rejected: true, partial: true });
    expect(runOutcome(one)).toBe("with_rejections");
    expect(runOutcome(applyRunEvents(emptyRunView("r", STEPS), events))).toBe("with_rejections");
    for (let cut = 0; cut <= events.length; cut++) {
      const twice = applyBatch(applyBatch(emptyRunState("r", STEPS), rowPatches(events.slice(0, cut))), rowPatches(events.slice(cut)));
      expect(rowsOf(twice), `cut at ${cut}`).toEqual(rowsOf(one));
    }
    // the person's decision stays on the step, for the run page's banner
    expect(one.steps.b.approval).toMatchObject({ decision: "rejected", by: "ana", comment: "wrong numbers" });
  });

  it("a run that went on without a step's output is partial; one that did not is clean", () => {
    seq = 0;
    const fallback = foldRunEvents(emptyRunState("r", ["a"]), [
      ev({ type: "step.failed", stepId: "a", data: { attempt: 1, failure: failure(), usedFallback: true, output: 0 } }),
      ev({ type: "run.succeeded", data: { outputs: {} } }),
    ]);
    expect(runOutcome(fallback)).toBe("partial");
    seq = 0;
    const clean = foldRunEvents(emptyRunState("r", ["a", "b"]), [
      ev({ type: "step.succeeded", stepId: "a", data: { attempt: 1, output: 0 } }),
      // a dry run's own skip is what it was asked for
      ev({ type: "step.skipped", stepId: "b", data: { reason: "dry run", dryRun: { effect: "write", wouldRun: true } } }),
      ev({ type: "run.succeeded", data: { outputs: {} } }),
    ]);
    expect(runFieldsOf(clean)).toMatchObject({ rejected: false, partial: false });
    expect(runOutcome(clean)).toBe("clean");
  });

  it("only a succeeded run has an outcome; a rejection that failed the run is said by its status", () => {
    seq = 0;
    const s = foldRunEvents(emptyRunState("r", ["a"]), [
      ev({ type: "step.rejected", stepId: "a", data: { by: "bo" } }),
      ev({ type: "step.failed", stepId: "a", data: { attempt: 0, failure: { code: "rejected", message: "no", retryable: false } } }),
      ev({ type: "run.failed", data: { failure: { code: "rejected", message: "no", retryable: false } } }),
    ]);
    expect(s.rejected).toBe(true);
    expect(runOutcome(s)).toBeNull();
    expect(runOutcome({ status: "running" })).toBeNull();
  });

  it("progress counts done, failed, skipped and cancelled steps apart", () => {
    const done = applyRunEvents(emptyRunView("r", STEPS), rejected());
    expect(runProgress(done)).toEqual({ total: 4, done: 2, failed: 0, skipped: 2, cancelled: 0 });
    expect(progressText(runProgress(done))).toBe("2 of 4 steps done · 2 skipped");
    seq = 0;
    const cancelled = applyRunEvents(emptyRunView("r", ["a", "b"]), [
      ev({ type: "run.started", data: {} }),
      ev({ type: "step.started", stepId: "a", data: { attempt: 1, input: {} } }),
      ev({ type: "step.cancelled", stepId: "a", data: { reason: "cancelled by a person" } }),
      ev({ type: "step.cancelled", stepId: "b", data: { reason: "cancelled by a person" } }),
      ev({ type: "run.cancelled", data: {} }),
    ]);
    expect(progressText(runProgress(cancelled))).toBe("0 of 2 steps done · 2 cancelled");
  });
});
