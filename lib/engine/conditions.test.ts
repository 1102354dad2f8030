/**
 * Conditions and merges on a real engine and database: a step whose condition is false is
 * skipped ("condition false", with the values it read), so is what needs its output, a merge
 * (firstOf) runs with the branch that ran, and none of that makes the run partial. A plan's
 * typed result is checked when the run ends.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction, runOutcome, type Plan, type RunEvent, type Step } from "../core";
import { makeHarness } from "../../tests/support/engine-harness";
import { engineKinds, engineSuite } from "../../tests/support/engine-suite";
import { testActions } from "../../tests/support/engine-actions";
import { stampEvent, type NewEvent } from "./run-store";
import { input, lit, ref, when } from "../../tests/support/bindings";

const add = (id: string, a: unknown, b: unknown, extra: Partial<Step> = {}): Step => ({ id, action: "test.add", inputs: { a: typeof a === "number" ? lit(a) : (a as never), b: typeof b === "number" ? lit(b) : (b as never) }, ...extra });

/**
 * x → a (sum = x); big runs when the sum is > 2, small when it is not; merge adds 1000 to
 * whichever ran; after_small needs small's own output.
 */
const branching = (extra: Partial<Plan> = {}): Plan => ({
  goal: "branch", flows: [], outputs: { total: ref("merge", "sum") },
  inputs: [{ name: "x", schema: { type: "number" } }],
  steps: [
    add("a", input("x"), 0),
    add("big", ref("a", "sum"), 100, { when: when("${steps.a.output.sum} > 2") }),
    add("small", ref("a", "sum"), 10, { when: when("${steps.a.output.sum} <= 2") }),
    add("merge", { kind: "firstOf", of: [ref("big", "sum"), ref("small", "sum")] }, 1000),
    add("after_small", ref("small", "sum"), 1),
  ],
  ...extra,
});

const skipOf = (events: RunEvent[], stepId: string) => {
  const found = events.filter((e): e is Extract<RunEvent, { type: "step.skipped" }> => e.type === "step.skipped" && e.stepId === stepId);
  expect(found, `step.skipped of ${stepId}`).toHaveLength(1);
  return found[0].data;
};

