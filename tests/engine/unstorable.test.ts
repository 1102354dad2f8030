/**
 * Values the database cannot store (a NUL character, an unpaired surrogate, too deep a nesting,
 * a BigInt, a circular structure) never stop a run halfway: an output that cannot be stored
 * fails its step once, with a message that says where and why, and the action is not run
 * again; text that only describes (log lines, progress, failure messages) is stored with U+FFFD
 * in place of what cannot be. Should a batch of events fail all the same, only the run it
 * cannot write ends (failed, stored, never resumed); the other runs of the batch are written.
 * On both databases; every run's rows stay the fold of its events.
 */
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction, type Plan, type RunEvent, type Step } from "../../lib/core";
import { Committer, RunNotStoredError } from "../../lib/engine/committer";
import { EngineError } from "../../lib/engine/engine";
import { InProcessEventBus } from "../../lib/engine/event-bus";
import { RunOptions } from "../../lib/engine/run-options";
import type { CommittedChange, RunStore } from "../../lib/engine/run-store";
import type { Database } from "../../lib/store/database";
import { PrismaRunStore } from "../../lib/store/run-store";
import { freshDatabase, postgresAvailability, type DbKind } from "../support/databases";
import { newProbe, testActions, type Probe } from "../support/engine-actions";
import { makeHarness, type Harness } from "../support/engine-harness";
import { expectAllRunsMatchFold, expectRowsMatchFold } from "../support/projection";
import { lit } from "../support/bindings";

const pg = await postgresAvailability();
const kinds: DbKind[] = pg.run ? ["pglite", "postgres"] : ["pglite"];

const ref = (step: string, ...path: string[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "unstorable", flows: [], inputs: [], outputs: {}, steps, ...extra });

/**
 * The real store, except that it writes what a check missed: the output of a `step.succeeded`
 * that `poisoned` picks is replaced with text the database refuses, after every guard has run.
 */
class LeakyStore extends PrismaRunStore {
  readonly batches: { runs: string[]; ok: boolean }[] = [];
  constructor(db: Database, private readonly poisoned: (runId: string, stepId: string) => boolean) {
    super(db.prisma, { exclusive: db.kind === "pglite" });
  }

  override async apply(changes: CommittedChange[]): Promise<void> {
    const leaked = changes.map((c) => ({
      runId: c.runId,
      events: c.events.map((e) => (e.type === "step.succeeded" && e.stepId && this.poisoned(c.runId, e.stepId) ? { ...e, data: { ...e.data, output: { body: "refused\u0000" } } } : e)),
    }));
    try {
      await super.apply(leaked);
      this.batches.push({ runs: [...new Set(changes.map((c) => c.runId))], ok: true });
    } catch (err) {
      this.batches.push({ runs: [...new Set(changes.map((c) => c.runId))], ok: false });
      throw err;
    }
  }
}

