/**
 * Run and step rows are the projection of the run's events: at every moment the stored rows
 * equal the fold of the stored log by lib/core's reducer (what the run page and the CLI
 * show). The moments where they once disagreed are held open here on purpose: an approved
 * step that cannot start yet, a run between a decision and its next step, a cancel while
 * waiting for a person, a retry's reused steps, and a resume after an engine stopped.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction, type Plan, type RunEvent, type Step } from "../../lib/core";
import type { Database } from "../../lib/store/database";
import { freshDatabase, postgresAvailability, type DbKind } from "../support/databases";
import { newProbe, testActions } from "../support/engine-actions";
import { makeHarness, type Harness } from "../support/engine-harness";
import { expectAllRunsMatchFold, expectRowsMatchFold, foldForView, readRun } from "../support/projection";
import { lit } from "../support/bindings";

const pg = await postgresAvailability();
const kinds: DbKind[] = pg.run ? ["pglite", "postgres"] : ["pglite"];

const ref = (step: string, ...path: string[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "projection", flows: [], inputs: [], outputs: {}, steps, ...extra });

/** An action that runs until the test lets it go (or its signal aborts). */
function holdAction() {
  const waiting = new Set<() => void>();
  const action = defineAction({
    id: "test.hold", title: "Hold", description: "Runs until released.", effect: "pure", timeoutMs: 60_000,
    input: z.object({}), output: z.object({ held: z.boolean() }),
    run: (_input, ctx) => new Promise<{ held: boolean }>((resolve, reject) => {
      const done = () => resolve({ held: true });
      waiting.add(done);
      ctx.signal.addEventListener("abort", () => { waiting.delete(done); reject(ctx.signal.reason); }, { once: true });
    }),
  });
  return { action, release: () => { for (const r of waiting) r(); waiting.clear(); } };
}

/** Resolves with the first event of the run that matches; subscribe before causing it. */
function nextEvent(h: Harness, runId: string, match: (e: RunEvent) => boolean): Promise<RunEvent> {
  return new Promise((resolve) => {
    const off = h.engine.bus.subscribe(runId, (e) => { if (match(e)) { off(); resolve(e); } });
  });
}