describe.each(engineKinds)("conditions and merges on %s", (kind) => {
  const t = engineSuite(kind);
  const { statuses } = t;

  it("skips the false branch with its reason and values, skips what needs it, and merges the branch that ran", async () => {
    const v = await t.h.savePlan(branching());
    const done = await t.h.engine.run({ planVersionId: v, inputs: { x: 3 } });
    expect(done.run.status).toBe("succeeded");
    expect(runOutcome(done.run)).toBe("clean");
    expect(done.run.outputs).toEqual({ total: 1103 });
    expect(await statuses(done.run.id)).toEqual({ a: "succeeded", big: "succeeded", small: "skipped", merge: "succeeded", after_small: "skipped" });
    const events = await t.h.store.events(done.run.id);
    expect(skipOf(events, "small")).toEqual({
      reason: "condition false: sum was 3",
      condition: { when: "${steps.a.output.sum} <= 2", values: [{ ref: "${steps.a.output.sum}", name: "sum", value: 3 }] },
    });
    expect(skipOf(events, "after_small")).toMatchObject({ cause: "small", byCondition: true });
    expect(t.probe.calls.has("small")).toBe(false);
  });

  it("merges the other branch when the other condition holds", async () => {
    const v = await t.h.savePlan(branching());
    const done = await t.h.engine.run({ planVersionId: v, inputs: { x: 1 } });
    expect(done.run.status).toBe("succeeded");
    expect(runOutcome(done.run)).toBe("clean");
    expect(done.run.outputs).toEqual({ total: 1011 });
    expect(await statuses(done.run.id)).toEqual({ a: "succeeded", big: "skipped", small: "succeeded", merge: "succeeded", after_small: "succeeded" });
    expect(skipOf(await t.h.store.events(done.run.id), "big").reason).toBe("condition false: sum was 1");
  });

  it("skips a merge none of whose branches ran, and the run is still clean", async () => {
    const p = branching();
    p.steps[2] = { ...p.steps[2], when: when("${steps.a.output.sum} < 0") };
    const v = await t.h.savePlan(p);
    const done = await t.h.engine.run({ planVersionId: v, inputs: { x: 1 } });
    expect(done.run.status).toBe("succeeded");
    expect(runOutcome(done.run)).toBe("clean");
    expect(done.run.outputs).toEqual({});
    expect(await statuses(done.run.id)).toEqual({ a: "succeeded", big: "skipped", small: "skipped", merge: "skipped", after_small: "skipped" });
    expect(skipOf(await t.h.store.events(done.run.id), "merge")).toEqual({ reason: 'no branch of "a" produced a value', cause: "big", byCondition: true });
  });

  it("fails the step, naming what is missing, when its condition cannot be evaluated", async () => {
    const p = branching({ inputs: [{ name: "x", schema: { type: "number" } }, { name: "mode", schema: { type: "string" }, required: false }] });
    p.steps[1] = { ...p.steps[1], when: when('${inputs.mode} == "fast"') };
    const v = await t.h.savePlan(p);
    const done = await t.h.engine.run({ planVersionId: v, inputs: { x: 3 } });
    expect(done.run.status).toBe("failed");
    const big = done.steps.find((s) => s.stepId === "big")!;
    expect(big.status).toBe("failed");
    expect(big.failure).toMatchObject({ code: "condition_error", message: 'its condition cannot be evaluated: the plan input "mode" has no value' });
  });

  it("a retried run evaluates the conditions of the steps it runs again", async () => {
    const p = branching();
    // the branch taken first fails (its gate is closed), and so does the run
    p.steps[1] = { id: "big", action: "test.gate", inputs: { value: ref("a", "sum") }, when: when("${steps.a.output.sum} > 2") };
    p.steps[3] = add("merge", { kind: "firstOf", of: [ref("big", "value"), ref("small", "sum")] }, 1000);
    const v = await t.h.savePlan(p);
    const first = await t.h.engine.run({ planVersionId: v, inputs: { x: 3 } });
    expect(first.run.status).toBe("failed");
    const retryId = await t.h.engine.retry(first.run.id, { inputs: { x: 1 } });
    const done = await t.h.engine.wait(retryId);
    expect(done.run.status).toBe("succeeded");
    expect(await statuses(retryId)).toEqual({ a: "succeeded", big: "skipped", small: "succeeded", merge: "succeeded", after_small: "succeeded" });
    expect(done.run.outputs).toEqual({ total: 1011 });
  });

  it("checks the run's result against the plan's result schema", async () => {
    const schema = { type: "object", properties: { total: { type: "number", maximum: 2000 } }, required: ["total"] };
    const fits = await t.h.engine.run({ planVersionId: await t.h.savePlan(branching({ result: { schema } })), inputs: { x: 3 } });
    expect(fits.run.status).toBe("succeeded");
    expect(fits.run.outputs).toEqual({ total: 1103 });

    const tight = { ...schema, properties: { total: { type: "number", maximum: 1050 } } };
    const bad = await t.h.engine.run({ planVersionId: await t.h.savePlan(branching({ result: { schema: tight } })), inputs: { x: 3 } });
    expect(bad.run.status).toBe("failed");
    expect(bad.run.failure).toMatchObject({ code: "result_invalid", details: { errors: [{ path: "total", message: expect.stringMatching(/1050/) }], result: { total: 1103 } } });
    expect(bad.run.failure!.message).toMatch(/^the run's result does not fit the plan's result schema: total: /);
  });

  it("a resumed run keeps its condition's decision: the skipped branch is not evaluated again and the run is clean", async () => {
    const p = branching();
    // the branch that runs is slow: the engine gives the run up while it runs
    p.steps[1] = { id: "big", action: "test.sleep", inputs: { ms: lit(600_000), value: ref("a", "sum") }, when: when("${steps.a.output.sum} > 2") };
    p.steps[3] = add("merge", { kind: "firstOf", of: [ref("big", "value"), ref("small", "sum")] }, 1000);
    const v = await t.h.savePlan(p);
    const runId = await t.h.engine.start({ planVersionId: v, inputs: { x: 3 } });
    for (;;) {
      const st = await statuses(runId);
      if (st.big === "running" && st.small === "skipped" && st.after_small === "skipped") break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await t.h.engine.close();
    const fast = defineAction({ id: "test.sleep", title: "Sleep", description: "Returns at once.", effect: "pure", input: z.object({ ms: z.number(), value: z.number().default(0) }), output: z.object({ value: z.number(), at: z.number() }), run: ({ value }) => ({ value, at: Date.now() }) });
    t.h = makeHarness(t.db, [...testActions(t.probe).filter((a) => a.id !== "test.sleep"), fast]);
    expect(await t.h.engine.resumeAll()).toContain(runId);
    const done = await t.h.engine.wait(runId);
    expect(done.run.status).toBe("succeeded");
    expect(runOutcome(done.run)).toBe("clean");
    expect(done.run.outputs).toEqual({ total: 1003 });
    const events = await t.h.store.events(runId);
    expect(events.filter((e) => e.type === "step.skipped").map((e) => e.stepId)).toEqual(["small", "after_small"]);
    expect(events.filter((e) => e.type === "step.started" && e.stepId === "a")).toHaveLength(1);
    expect(await statuses(runId)).toEqual({ a: "succeeded", big: "succeeded", small: "skipped", merge: "succeeded", after_small: "skipped" });
  });

  it("a resume reads what the stored skips said: a merge that no branch reached is skipped by its conditions, and so is what needs it", async () => {
    const p = branching();
    p.steps[2] = { ...p.steps[2], when: when("${steps.a.output.sum} < 0") };
    p.steps.push(add("after_merge", ref("merge", "sum"), 1));
    const v = await t.h.savePlan(p);
    // The run as a process left it that stopped after the merge's skip was stored, before its dependent's was.
    const planId = (await t.db.prisma.planVersion.findUniqueOrThrow({ where: { id: v } })).planId;
    const runId = "resume-merge-skipped";
    await t.h.store.createRun({ run: { id: runId, planId, planVersionId: v, inputs: { x: 1 }, options: {} as never }, steps: p.steps.map((s) => ({ stepId: s.id, idempotencyKey: `${runId}:${s.id}` })), events: [{ type: "run.queued", data: { planVersionId: v, inputs: { x: 1 } } }] });
    const at = new Date().toISOString();
    const events: NewEvent[] = [
      { type: "run.started", data: {} },
      { type: "step.started", stepId: "a", data: { attempt: 1, input: { a: 1, b: 0 } } },
      { type: "step.succeeded", stepId: "a", data: { attempt: 1, output: { sum: 1 } } },
      { type: "step.skipped", stepId: "big", data: { reason: "condition false: sum was 1", condition: { when: "${steps.a.output.sum} > 2", values: [{ ref: "${steps.a.output.sum}", name: "sum", value: 1 }] } } },
      { type: "step.skipped", stepId: "small", data: { reason: "condition false: sum was 1", condition: { when: "${steps.a.output.sum} < 0", values: [{ ref: "${steps.a.output.sum}", name: "sum", value: 1 }] } } },
      { type: "step.skipped", stepId: "after_small", data: { reason: '"small" did not produce an output (its condition was false)', cause: "small", byCondition: true } },
      { type: "step.skipped", stepId: "merge", data: { reason: 'no branch of "a" produced a value', cause: "big", byCondition: true } },
    ];
    await t.h.store.apply([{ runId, events: events.map((e, i) => stampEvent(e, i + 2, runId, at)) }]);
    expect(await t.h.engine.resumeAll()).toContain(runId);
    const done = await t.h.engine.wait(runId);
    expect(done.run.status).toBe("succeeded");
    expect(runOutcome(done.run)).toBe("clean");
    expect(skipOf(await t.h.store.events(runId), "after_merge")).toEqual({ reason: '"merge" did not produce an output (its condition was false)', cause: "big", byCondition: true });
  });
});
