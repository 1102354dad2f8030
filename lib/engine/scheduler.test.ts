/**
 * The run executor's ready queue on graphs where a scheduler that visits only the dependents of
 * what finished could drop a step or run one twice: every step that may run runs exactly once,
 * after all it depends on, and every step that may not is skipped, naming the root cause.
 */
import { describe, expect, it } from "vitest";
import { defineAction, type Plan, type RunEvent, type Step } from "../core";
import { z } from "zod";
import { makeHarness } from "../../tests/support/engine-harness";
import { engineKinds, engineSuite } from "../../tests/support/engine-suite";
import { testActions, type Probe } from "../../tests/support/engine-actions";
import { lit } from "../../tests/support/bindings";

const ref = (step: string, ...path: string[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "test", flows: [], inputs: [], outputs: {}, steps, ...extra });
const add = (id: string, a: unknown, b: unknown, extra: Partial<Step> = {}): Step => ({ id, action: "test.add", inputs: { a: typeof a === "number" ? lit(a) : (a as never), b: typeof b === "number" ? lit(b) : (b as never) }, ...extra });

/** How many times each step's action ran to its end, by step id. */
const calls = (probe: Probe) => Object.fromEntries([...probe.calls].sort(([a], [b]) => a.localeCompare(b)));

/** seq of a step's event of the given type (it must have exactly one). */
function seqOf(events: RunEvent[], type: RunEvent["type"], stepId: string): number {
  const found = events.filter((e) => e.type === type && e.stepId === stepId);
  expect(found, `${type} of ${stepId}`).toHaveLength(1);
  return found[0].seq;
}

/** The most steps that were started and had not ended at once, read from the log. */
function peakConcurrency(events: RunEvent[]): number {
  let now = 0, peak = 0;
  for (const e of events) {
    if (e.type === "step.started") peak = Math.max(peak, ++now);
    else if (e.type === "step.succeeded" || e.type === "step.failed" || e.type === "step.cancelled") now--;
  }
  return peak;
}