describe.each(kinds)("run rows as the projection of events on %s", (kind) => {
  let db: Database;
  const ended = new Set<string>();
  beforeAll(async () => { db = await freshDatabase(kind); });
  afterAll(async () => { await db?.close(); });
  afterEach(async () => { await expectAllRunsMatchFold(db, ended); });

  it("an approved step that waits for a slot is queued in the rows and the fold, and its run is running in both", async () => {
    const hold = holdAction();
    // One slot for all runs: while another run holds it, the approved step cannot start.
    const h = makeHarness(db, [...testActions(newProbe()), hold.action], { globalConcurrency: 1 });
    const paused = await h.engine.run({ planVersionId: await h.savePlan(plan([{ id: "send", action: "test.approve_me", inputs: { message: lit("hello") } }], { outputs: { sent: ref("send", "sent") } })) }, { untilApproval: true });
    expect(paused.run.status).toBe("awaiting_approval");

    const blocker = await h.engine.start({ planVersionId: await h.savePlan(plan([{ id: "hold", action: "test.hold", inputs: {} }])) });
    await nextEvent(h, blocker, (e) => e.type === "step.started");

    await h.engine.approve(paused.run.id, "send", { by: "ana", comment: "fine", input: { message: "edited" } });
    const { rows, events } = await expectRowsMatchFold(db, paused.run.id);
    expect(events.at(-1)?.type).toBe("step.approved");
    expect(rows.status).toBe("running");
    expect(rows.steps.send).toMatchObject({ status: "queued", approval: { decision: "approved", by: "ana", comment: "fine", input: { message: "edited" }, at: events.at(-1)!.at } });

    const finished = nextEvent(h, paused.run.id, (e) => e.type === "run.succeeded");
    hold.release();
    await finished;
    const done = await h.engine.wait(paused.run.id);
    expect(done.run).toMatchObject({ status: "succeeded", outputs: { sent: "edited" } });
    await h.engine.wait(blocker);
  });

  it("a decision puts the run back to running; it waits again while another step still needs a person", async () => {
    const h = makeHarness(db, testActions(newProbe()));
    const v = await h.savePlan(plan([
      { id: "a", action: "test.approve_me", inputs: { message: lit("a") } },
      { id: "after_a", action: "test.noop", inputs: { value: ref("a") } },
      { id: "b", action: "test.approve_me", inputs: { message: lit("b") } },
    ]));
    const paused = await h.engine.run({ planVersionId: v }, { untilApproval: true });
    const waiting = (await readRun(db, paused.run.id)).events.filter((e) => e.type === "step.awaiting_approval").map((e) => e.stepId);
    expect(waiting.sort()).toEqual(["a", "b"]);

    const waitsAgain = nextEvent(h, paused.run.id, (e) => e.type === "run.awaiting_approval");
    await h.engine.reject(paused.run.id, "a", { by: "bo", comment: "not this one" });
    // Right after the decision is stored, before the engine says it waits again.
    const decided = await expectRowsMatchFold(db, paused.run.id);
    const rejectedAt = decided.events.findIndex((e) => e.type === "step.rejected");
    const justAfter = foldForView(paused.run.id, ["a", "after_a", "b"], decided.events.slice(0, rejectedAt + 2));
    expect(justAfter.status).toBe("running");
    expect(justAfter.steps.a).toMatchObject({ status: "skipped", approval: { decision: "rejected", by: "bo", comment: "not this one" } });

    await waitsAgain;
    const again = await expectRowsMatchFold(db, paused.run.id);
    expect(again.rows.status).toBe("awaiting_approval");
    expect(again.rows.steps).toMatchObject({ a: { status: "skipped" }, after_a: { status: "skipped" }, b: { status: "awaiting_approval" } });

    await h.engine.approve(paused.run.id, "b");
    expect((await h.engine.wait(paused.run.id)).run.status).toBe("succeeded");
  });

  it("a cancel while a step waits for a person cancels it in the rows and the fold", async () => {
    const h = makeHarness(db, testActions(newProbe()));
    const v = await h.savePlan(plan([
      { id: "send", action: "test.approve_me", inputs: { message: lit("x") } },
      { id: "after", action: "test.noop", inputs: { value: ref("send") } },
      { id: "other", action: "test.noop", inputs: {} },
    ]));
    const paused = await h.engine.run({ planVersionId: v }, { untilApproval: true });
    await h.engine.cancel(paused.run.id);
    const done = await h.engine.wait(paused.run.id);
    expect(done.run.status).toBe("cancelled");
    const { rows } = await expectRowsMatchFold(db, paused.run.id);
    expect(rows.steps).toMatchObject({ send: { status: "cancelled" }, after: { status: "cancelled" }, other: { status: "succeeded" } });
    expect(rows.finishedAt).toBe((await readRun(db, paused.run.id)).events.at(-1)!.at);
  });

  it("a retry's reused steps are succeeded from its first events, with their earlier output", async () => {
    const probe = newProbe();
    const h = makeHarness(db, testActions(probe));
    const v = await h.savePlan(plan([
      { id: "one", action: "test.add", inputs: { a: lit(1), b: lit(2) } },
      { id: "gate", action: "test.gate", inputs: { value: ref("one", "sum") } },
      { id: "fallback", action: "test.fail", inputs: {}, onError: "continue", fallback: { never: true } },
    ], { outputs: { result: ref("gate", "value"), never: ref("fallback", "never") } }));
    const first = await h.engine.run({ planVersionId: v });
    expect(first.run.status).toBe("failed");
    expect(first.steps.find((s) => s.stepId === "fallback")).toMatchObject({ status: "failed", output: { never: true } });
    probe.gateOpen = true;
    const retryId = await h.engine.retry(first.run.id);
    const second = await h.engine.wait(retryId);
    expect(second.run).toMatchObject({ status: "succeeded", outputs: { result: 3, never: true } });
    const { rows, events } = await expectRowsMatchFold(db, retryId);
    expect(events.slice(0, 2).map((e) => `${e.type}${e.stepId ? `@${e.stepId}` : ""}`)).toEqual(["run.queued", "step.succeeded@one"]);
    expect(rows.steps.one).toMatchObject({ status: "succeeded", output: { sum: 3 }, reusedFromRunId: first.run.id, finishedAt: events[1].at });
  });

  it("a resume puts the steps caught mid-flight back to pending, in the rows and the fold", async () => {
    const probe = newProbe();
    const a = makeHarness(db, testActions(probe), { ownerId: `a-${kind}`, leaseMs: 300 });
    const v = await a.savePlan(plan([
      { id: "first", action: "test.sleep", inputs: { ms: lit(10) } },
      { id: "long", action: "test.sleep", inputs: { ms: lit(1000) }, after: ["first"] },
      { id: "last", action: "test.noop", inputs: {}, after: ["long"] },
    ]));
    const runId = await a.engine.start({ planVersionId: v });
    // Published after it is stored: nothing else of the run is in flight while "long" sleeps.
    await nextEvent(a, runId, (e) => e.type === "step.started" && e.stepId === "long");
    await a.engine.close();
    const mid = await expectRowsMatchFold(db, runId);
    expect(mid.rows.steps.long.status).toBe("running");

    const b = makeHarness(db, testActions(probe), { ownerId: `b-${kind}`, leaseMs: 300 });
    b.engine.startResumePoller();
    try {
      const done = await b.engine.wait(runId, { timeoutMs: 20_000 });
      expect(done.run.status).toBe("succeeded");
    } finally {
      await b.engine.close();
    }
    const { events } = await expectRowsMatchFold(db, runId);
    const resumed = events.findIndex((e) => e.type === "run.started" && e.data?.resumed);
    expect(events[resumed]).toMatchObject({ data: { resumed: true, interrupted: ["long"] } });
    const atResume = foldForView(runId, ["first", "long", "last"], events.slice(0, resumed + 1));
    expect(atResume.status).toBe("running");
    expect(atResume.steps).toMatchObject({ first: { status: "succeeded" }, long: { status: "pending", attempts: 1 }, last: { status: "pending" } });
    expect(atResume.startedAt).toBe(events.find((e) => e.type === "run.started")!.at);
    expect(probe.calls.get("first")).toBe(1);
  });

  it("the check itself sees a row that is not the fold of the events", async () => {
    const h = makeHarness(db, testActions(newProbe()));
    const done = await h.engine.run({ planVersionId: await h.savePlan(plan([{ id: "x", action: "test.noop", inputs: {} }])) });
    await expectRowsMatchFold(db, done.run.id);
    await db.prisma.stepRun.update({ where: { runId_stepId: { runId: done.run.id, stepId: "x" } }, data: { status: "pending" } });
    await expect(expectRowsMatchFold(db, done.run.id)).rejects.toThrow(/rows and the viewers' fold/);
    // Put it back, so the check after each test passes.
    await db.prisma.stepRun.update({ where: { runId_stepId: { runId: done.run.id, stepId: "x" } }, data: { status: "succeeded" } });
  });
});