describe.each(kinds)("values that cannot be stored, on %s", (kind) => {
  let db: Database;
  const ended = new Set<string>();
  beforeAll(async () => { db = await freshDatabase(kind); });
  afterAll(async () => { await db?.close(); });
  afterEach(async () => { await expectAllRunsMatchFold(db, ended); });

  const setup = (options: Parameters<typeof makeHarness>[2] = {}): { h: Harness; probe: Probe } => {
    const probe = newProbe();
    return { h: makeHarness(db, testActions(probe), options), probe };
  };
  const events = async (h: Harness, runId: string) => h.store.events(runId);
  const byStep = async (h: Harness, runId: string) => Object.fromEntries((await h.store.load(runId))!.steps.map((s) => [s.stepId, s]));

  /** A second engine on the same database (a restart) resumes nothing of these runs, and nothing runs again. */
  async function expectNotResumed(runIds: string[], probe: Probe, stepId: string) {
    const before = probe.calls.get(stepId);
    const again = makeHarness(db, testActions(probe));
    const resumed = await again.engine.resumeAll();
    for (const id of runIds) expect(resumed).not.toContain(id);
    await again.engine.idle();
    await again.engine.close();
    expect(probe.calls.get(stepId)).toBe(before);
  }

  it("an output with a NUL character fails its step once, with where and why; the action is not run again", async () => {
    const { h, probe } = setup();
    const v = await h.savePlan(plan([
      { id: "post", action: "test.unstorable", inputs: { kind: lit("nul") } },
      { id: "next", action: "test.noop", inputs: { value: ref("post", "body") } },
    ]));
    const done = await h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("failed");
    const message = "The step's output cannot be stored: it holds a NUL character at output.body.text (text cannot contain \\u0000)";
    expect(done.run.failure).toEqual({ code: "output_invalid", message: `step "post" failed: ${message}`, retryable: false });
    const steps = await byStep(h, done.run.id);
    expect(steps.post).toMatchObject({ status: "failed", attempts: 1, failure: { code: "output_invalid", message, retryable: false } });
    expect(steps.post.output).toBeUndefined();
    expect(steps.next.status).toBe("skipped");
    expect(probe.calls.get("post")).toBe(1);
    const log = await events(h, done.run.id);
    expect(log.filter((e) => e.stepId === "post").map((e) => e.type)).toEqual(["step.started", "step.failed"]);
    expect(log.at(-1)?.type).toBe("run.failed");
    await expectNotResumed([done.run.id], probe, "post");
  });

  it("says where and why for every kind of value that cannot be stored", async () => {
    const { h, probe } = setup();
    const cases = {
      surrogate: "it holds an unpaired surrogate (\\ud83d) at output.body.items[1] (text must be well-formed Unicode)",
      nul_key: 'it holds a NUL character in the key at output.body["key\\u0000"] (text cannot contain \\u0000)',
      bigint: "it holds a BigInt at output.body.n (JSON numbers cannot hold it; return a number or a string)",
      circular: "it refers to itself at output.body.self (a circular structure is not JSON)",
      deep: "it nests deeper than 100 levels at output.body.a.a.a",
    };
    const v = await h.savePlan(plan(Object.keys(cases).map((k) => ({ id: k, action: "test.unstorable", inputs: { kind: lit(k) } }))));
    const done = await h.engine.run({ planVersionId: v, options: { failurePolicy: "continue" } });
    expect(done.run.status).toBe("failed");
    const steps = await byStep(h, done.run.id);
    for (const [k, why] of Object.entries(cases)) {
      expect(steps[k]).toMatchObject({ status: "failed", failure: { code: "output_invalid", retryable: false } });
      expect(steps[k].failure!.message).toContain(`The step's output cannot be stored: ${why}`);
      expect(probe.calls.get(k)).toBe(1);
    }
    await expectNotResumed([done.run.id], probe, "deep");
  });

  it("follows the failure policy: other steps go on, and a fallback lets the run succeed", async () => {
    const { h, probe } = setup();
    const v = await h.savePlan(plan([
      { id: "bad", action: "test.unstorable", inputs: { kind: lit("surrogate") } },
      { id: "other", action: "test.add", inputs: { a: lit(1), b: lit(2) } },
    ]));
    const cont = await h.engine.run({ planVersionId: v, options: { failurePolicy: "continue" } });
    expect(cont.run.status).toBe("failed");
    expect(Object.fromEntries(cont.steps.map((s) => [s.stepId, s.status]))).toEqual({ bad: "failed", other: "succeeded" });

    const withFallback = await h.savePlan(plan([
      { id: "bad2", action: "test.unstorable", inputs: { kind: lit("nul") }, onError: "continue", fallback: { body: "fallback" } },
      { id: "use", action: "test.noop", inputs: { value: ref("bad2", "body") } },
    ], { outputs: { body: ref("bad2", "body") } }));
    const fb = await h.engine.run({ planVersionId: withFallback });
    expect(fb.run).toMatchObject({ status: "succeeded", outputs: { body: "fallback" } });
    expect(fb.steps.find((s) => s.stepId === "bad2")).toMatchObject({ status: "failed", failure: { code: "output_invalid" }, output: { body: "fallback" } });
    expect(probe.calls.get("bad2")).toBe(1);
  });

  it("keeps an output in the form it is stored in: what later steps see now is what a resume reads", async () => {
    const { h } = setup();
    const v = await h.savePlan(plan([{ id: "d", action: "test.unstorable", inputs: { kind: lit("date") } }], { outputs: { body: ref("d", "body") } }));
    const done = await h.engine.run({ planVersionId: v });
    const stored = { when: "2024-01-02T03:04:05.000Z", nan: null };
    expect(done.run).toMatchObject({ status: "succeeded", outputs: { body: stored } });
    expect(done.steps[0].output).toEqual({ body: stored });
  });

  it("stores log lines, progress and failure messages with U+FFFD in place of what cannot be stored", async () => {
    const { h, probe } = setup();
    const v = await h.savePlan(plan([
      { id: "loud", action: "test.noisy", inputs: {} },
      { id: "broken", action: "test.noisy", inputs: { fail: lit(true) } },
    ]));
    const done = await h.engine.run({ planVersionId: v, options: { failurePolicy: "continue" } });
    expect(done.run.status).toBe("failed");
    const steps = await byStep(h, done.run.id);
    expect(steps.loud).toMatchObject({ status: "succeeded", output: { said: "done" } });
    expect(steps.broken.failure).toEqual({ code: "action_error", actionCode: "bad\ufffdcode", message: "it broke \ufffd here", retryable: false, details: { why: "\ufffd" } });
    expect(probe.calls.get("loud")).toBe(1);
    expect(probe.calls.get("broken")).toBe(1);
    const log = await events(h, done.run.id);
    const lines = log.filter((e): e is Extract<RunEvent, { type: "step.log" }> => e.type === "step.log" && e.stepId === "loud");
    expect(lines[0].data).toEqual({ level: "info", message: "a NUL \ufffd and a lone \ufffd surrogate", data: { "k\ufffd": "v\ufffd", deep: { ok: true } } });
    // cut at 4000 characters without splitting the emoji in half
    expect(lines[1].data.message).toBe("x".repeat(3999));
    const progress = log.find((e) => e.type === "step.progress" && e.stepId === "loud");
    expect(progress?.type === "step.progress" && progress.data.message).toBe("half done \ufffd");
    expect(done.run.failure?.message).toBe('step "broken" failed: it broke \ufffd here');
  });

  it("refuses plan inputs and an edited approval input that cannot be stored, with nothing written; stores a cancel reason repaired", async () => {
    const { h, probe } = setup();
    const withInput = await h.savePlan(plan([{ id: "x", action: "test.approve_me", inputs: { message: { kind: "input", name: "q" } } }], { inputs: [{ name: "q", schema: { type: "string" } }] }));
    const before = await db.prisma.run.count();
    const refused = h.engine.start({ planVersionId: withInput, inputs: { q: "a\u0000b" } });
    await expect(refused).rejects.toThrow(EngineError);
    await expect(refused).rejects.toThrow('plan input "q" cannot be stored: it holds a NUL character at inputs.q (text cannot contain \\u0000)');
    expect(await db.prisma.run.count()).toBe(before);

    const paused = await h.engine.run({ planVersionId: withInput, inputs: { q: "hello" } }, { untilApproval: true });
    await expect(h.engine.approve(paused.run.id, "x", { input: { message: "half \ud800" } })).rejects.toThrow("the edited input cannot be stored: it holds an unpaired surrogate (\\ud800) at input.message");
    expect((await h.store.load(paused.run.id))!.steps[0].status).toBe("awaiting_approval");
    await h.engine.approve(paused.run.id, "x", { by: "ana\u0000", comment: "ok \udc00" });
    const done = await h.engine.wait(paused.run.id);
    expect(done.run.status).toBe("succeeded");
    expect(done.steps[0].approval).toMatchObject({ decision: "approved", by: "ana\ufffd", comment: "ok \ufffd" });
    expect(probe.calls.get("x")).toBe(1);

    const slow = await h.savePlan(plan([{ id: "wait", action: "test.sleep", inputs: { ms: lit(10_000) } }]));
    const id = await h.engine.start({ planVersionId: slow });
    await new Promise<void>((resolve) => { const off = h.engine.bus.subscribe(id, (e) => { if (e.type === "step.started") { off(); resolve(); } }); });
    await h.engine.cancel(id, "stop \u0000 now");
    const cancelled = await events(h, id);
    expect(cancelled.at(-1)).toMatchObject({ type: "run.cancelled", data: { reason: "stop \ufffd now" } });
  });

  it("a batch that cannot be written fails only the run it cannot write; the other runs of the batch are stored", async () => {
    const ids = ["a", "b", "c"].map((x) => `${x}-${randomUUID()}`);
    const store = new LeakyStore(db, (runId, stepId) => runId === ids[1] && stepId === "s2");
    const { h } = setup();
    const v = await h.savePlan(plan([{ id: "s1", action: "test.noop", inputs: {} }, { id: "s2", action: "test.noop", inputs: {} }, { id: "s3", action: "test.noop", inputs: {} }]));
    const version = (await db.prisma.planVersion.findUnique({ where: { id: v } }))!;
    for (const id of ids) {
      await store.createRun({ run: { id, planId: version.planId, planVersionId: v, inputs: {}, options: RunOptions.parse({}) }, steps: ["s1", "s2", "s3"].map((s) => ({ stepId: s, idempotencyKey: `${id}:${s}` })), events: [{ type: "run.queued", data: { planVersionId: v, inputs: {} } }] });
    }
    const bus = new InProcessEventBus();
    const published: RunEvent[] = [];
    bus.subscribeAll((e) => published.push(e));
    const committer = new Committer(store as RunStore, bus, 1);
    for (const id of ids) committer.track(id, 1);
    // One tick: one batch for the three runs. The second run's s2 succeeds with an output the
    // database refuses; its s1 and the other runs' events come before and after it in the batch.
    const stored = ids.map((id) => [
      committer.commit({ runId: id, events: [{ type: "run.started", data: {} }, { type: "step.started", stepId: "s1", data: { attempt: 1, input: {} } }] }).stored,
      committer.commit({ runId: id, events: [{ type: "step.succeeded", stepId: "s1", data: { attempt: 1, output: { ok: true } } }, { type: "step.started", stepId: "s2", data: { attempt: 1, input: {} } }] }).stored,
      committer.commit({ runId: id, events: [{ type: "step.succeeded", stepId: "s2", data: { attempt: 1, output: { ok: true } } }] }).stored,
    ]);
    const outcomes = await Promise.all(stored.flat().map((p) => p.then(() => "stored", (err) => err)));
    expect(store.batches[0]).toEqual({ runs: ids, ok: false });
    expect(outcomes.slice(0, 3)).toEqual(["stored", "stored", "stored"]);
    expect(outcomes.slice(6, 9)).toEqual(["stored", "stored", "stored"]);
    expect(outcomes.slice(3, 5)).toEqual(["stored", "stored"]);
    expect(outcomes[5]).toBeInstanceOf(RunNotStoredError);
    // nothing more is written for it here
    expect(() => committer.commit({ runId: ids[1], events: [{ type: "run.succeeded", data: { outputs: {} } }] })).toThrow(/not tracked/);

    for (const id of [ids[0], ids[2]]) {
      const { rows } = await expectRowsMatchFold(db, id);
      expect(rows.status).toBe("running");
      expect(Object.fromEntries(Object.entries(rows.steps).map(([s, f]) => [s, f.status]))).toEqual({ s1: "succeeded", s2: "succeeded", s3: "pending" });
      expect(published.filter((e) => e.runId === id).map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    }
    const { rows, events: log } = await expectRowsMatchFold(db, ids[1]);
    const message = "The step's output cannot be stored: it holds a NUL character at output.body (text cannot contain \\u0000)";
    expect(rows.status).toBe("failed");
    expect(rows.failure).toEqual({ code: "output_invalid", message: `step "s2" failed: ${message}`, retryable: false });
    expect(rows.steps.s2).toMatchObject({ status: "failed", failure: { code: "output_invalid", message } });
    expect(rows.steps.s3.status).toBe("skipped");
    expect(log.map((e) => `${e.type}${e.stepId ? `@${e.stepId}` : ""}`)).toEqual(["run.queued", "run.started", "step.started@s1", "step.succeeded@s1", "step.started@s2", "step.failed@s2", "step.skipped@s3", "run.failed"]);
    expect(published.filter((e) => e.runId === ids[1]).at(-1)?.type).toBe("run.failed");
    expect(await store.unfinished()).not.toContain(ids[1]);
    // the two runs left running here are closed so that later tests do not resume them
    for (const id of [ids[0], ids[2]]) await committer.commit({ runId: id, events: [{ type: "run.cancelled", data: { reason: "test over" } }] }).stored;
  });

  it("the engine ends a run whose events cannot be written as failed, once, and the runs written with it go on", async () => {
    const store = new LeakyStore(db, (_runId, stepId) => stepId === "poison");
    const probe = newProbe();
    // A wide commit window gathers the three runs' events into shared batches.
    const h = makeHarness(db, testActions(probe), { store, commitWindowMs: 25 });
    const poisoned = await h.savePlan(plan([
      { id: "poison", action: "test.add", inputs: { a: lit(1), b: lit(1) } },
      { id: "after_poison", action: "test.add", inputs: { a: ref("poison", "sum"), b: lit(1) } },
    ]));
    const healthy = (n: number) => h.savePlan(plan([
      { id: `h${n}_1`, action: "test.sleep", inputs: { ms: lit(5), value: lit(n) } },
      { id: `h${n}_2`, action: "test.add", inputs: { a: ref(`h${n}_1`, "value"), b: lit(1) } },
    ], { outputs: { sum: ref(`h${n}_2`, "sum") } }));
    const [pv, h1, h2] = await Promise.all([poisoned, healthy(1), healthy(2)]);
    const [bad, ok1, ok2] = await Promise.all([pv, h1, h2].map((planVersionId) => h.engine.start({ planVersionId })));
    const [doneBad, done1, done2] = await Promise.all([bad, ok1, ok2].map((id) => h.engine.wait(id, { timeoutMs: 20_000 })));
    expect(done1.run).toMatchObject({ status: "succeeded", outputs: { sum: 2 } });
    expect(done2.run).toMatchObject({ status: "succeeded", outputs: { sum: 3 } });
    expect(doneBad.run.status).toBe("failed");
    expect(doneBad.run.failure?.message).toBe('step "poison" failed: The step\'s output cannot be stored: it holds a NUL character at output.body (text cannot contain \\u0000)');
    expect(Object.fromEntries(doneBad.steps.map((s) => [s.stepId, s.status]))).toEqual({ poison: "failed", after_poison: "skipped" });
    expect(probe.calls.get("poison")).toBe(1);
    expect(store.batches.some((b) => !b.ok)).toBe(true);
    await h.engine.idle();
    expect(h.engine.activeRuns()).not.toContain(bad);
    expect(await h.engine.resumeAll()).not.toContain(bad);
    await expectNotResumed([bad], probe, "poison");
  });
});

describe.each(kinds)("quarantine, on %s", (kind) => {
  let db: Database;
  beforeAll(async () => { db = await freshDatabase(kind); });
  afterAll(async () => { await db?.close(); });
  afterEach(async () => { await expectAllRunsMatchFold(db); });

  it("a run whose step was running each time its engine stopped is failed as quarantined at the second resume", async () => {
    // `hang` starts and never ends on its own; closing its engine is the process dying under it.
    let starts = 0;
    const started = new Set<() => void>();
    const hang = defineAction({
      id: "test.hang_forever", title: "Hang forever", description: "Never finishes.", effect: "write", timeoutMs: 600_000,
      input: z.object({}), output: z.object({}),
      run: (_input, ctx) => new Promise<Record<string, never>>((_resolve, reject) => {
        starts++;
        for (const s of started) s();
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason), { once: true });
      }),
    });
    const onStart = () => new Promise<void>((resolve) => { const s = () => { started.delete(s); resolve(); }; started.add(s); });
    const probe = newProbe();
    const engine = () => makeHarness(db, [...testActions(probe), hang], { leaseMs: 200 });
    const first = engine();
    const v = await first.savePlan(plan([
      { id: "before", action: "test.add", inputs: { a: lit(1), b: lit(1) } },
      { id: "stuck", action: "test.hang_forever", inputs: {}, after: ["before"] },
      { id: "later", action: "test.add", inputs: { a: lit(2), b: lit(2) }, after: ["stuck"] },
    ]));
    let running = onStart();
    const runId = await first.engine.start({ planVersionId: v });
    await running;
    // the step's start is stored before the engine dies
    await waitFor(async () => (await first.store.load(runId))!.steps.find((s) => s.stepId === "stuck")!.status === "running");
    await first.engine.close();

    // First resume: the step runs again, and the engine dies again.
    const second = engine();
    running = onStart();
    await resumeUntil(second, async () => (await db.prisma.runEvent.count({ where: { runId, type: "step.started", stepId: "stuck" } })) === 2);
    await running;
    await second.engine.close();

    // Second resume: quarantined instead of running the step a third time.
    const third = engine();
    await resumeUntil(third, async () => (await db.prisma.run.findUnique({ where: { id: runId } }))!.status === "failed");
    const done = await third.engine.wait(runId, { timeoutMs: 20_000 });
    await third.engine.close();
    expect(starts).toBe(2);
    expect(done.run.status).toBe("failed");
    expect(done.run.failure).toMatchObject({ code: "internal", retryable: false, details: { quarantined: true, steps: ["stuck"], crashes: 2 } });
    expect(done.run.failure!.message).toMatch(/^Quarantined: the process executing this run stopped 2 times in a row while step "stuck" was running/);
    expect(Object.fromEntries(done.steps.map((s) => [s.stepId, s.status]))).toEqual({ before: "succeeded", stuck: "failed", later: "skipped" });
    expect(done.steps.find((s) => s.stepId === "stuck")!.failure!.message).toMatch(/^quarantined: /);
    expect(probe.calls.get("before")).toBe(1);
    const log = await third.store.events(runId);
    expect(log.filter((e) => e.type === "run.started").map((e) => e.type === "run.started" && e.data?.interrupted)).toEqual([undefined, ["stuck"], ["stuck"]]);

    // Not resumed again.
    const fourth = engine();
    expect(await fourth.engine.resumeAll()).not.toContain(runId);
    await fourth.engine.close();
  });
});

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 20_000) {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error("timed out waiting for a condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resumes unfinished runs until `cond` holds (on PostgreSQL a dead engine's claim must lapse before its run is taken). */
async function resumeUntil(h: Harness, cond: () => Promise<boolean>) {
  await waitFor(async () => {
    await h.engine.resumeAll();
    return cond();
  });
}