describe.each(engineKinds)("ready-queue scheduler on %s", (kind) => {
  const t = engineSuite(kind, { closeEngineAfterEach: true });
  const { statuses } = t;

  it("runs a diamond once per step, the join after both branches, whatever order the plan lists them in", async () => {
    // The join comes first in the plan and the root last: scheduling follows the graph, not the list.
    const v = await t.h.savePlan(plan([
      add("d", ref("b", "sum"), ref("c", "sum")),
      add("b", ref("a", "sum"), 1),
      add("c", ref("a", "sum"), 2),
      add("a", 1, 1),
    ], { outputs: { total: ref("d", "sum") } }));
    for (const concurrency of [1, 8]) {
      t.probe.calls.clear();
      const done = await t.h.engine.run({ planVersionId: v, options: { concurrency } });
      expect(done.run.status).toBe("succeeded");
      expect(done.run.outputs).toEqual({ total: 7 });
      expect(calls(t.probe)).toEqual({ a: 1, b: 1, c: 1, d: 1 });
      const events = await t.h.store.events(done.run.id);
      expect(seqOf(events, "step.started", "d")).toBeGreaterThan(Math.max(seqOf(events, "step.succeeded", "b"), seqOf(events, "step.succeeded", "c")));
      expect(seqOf(events, "step.started", "b")).toBeGreaterThan(seqOf(events, "step.succeeded", "a"));
      if (concurrency === 1) {
        // One at a time, ready steps start in plan order.
        expect(events.filter((e) => e.type === "step.started").map((e) => e.stepId)).toEqual(["a", "b", "c", "d"]);
      }
    }
  });

  it("fan-in under the continue policy: a join on a failed branch is skipped, its dependents name the root cause, the rest runs once", async () => {
    const v = await t.h.savePlan(plan([
      add("root", 1, 1),
      add("b1", ref("root", "sum"), 1),
      { id: "b2", action: "test.fail", inputs: {}, after: ["root"] },
      add("b3", ref("root", "sum"), 3),
      add("b4", ref("root", "sum"), 4),
      // joins every branch: b2 failed, so it cannot run
      { id: "join", action: "test.noop", inputs: { value: ref("b2") }, after: ["b1", "b3", "b4"] },
      // depends on the skipped join only: its root cause is still b2
      { id: "after_join", action: "test.noop", inputs: { value: ref("join") } },
      { id: "after_join_too", action: "test.noop", inputs: {}, after: ["after_join"] },
      // joins only the branches that succeeded
      add("partial_join", ref("b1", "sum"), ref("b3", "sum"), { after: ["b4"] }),
    ]));
    const done = await t.h.engine.run({ planVersionId: v, options: { failurePolicy: "continue", concurrency: 3 } });
    expect(done.run.status).toBe("failed");
    expect(done.run.failure!.message).toContain('step "b2" failed');
    expect(await statuses(done.run.id)).toEqual({ root: "succeeded", b1: "succeeded", b2: "failed", b3: "succeeded", b4: "succeeded", join: "skipped", after_join: "skipped", after_join_too: "skipped", partial_join: "succeeded" });
    expect(calls(t.probe)).toEqual({ root: 1, b1: 1, b2: 1, b3: 1, b4: 1, partial_join: 1 });
    const events = await t.h.store.events(done.run.id);
    const skipped = events.filter((e): e is Extract<RunEvent, { type: "step.skipped" }> => e.type === "step.skipped");
    expect(skipped.map((e) => [e.stepId, e.data.cause])).toEqual([["join", "b2"], ["after_join", "b2"], ["after_join_too", "b2"]]);
    for (const e of skipped) expect(events.filter((x) => x.stepId === e.stepId && x.type !== "step.skipped"), `${e.stepId} never started`).toEqual([]);
    expect(peakConcurrency(events)).toBeLessThanOrEqual(3);
  });

  it("a chain listed backwards whose first step fails skips every later step once, each naming the first", async () => {
    const n = 30;
    const steps: Step[] = Array.from({ length: n }, (_, i): Step => (i === 0 ? { id: "s0", action: "test.fail", inputs: {} } : { id: `s${i}`, action: "test.noop", inputs: { value: ref(`s${i - 1}`) } }));
    const v = await t.h.savePlan(plan([...steps].reverse()));
    const done = await t.h.engine.run({ planVersionId: v, options: { failurePolicy: "continue" } });
    expect(done.run.status).toBe("failed");
    const events = await t.h.store.events(done.run.id);
    const skipped = events.filter((e): e is Extract<RunEvent, { type: "step.skipped" }> => e.type === "step.skipped");
    // causes before effects: each skip comes after the skip of the step it depends on
    expect(skipped.map((e) => e.stepId)).toEqual(steps.slice(1).map((s) => s.id));
    expect(new Set(skipped.map((e) => e.data.cause))).toEqual(new Set(["s0"]));
    expect(calls(t.probe)).toEqual({ s0: 1 });
  });

  it("after-only dependencies order steps that pass no data, and a failed one skips what waits for it", async () => {
    const v = await t.h.savePlan(plan([
      add("x", 1, 0),
      add("y", 2, 0, { after: ["x"] }),
      add("z", 3, 0, { after: ["x", "y"] }),
      { id: "bad", action: "test.fail", inputs: {}, after: ["x"] },
      add("waits_for_bad", 4, 0, { after: ["z", "bad"] }),
      add("free", 5, 0),
    ]));
    const done = await t.h.engine.run({ planVersionId: v, options: { failurePolicy: "continue" } });
    expect(await statuses(done.run.id)).toEqual({ x: "succeeded", y: "succeeded", z: "succeeded", bad: "failed", waits_for_bad: "skipped", free: "succeeded" });
    expect(calls(t.probe)).toEqual({ x: 1, y: 1, z: 1, bad: 1, free: 1 });
    const events = await t.h.store.events(done.run.id);
    expect(seqOf(events, "step.started", "y")).toBeGreaterThan(seqOf(events, "step.succeeded", "x"));
    expect(seqOf(events, "step.started", "z")).toBeGreaterThan(seqOf(events, "step.succeeded", "y"));
    expect(seqOf(events, "step.skipped", "waits_for_bad")).toBeGreaterThan(seqOf(events, "step.failed", "bad"));
  });

  it("an approval in the middle holds only its dependents; once approved they run once, and a second approval of a diamond join waits for both", async () => {
    const v = await t.h.savePlan(plan([
      add("a", 1, 1),
      { id: "gate1", action: "test.approve_me", inputs: { message: lit("one") }, after: ["a"] },
      { id: "gate2", action: "test.approve_me", inputs: { message: lit("two") }, after: ["a"] },
      { id: "after1", action: "test.noop", inputs: { value: ref("gate1", "sent") } },
      { id: "join", action: "test.noop", inputs: { value: ref("gate2", "sent") }, after: ["after1"] },
      add("side", ref("a", "sum"), 10),
      add("side2", ref("side", "sum"), 10),
    ]));
    const paused = await t.h.engine.run({ planVersionId: v }, { untilApproval: true });
    expect(paused.run.status).toBe("awaiting_approval");
    expect(await statuses(paused.run.id)).toEqual({ a: "succeeded", gate1: "awaiting_approval", gate2: "awaiting_approval", after1: "pending", join: "pending", side: "succeeded", side2: "succeeded" });

    await t.h.engine.approve(paused.run.id, "gate1", { by: "ana" });
    // after1 runs; join still waits for gate2, so the run waits for a person again
    const waiting = await t.h.engine.wait(paused.run.id, { untilApproval: true });
    expect(await statuses(waiting.run.id)).toMatchObject({ gate1: "succeeded", after1: "succeeded", gate2: "awaiting_approval", join: "pending" });

    await t.h.engine.approve(paused.run.id, "gate2", { by: "ana" });
    const done = await t.h.engine.wait(paused.run.id);
    expect(done.run.status).toBe("succeeded");
    expect(calls(t.probe)).toEqual({ a: 1, gate1: 1, gate2: 1, side: 1, side2: 1 });
    const events = await t.h.store.events(done.run.id);
    for (const id of ["a", "gate1", "gate2", "after1", "join", "side", "side2"]) seqOf(events, "step.succeeded", id); // exactly once each
    expect(seqOf(events, "step.started", "join")).toBeGreaterThan(seqOf(events, "step.approved", "gate2"));
  });

  it("a wide fan-out under a concurrency limit runs each step once and never more than the limit at a time", async () => {
    const width = 40;
    const v = await t.h.savePlan(plan([
      add("src", 0, 0),
      ...Array.from({ length: width }, (_, i) => ({ id: `w${i}`, action: "test.sleep", inputs: { ms: lit(i % 3), value: ref("src", "sum") } })),
      { id: "sink", action: "test.noop", inputs: {}, after: Array.from({ length: width }, (_, i) => `w${i}`) },
    ]));
    const done = await t.h.engine.run({ planVersionId: v, options: { concurrency: 4 } });
    expect(done.run.status).toBe("succeeded");
    expect(calls(t.probe)).toEqual(Object.fromEntries([["src", 1], ...Array.from({ length: width }, (_, i) => [`w${i}`, 1])]));
    const events = await t.h.store.events(done.run.id);
    expect(peakConcurrency(events)).toBeLessThanOrEqual(4);
    expect(events.filter((e) => e.type === "step.started")).toHaveLength(width + 2);
  });

  it("a resumed run runs only what had not finished: the step caught running runs again, finished ones never", async () => {
    const steps: Step[] = [
      add("a", 1, 1),
      add("done_side", ref("a", "sum"), 1),
      { id: "slow", action: "test.sleep", inputs: { ms: lit(600_000), value: ref("a", "sum") } },
      add("after_slow", ref("slow", "value"), 1),
      add("after_both", ref("after_slow", "sum"), ref("done_side", "sum")),
    ];
    const v = await t.h.savePlan(plan(steps, { outputs: { total: ref("after_both", "sum") } }));
    const runId = await t.h.engine.start({ planVersionId: v });
    // Wait (for a condition, not a time) until the slow step is stored as running and the others before it are done.
    for (;;) {
      const st = await statuses(runId);
      if (st.slow === "running" && st.done_side === "succeeded") break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await t.h.engine.close(); // this process gives the run up: nothing more is written for it here
    expect(await statuses(runId)).toMatchObject({ a: "succeeded", done_side: "succeeded", slow: "running", after_slow: "pending", after_both: "pending" });

    // Another engine on the same database, whose sleep returns at once, resumes it.
    const fast = defineAction({ id: "test.sleep", title: "Sleep", description: "Returns at once.", effect: "pure", input: z.object({ ms: z.number(), value: z.number().default(0) }), output: z.object({ value: z.number(), at: z.number() }), run: ({ value }, ctx) => { t.probe.calls.set(ctx.stepId, (t.probe.calls.get(ctx.stepId) ?? 0) + 1); return { value, at: Date.now() }; } });
    t.h = makeHarness(t.db, [...testActions(t.probe).filter((a) => a.id !== "test.sleep"), fast]);
    expect(await t.h.engine.resumeAll()).toContain(runId);
    const done = await t.h.engine.wait(runId);
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ total: 6 });
    expect(calls(t.probe)).toEqual({ a: 1, done_side: 1, slow: 1, after_slow: 1, after_both: 1 });
    const events = await t.h.store.events(runId);
    const resumed = events.filter((e) => e.type === "run.started" && e.data?.resumed);
    expect(resumed.map((e) => e.type === "run.started" && e.data?.interrupted)).toEqual([["slow"]]);
    for (const id of ["a", "done_side", "slow", "after_slow", "after_both"]) seqOf(events, "step.succeeded", id);
    expect(events.filter((e) => e.type === "step.started" && e.stepId === "slow")).toHaveLength(2);
  });
});
