import { describe, expect, it } from "vitest";
import type { Plan, RunEvent, Step } from "../core";
import { makeHarness } from "../../tests/support/engine-harness";
import { testActions } from "../../tests/support/engine-actions";
import { engineKinds, engineSuite } from "../../tests/support/engine-suite";
import { EngineError } from "./engine";
import { runOutcome, type RunOutcome } from "../core";
import { latestRunsByPlan, listRuns } from "../store/runs";
import { lit } from "../../tests/support/bindings";

const ref = (step: string, ...path: string[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "test", flows: [], inputs: [], outputs: {}, steps, ...extra });

function expectGapFree(events: RunEvent[]) {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
}

describe.each(engineKinds)("engine on %s", (kind) => {
  const t = engineSuite(kind);
  const { statuses } = t;

  it("runs independent steps in parallel and passes outputs along paths", async () => {
    const v = await t.h.savePlan(plan([
      { id: "a", action: "test.sleep", inputs: { ms: lit(10), value: lit(1) } },
      // Each of b and c ends only once both run: the run succeeds only if they run in parallel.
      { id: "b", action: "test.rendezvous", inputs: { group: lit("b+c"), parties: lit(2), value: lit(2) }, after: ["a"] },
      { id: "c", action: "test.rendezvous", inputs: { group: lit("b+c"), parties: lit(2), value: lit(3) }, after: ["a"] },
      { id: "d", action: "test.add", inputs: { a: ref("b", "value"), b: ref("c", "value") } },
    ], { outputs: { total: ref("d", "sum") } }));
    const done = await t.h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ total: 5 });
    const by = Object.fromEntries(done.steps.map((s) => [s.stepId, s]));
    expect(by.d.startedAt!.getTime()).toBeGreaterThanOrEqual(Math.max(by.b.finishedAt!.getTime(), by.c.finishedAt!.getTime()));
    const events = await t.h.store.events(done.run.id);
    expectGapFree(events);
    expect(events[0].type).toBe("run.queued");
    expect(events.at(-1)!.type).toBe("run.succeeded");
  });

  it("retries retryable failures with backoff and records every attempt", async () => {
    const v = await t.h.savePlan(plan([{ id: "f", action: "test.flaky", inputs: { failures: lit(2) } }]));
    const done = await t.h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("succeeded");
    expect(done.steps[0]).toMatchObject({ attempts: 3, output: { attempts: 3 } });
    const events = await t.h.store.events(done.run.id);
    expect(events.filter((e) => e.type === "step.retrying")).toHaveLength(2);
    expect(events.filter((e) => e.type === "step.started")).toHaveLength(3);
  });

  it("fails fast: cancels running steps and skips the rest", async () => {
    const v = await t.h.savePlan(plan([
      // It ends only when its signal aborts it: the run ends because the failure stopped it.
      { id: "slow", action: "test.until_aborted", inputs: {} },
      { id: "bad", action: "test.fail", inputs: { message: lit("disk full") } },
      { id: "after_bad", action: "test.noop", inputs: {}, after: ["bad"] },
    ]));
    const done = await t.h.engine.run({ planVersionId: v });
    expect(t.probe.aborted).toEqual(["slow"]);
    expect(done.run.status).toBe("failed");
    expect(done.run.failure).toMatchObject({ code: "action_error", actionCode: "boom" });
    expect(done.run.failure!.message).toContain('step "bad" failed: disk full');
    expect(await statuses(done.run.id)).toEqual({ slow: "cancelled", bad: "failed", after_bad: "skipped" });
  });

  it("continues past a failure and skips only its dependents, naming the root cause", async () => {
    const v = await t.h.savePlan(plan([
      { id: "bad", action: "test.fail", inputs: {} },
      { id: "child", action: "test.noop", inputs: { value: ref("bad") } },
      { id: "grandchild", action: "test.noop", inputs: { value: ref("child") } },
      { id: "other", action: "test.sleep", inputs: { ms: lit(50) } },
    ]));
    const done = await t.h.engine.run({ planVersionId: v, options: { failurePolicy: "continue" } });
    expect(done.run.status).toBe("failed");
    expect(await statuses(done.run.id)).toEqual({ bad: "failed", child: "skipped", grandchild: "skipped", other: "succeeded" });
    const skipped = (await t.h.store.events(done.run.id)).filter((e) => e.type === "step.skipped");
    expect(skipped.map((e) => e.type === "step.skipped" && e.data.cause)).toEqual(["bad", "bad"]);
  });

  it("times out a step that ignores its signal, and a failing output check is a typed failure", async () => {
    const v = await t.h.savePlan(plan([
      { id: "hang", action: "test.hang", inputs: {}, timeoutMs: 100 },
      { id: "bad_out", action: "test.bad_output", inputs: {} },
    ]));
    const done = await t.h.engine.run({ planVersionId: v, options: { failurePolicy: "continue" } });
    const by = Object.fromEntries(done.steps.map((s) => [s.stepId, s]));
    expect(by.hang.failure).toMatchObject({ code: "timeout", retryable: true });
    expect(by.bad_out.failure).toMatchObject({ code: "output_invalid" });
    expect(by.bad_out.failure!.message).toContain("n:");
  });

  it("uses a declared fallback when a step continues on error", async () => {
    const v = await t.h.savePlan(plan([
      { id: "bad", action: "test.fail", inputs: {}, onError: "continue", fallback: { never: false } },
      { id: "next", action: "test.noop", inputs: { value: ref("bad", "never") } },
    ]));
    const done = await t.h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("succeeded");
    expect(await statuses(done.run.id)).toEqual({ bad: "failed", next: "succeeded" });
    // It went on without the step's own output: a success, but a partial one.
    expect(runOutcome(done.run)).toBe("partial");
  });

  it("waits durably for approval, and runs the approved step with the edited input", async () => {
    const v = await t.h.savePlan(plan([
      { id: "draft", action: "test.noop", inputs: {} },
      { id: "send", action: "test.approve_me", inputs: { message: lit("hello") }, after: ["draft"] },
      { id: "after", action: "test.noop", inputs: { value: ref("send", "sent") } },
    ], { outputs: { sent: ref("send", "sent") } }));
    const paused = await t.h.engine.run({ planVersionId: v }, { untilApproval: true });
    expect(paused.run.status).toBe("awaiting_approval");
    expect(paused.steps.find((s) => s.stepId === "send")).toMatchObject({ status: "awaiting_approval", input: { message: "hello" } });
    await expect(t.h.engine.approve(paused.run.id, "send", { input: { message: 42 } })).rejects.toThrow(EngineError);
    await t.h.engine.approve(paused.run.id, "send", { by: "ana", comment: "ok", input: { message: "hello, edited" } });
    const done = await t.h.engine.wait(paused.run.id);
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ sent: "hello, edited" });
    const types = (await t.h.store.events(done.run.id)).map((e) => e.type);
    expect(types).toContain("run.awaiting_approval");
    expect(types).toContain("step.approved");
    await expect(t.h.engine.approve(done.run.id, "send")).rejects.toThrow(/not waiting for approval/);
  });

  it("a rejection skips dependents, or fails the run by policy", async () => {
    const p = plan([
      { id: "send", action: "test.approve_me", inputs: { message: lit("x") } },
      { id: "after", action: "test.noop", inputs: { value: ref("send") } },
      { id: "other", action: "test.noop", inputs: {} },
    ]);
    const v = await t.h.savePlan(p);
    const a = await t.h.engine.run({ planVersionId: v }, { untilApproval: true });
    await t.h.engine.reject(a.run.id, "send", { comment: "not now" });
    const doneA = await t.h.engine.wait(a.run.id);
    expect(doneA.run.status).toBe("succeeded");
    expect(await statuses(a.run.id)).toEqual({ send: "skipped", after: "skipped", other: "succeeded" });
    // Not a clean success: the rows say a person rejected a step, and the list finds it by that.
    expect(runOutcome((await t.h.store.load(a.run.id))!.run)).toBe("with_rejections");
    const listed = async (outcome: RunOutcome) => (await listRuns(t.db.prisma, { outcome, planId: (await t.h.store.load(a.run.id))!.run.planId })).map((r) => r.id);
    expect(await listed("with_rejections")).toEqual([a.run.id]);
    expect(await listed("clean")).toEqual([]);
    expect((await listRuns(t.db.prisma, { planId: (await t.h.store.load(a.run.id))!.run.planId }))[0].steps).toEqual({ total: 3, done: 1, failed: 0, skipped: 2, cancelled: 0 });
    // the plans list's latest run too
    const planId = (await t.h.store.load(a.run.id))!.run.planId;
    expect((await latestRunsByPlan(t.db.prisma, [planId])).get(planId)).toMatchObject({ id: a.run.id, status: "succeeded", outcome: "with_rejections" });

    const b = await t.h.engine.run({ planVersionId: v, options: { onReject: "fail_run" } }, { untilApproval: true });
    await t.h.engine.reject(b.run.id, "send", { comment: "no" });
    const doneB = await t.h.engine.wait(b.run.id);
    expect(doneB.run.status).toBe("failed");
    expect(doneB.run.failure).toMatchObject({ code: "rejected" });
    expect(runOutcome(doneB.run)).toBeNull();
    expect(await listed("with_rejections")).toEqual([a.run.id]);
    expect(t.probe.calls.get("send")).toBeUndefined();
  });

  it("a cancel right after the last rejection still ends the run", async () => {
    const v = await t.h.savePlan(plan([
      { id: "send", action: "test.approve_me", inputs: { message: lit("x") } },
      { id: "after", action: "test.noop", inputs: { value: ref("send") } },
      { id: "slow", action: "test.sleep", inputs: { ms: lit(300) } },
    ]));
    for (const onReject of ["skip_dependents", "fail_run"] as const) {
      const paused = await t.h.engine.run({ planVersionId: v, options: { onReject } }, { untilApproval: true });
      await t.h.engine.reject(paused.run.id, "send");
      await t.h.engine.cancel(paused.run.id).catch((err) => expect(String(err)).toMatch(/already/));
      const done = await t.h.engine.wait(paused.run.id, { timeoutMs: 5000 });
      expect(["cancelled", "failed", "succeeded"]).toContain(done.run.status);
    }
  });

  it("cancels a running run: its running steps are stopped, not waited for", async () => {
    const v = await t.h.savePlan(plan([
      // They end only when their signal aborts them: the run ends because the cancel stopped them.
      { id: "a", action: "test.until_aborted", inputs: {} },
      { id: "b", action: "test.until_aborted", inputs: {} },
      { id: "c", action: "test.noop", inputs: {}, after: ["a"] },
    ]));
    const id = await t.h.engine.start({ planVersionId: v });
    await new Promise<void>((resolve) => {
      const off = t.h.engine.bus.subscribe(id, (e) => { if (e.type === "step.started" && e.stepId === "b") { off(); resolve(); } });
    });
    await t.h.engine.cancel(id);
    const done = await t.h.engine.wait(id);
    expect(t.probe.aborted.sort()).toEqual(["a", "b"]);
    expect(done.run.status).toBe("cancelled");
    expect(await statuses(id)).toEqual({ a: "cancelled", b: "cancelled", c: "cancelled" });
    await expect(t.h.engine.cancel(id)).rejects.toThrow(/already cancelled/);
  });

  it("retries a failed run from its failed steps, reusing completed outputs", async () => {
    const v = await t.h.savePlan(plan([
      { id: "one", action: "test.add", inputs: { a: lit(1), b: lit(2) } },
      { id: "gate", action: "test.gate", inputs: { value: ref("one", "sum") } },
      { id: "last", action: "test.add", inputs: { a: ref("gate", "value"), b: lit(10) } },
    ], { outputs: { result: ref("last", "sum") } }));
    const first = await t.h.engine.run({ planVersionId: v });
    expect(first.run.status).toBe("failed");
    t.probe.gateOpen = true;
    const retryId = await t.h.engine.retry(first.run.id);
    const second = await t.h.engine.wait(retryId);
    expect(second.run).toMatchObject({ status: "succeeded", outputs: { result: 13 }, retryOfId: first.run.id });
    expect(t.probe.calls.get("one")).toBe(1);
    expect(t.probe.calls.get("gate")).toBe(2);
    expect(second.steps.find((s) => s.stepId === "one")?.reusedFromRunId).toBe(first.run.id);
    expectGapFree(await t.h.store.events(retryId));
  });

  it("dry run checks every step, runs pure and read ones, and describes a write that has no preview", async () => {
    const v = await t.h.savePlan(plan([
      { id: "calc", action: "test.add", inputs: { a: lit(1), b: lit(1) } },
      { id: "write", action: "test.write", inputs: { key: lit("k") } },
    ]));
    const done = await t.h.engine.run({ planVersionId: v, options: { dryRun: true } });
    expect(done.run.status).toBe("succeeded");
    expect(await statuses(done.run.id)).toEqual({ calc: "succeeded", write: "skipped" });
    expect(t.probe.calls.get("write")).toBeUndefined();
    const ev = (await t.h.store.events(done.run.id)).find((e) => e.type === "step.skipped");
    expect(ev?.type === "step.skipped" && ev.data.dryRun).toEqual({ input: { key: "k" }, effect: "write", wouldRun: true, preview: { kind: "description", text: "would run test.write (it does not say what it would do or return)" } });
  });

  it("rolls back completed writes in reverse order when the run fails", async () => {
    const v = await t.h.savePlan(plan([
      { id: "w1", action: "test.write", inputs: { key: lit("first") } },
      { id: "w2", action: "test.write", inputs: { key: lit("second") }, after: ["w1"] },
      { id: "bad", action: "test.fail", inputs: {}, after: ["w2"] },
    ]));
    const done = await t.h.engine.run({ planVersionId: v, options: { rollbackOnFailure: true } });
    expect(done.run.status).toBe("failed");
    expect(t.probe.undone).toEqual(["second", "first"]);
    expect((await t.h.store.events(done.run.id)).filter((e) => e.type === "step.undone").map((e) => e.stepId)).toEqual(["w2", "w1"]);
  });

  it("queue mode takes a run with rollbackOnFailure: recorded with the option and handed to the queue (its workers undo the writes)", async () => {
    const handed: string[] = [];
    const nothing = async () => undefined;
    const queued = makeHarness(t.db, testActions(t.probe), { queue: { advance: async (id) => { handed.push(id); }, cancel: nothing, decide: nothing, reconcile: async () => [], replanFromHere: nothing, decideReplan: nothing } });
    const v = await queued.savePlan(plan([{ id: "w1", action: "test.write", inputs: { key: lit("first") } }]));
    const runId = await queued.engine.start({ planVersionId: v, options: { rollbackOnFailure: true } });
    expect(handed).toEqual([runId]);
    const row = await t.db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row.status).toBe("queued");
    expect((row.options as { rollbackOnFailure?: boolean }).rollbackOnFailure).toBe(true);
    // Nothing ran here: the workers run it.
    expect((await queued.store.events(runId)).map((e) => e.type)).toEqual(["run.queued"]);
    await queued.engine.close();
  });

  it("approveWrites makes every write step wait", async () => {
    const v = await t.h.savePlan(plan([{ id: "w", action: "test.write", inputs: { key: lit("k") } }]));
    const paused = await t.h.engine.run({ planVersionId: v, options: { approveWrites: true } }, { untilApproval: true });
    expect(paused.run.status).toBe("awaiting_approval");
    await t.h.engine.approve(paused.run.id, "w");
    expect((await t.h.engine.wait(paused.run.id)).run.status).toBe("succeeded");
  });

  it("refuses invalid plans, unknown and missing inputs, with nothing written", async () => {
    const bad = await t.h.savePlan(plan([{ id: "x", action: "test.add", inputs: { a: lit("one") } }]));
    await expect(t.h.engine.start({ planVersionId: bad })).rejects.toThrow(/cannot run/);
    const withInput = await t.h.savePlan(plan([{ id: "x", action: "test.add", inputs: { a: { kind: "input", name: "n" }, b: lit(1) } }], { inputs: [{ name: "n", schema: { type: "number" } }] }));
    await expect(t.h.engine.start({ planVersionId: withInput })).rejects.toThrow(/missing plan input: n/);
    await expect(t.h.engine.start({ planVersionId: withInput, inputs: { n: "x" } })).rejects.toThrow(/plan input "n"/);
    await expect(t.h.engine.start({ planVersionId: withInput, inputs: { n: 1, m: 2 } })).rejects.toThrow(/no input "m"/);
    const before = await t.db.prisma.run.count();
    await expect(t.h.engine.start({ planVersionId: "nope" })).rejects.toThrow(/does not exist/);
    expect(await t.db.prisma.run.count()).toBe(before);
    const ok = await t.h.engine.run({ planVersionId: withInput, inputs: { n: 41 } });
    expect(ok.steps[0].output).toEqual({ sum: 42 });
  });
});
