/**
 * Queue mode end to end: an engine as a web server has it hands steps to BullMQ, and `trellis
 * worker` child processes run them, on this machine's PostgreSQL and Redis (a database and a key
 * prefix of this file's own). Tests wait for conditions (events, trace lines), never for the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { isItemEvent, runOutcome, type Plan, type RunEvent, type Step } from "../../lib/core";
import type { Engine } from "../../lib/engine/engine";
import { queueAvailability, queueHarness, type QueueHarness } from "../support/queue-harness";
import { queueActions, readTrace, release, type TraceLine } from "../support/queue-actions";
import { freshDatabase } from "../support/databases";
import { makeHarness, type Harness } from "../support/engine-harness";
import type { Database } from "../../lib/store/database";
import { input, item, lit, ref, when } from "../support/bindings";

const q = await queueAvailability();

/** Resolves once the trace has a line that `match` accepts. */
async function traced(h: QueueHarness, match: (l: TraceLine) => boolean): Promise<TraceLine> {
  for (;;) {
    const hit = readTrace(h.dir).find(match);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const add = (id: string, a: unknown, b: unknown, extra: Partial<Step> = {}): Step => ({ id, action: "q.add", inputs: { a: (typeof a === "number" ? lit(a) : a) as never, b: (typeof b === "number" ? lit(b) : b) as never }, ...extra });

/**
 * x → a (sum = x); big runs when the sum is > 2, small when it is <= 2 (or `smallWhen`); merge
 * adds 1000 to whichever ran; after_small needs small's own output, after_merge the merge's.
 */
const branching = (smallWhen = "${steps.a.output.sum} <= 2"): Plan => ({
  goal: "branch", flows: [], outputs: { total: ref("merge", "sum") },
  inputs: [{ name: "x", schema: { type: "number" } }, { name: "mode", schema: { type: "string" }, required: false }],
  steps: [
    add("a", input("x"), 0),
    add("big", ref("a", "sum"), 100, { when: when("${steps.a.output.sum} > 2") }),
    add("small", ref("a", "sum"), 10, { when: when(smallWhen) }),
    add("merge", { kind: "firstOf", of: [ref("big", "sum"), ref("small", "sum")] }, 1000),
    add("after_small", ref("small", "sum"), 1),
    add("after_merge", ref("merge", "sum"), 1),
  ],
});

/**
 * What a run's events say, as two engines can compare it: each step's events in order (their data
 * but the times), and the run's. A for-each step's items run at once: their events are in
 * `items`, each item's in order (their data but the times).
 */
function story(events: RunEvent[]) {
  const steps: Record<string, unknown[]> = {};
  const items: Record<string, Record<number, unknown[]>> = {};
  const run: unknown[] = [];
  for (const e of events) {
    if (e.type === "step.log" || e.type === "step.progress") continue;
    if (isItemEvent(e)) {
      const { ms: _ms, ...data } = e.data as typeof e.data & { ms?: number };
      ((items[e.stepId!] ??= {})[e.data.index] ??= []).push({ type: e.type, data });
      continue;
    }
    const data = e.type === "step.started" || e.type === "step.succeeded" ? { attempt: e.data.attempt } : e.type === "run.queued" ? {} : e.data;
    if (e.stepId) (steps[e.stepId] ??= []).push({ type: e.type, data });
    else run.push({ type: e.type, data });
  }
  return { run, steps, items };
}

/** Resolves once `check` holds, asking every 20 ms. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

/** Resolves once the run's stored events hold one that `match` accepts. */
const stored = (h: QueueHarness, runId: string, match: (e: RunEvent) => boolean) => until(async () => (await h.store.events(runId)).some(match));

/** The index of the item a trace line is about (its idempotency key ends with it). */
const itemOf = (l: TraceLine) => Number(l.key.split(":").pop());

/** each: q.item for each of `items` (two at a time), then next. */
const eachPlan = (items: unknown[], extra: Partial<Step> = {}): Plan => ({
  goal: "each", flows: [], inputs: [], outputs: { doubled: ref("each", "doubled") },
  steps: [
    { id: "each", action: "q.item", inputs: { n: item("n"), hold: item("hold"), fail: item("fail") }, forEach: { items: lit(items), concurrency: 2 }, ...extra },
    { id: "next", action: "q.sleep", inputs: { ms: lit(1) }, after: ["each"] },
  ],
});

const runOn = async (on: { engine: Engine; savePlan(p: Plan): Promise<string> }, plan: Plan, inputs: Record<string, unknown> = {}) => on.engine.run({ planVersionId: await on.savePlan(plan), inputs });

describe.runIf(q.run)("queue mode: steps on BullMQ workers", () => {
  let h: QueueHarness;
  let workers: ChildProcess[];
  beforeAll(async () => {
    h = await queueHarness();
    // Two worker processes of two steps each; stalled jobs are found within about a second.
    workers = [await h.startWorker({ QUEUE_CONCURRENCY: "2", QUEUE_LOCK_MS: "1500", QUEUE_RECONCILE_MS: "300" }), await h.startWorker({ QUEUE_CONCURRENCY: "2", QUEUE_LOCK_MS: "1500", QUEUE_RECONCILE_MS: "300" })];
  }, 60_000);
  afterAll(async () => { await h?.close(); }, 60_000);

  it("runs a run across two worker processes, every step once, its events live on this process's bus", async () => {
    // Four steps that end only once all four run at once: two workers of two steps each must share them.
    const plan: Plan = {
      goal: "wide", flows: [], inputs: [], outputs: { last: { kind: "step", step: "join", path: ["pid"] } },
      steps: [
        ...["g1", "g2", "g3", "g4"].map((id) => ({ id, action: "q.gather", inputs: { group: lit("wide"), parties: lit(4) } })),
        { id: "join", action: "q.sleep", inputs: { ms: lit(1) }, after: ["g1", "g2", "g3", "g4"] },
      ],
    };
    const seen: RunEvent[] = [];
    const off = h.engine.bus.subscribeAll((e) => seen.push(e));
    const done = await h.engine.run({ planVersionId: await h.savePlan(plan) });
    off();
    expect(done.run.status).toBe("succeeded");
    const runId = done.run.id;
    const trace = readTrace(h.dir).filter((l) => l.runId === runId);
    for (const id of ["g1", "g2", "g3", "g4", "join"]) expect(trace.filter((l) => l.stepId === id && l.what === "start")).toHaveLength(1);
    expect(new Set(trace.filter((l) => l.stepId.startsWith("g")).map((l) => l.pid)).size).toBe(2);
    expect(trace.every((l) => l.pid !== process.pid)).toBe(true);
    // Every stored event reached this process's bus, in order, once (the workers wrote them).
    const stored = await h.store.events(runId);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(seen.filter((e) => e.runId === runId).map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
  }, 60_000);

  describe("conditions and merges, as the embedded engine runs them", () => {
    let embeddedDb: Database;
    let embedded: Harness;
    beforeAll(async () => {
      // The same plans on the embedded engine, on a database of its own (the workers' reconciler
      // takes every unfinished run of theirs).
      embeddedDb = await freshDatabase("pglite");
      embedded = makeHarness(embeddedDb, queueActions(h.dir));
    }, 60_000);
    afterAll(async () => { await embedded?.engine.close(); await embeddedDb?.close(); });

    it.each([
      { name: "big runs", plan: branching(), x: 3, statuses: { a: "succeeded", big: "succeeded", small: "skipped", merge: "succeeded", after_small: "skipped", after_merge: "succeeded" }, outputs: { total: 1103 } },
      { name: "small runs", plan: branching(), x: 1, statuses: { a: "succeeded", big: "skipped", small: "succeeded", merge: "succeeded", after_small: "succeeded", after_merge: "succeeded" }, outputs: { total: 1011 } },
      { name: "no branch runs", plan: branching("${steps.a.output.sum} < 0"), x: 1, statuses: { a: "succeeded", big: "skipped", small: "skipped", merge: "skipped", after_small: "skipped", after_merge: "skipped" }, outputs: {} },
    ])("$name: the same events, skips and outcome as the embedded engine", async ({ plan, x, statuses, outputs }) => {
      const [queued, inProcess] = await Promise.all([runOn(h, plan, { x }), runOn(embedded, plan, { x })]);
      for (const done of [queued, inProcess]) {
        expect(done.run.status).toBe("succeeded");
        expect(runOutcome(done.run)).toBe("clean");
        expect(done.run.partial).toBe(false);
        expect(done.run.outputs).toEqual(outputs);
        expect(Object.fromEntries(done.steps.map((s) => [s.stepId, s.status]))).toEqual(statuses);
      }
      const [q1, e1] = [story(await h.store.events(queued.run.id)), story(await embedded.store.events(inProcess.run.id))];
      expect(q1).toEqual(e1);
      // Skipped steps never reached a worker.
      const ran = readTrace(h.dir).filter((l) => l.runId === queued.run.id && l.what === "start").map((l) => l.stepId).sort();
      expect(ran).toEqual(Object.entries(statuses).filter(([, st]) => st === "succeeded").map(([id]) => id).sort());
      if (x === 3) {
        expect(q1.steps.small).toEqual([{ type: "step.skipped", data: { reason: "condition false: sum was 3", condition: { when: "${steps.a.output.sum} <= 2", values: [{ ref: "${steps.a.output.sum}", name: "sum", value: 3 }] } } }]);
        expect(q1.steps.after_small).toEqual([{ type: "step.skipped", data: { reason: '"small" did not produce an output (its condition was false)', cause: "small", byCondition: true } }]);
      }
      if (!outputs.total) {
        expect(q1.steps.merge).toEqual([{ type: "step.skipped", data: { reason: 'no branch of "a" produced a value', cause: "big", byCondition: true } }]);
        expect(q1.steps.after_merge).toEqual([{ type: "step.skipped", data: { reason: '"merge" did not produce an output (its condition was false)', cause: "big", byCondition: true } }]);
      }
    }, 60_000);

    it("a condition that cannot be evaluated fails its step, and the run, as in the embedded engine", async () => {
      const plan = branching();
      plan.steps[1] = { ...plan.steps[1], when: when('${inputs.mode} == "fast"') };
      const [queued, inProcess] = await Promise.all([runOn(h, plan, { x: 3 }), runOn(embedded, plan, { x: 3 })]);
      const big = (done: typeof queued) => done.steps.find((s) => s.stepId === "big")!;
      expect(big(queued).status).toBe("failed");
      expect(big(queued).failure).toMatchObject({ code: "condition_error", message: 'its condition cannot be evaluated: the plan input "mode" has no value' });
      expect(big(queued).failure).toEqual(big(inProcess).failure);
      expect(queued.run.status).toBe("failed");
      expect(queued.run.failure).toEqual(inProcess.run.failure);
      const failed = (await h.store.events(queued.run.id)).filter((e) => e.type === "step.failed" && e.stepId === "big");
      expect(failed).toHaveLength(1);
      expect(readTrace(h.dir).filter((l) => l.runId === queued.run.id && l.stepId === "big")).toEqual([]);
    }, 60_000);

    it("checks the run's result against the plan's result schema, as the embedded engine does", async () => {
      const schema = { type: "object", properties: { total: { type: "number", maximum: 1050 } }, required: ["total"] };
      const plan = { ...branching(), result: { schema } };
      const [queued, inProcess] = await Promise.all([runOn(h, plan, { x: 3 }), runOn(embedded, plan, { x: 3 })]);
      expect(queued.run.status).toBe("failed");
      expect(queued.run.failure).toMatchObject({ code: "result_invalid", details: { result: { total: 1103 } } });
      expect(queued.run.failure).toEqual(inProcess.run.failure);
      const fits = await runOn(h, { ...branching(), result: { schema: { ...schema, properties: { total: { type: "number", maximum: 2000 } } } } }, { x: 3 });
      expect(fits.run.status).toBe("succeeded");
    }, 60_000);
  });

  it("heals a crash between a commit and its enqueue: the reconciler hands out the ready step", async () => {
    // An engine whose change commits and whose process "dies" before the jobs are added.
    const crashing = await queueHarness({ afterCommit: () => { throw new Error("the process died before it added the jobs"); } });
    try {
      const worker = await crashing.startWorker({ QUEUE_CONCURRENCY: "1", QUEUE_RECONCILE_MS: "200" });
      const plan: Plan = { goal: "crash window", flows: [], inputs: [], outputs: {}, steps: [{ id: "a", action: "q.sleep", inputs: { ms: lit(1) } }, { id: "b", action: "q.sleep", inputs: { ms: lit(1) }, after: ["a"] }] };
      await expect(crashing.engine.start({ planVersionId: await crashing.savePlan(plan) })).rejects.toThrow(/died before/);
      const row = await crashing.db.prisma.run.findFirstOrThrow({ include: { steps: true } });
      expect(row.status).toBe("running");
      expect(row.steps.every((s) => s.status === "pending")).toBe(true);
      // Nothing was enqueued; the worker's reconciler finds "a" ready without a job.
      const done = await crashing.engine.wait(row.id, { timeoutMs: 60_000 });
      expect(done.run.status).toBe("succeeded");
      const trace = readTrace(crashing.dir);
      expect(trace.filter((l) => l.what === "done").map((l) => l.stepId).sort()).toEqual(["a", "b"]);
      expect(worker.exitCode).toBeNull();
    } finally {
      await crashing.close();
    }
  }, 90_000);

  it("cancel stops the step running on a worker", async () => {
    const plan: Plan = { goal: "cancel", flows: [], inputs: [], outputs: {}, steps: [{ id: "held", action: "q.hold", inputs: {} }, { id: "next", action: "q.sleep", inputs: { ms: lit(1) }, after: ["held"] }] };
    const runId = await h.engine.start({ planVersionId: await h.savePlan(plan) });
    await traced(h, (l) => l.runId === runId && l.stepId === "held" && l.what === "start");
    await h.engine.cancel(runId);
    // The action on the worker is told through its signal.
    await traced(h, (l) => l.runId === runId && l.stepId === "held" && l.what === "aborted");
    const done = await h.engine.wait(runId);
    expect(done.run.status).toBe("cancelled");
    expect(done.steps.map((s) => s.status).sort()).toEqual(["cancelled", "cancelled"]);
    expect(readTrace(h.dir).filter((l) => l.runId === runId && l.what === "done")).toEqual([]);
  }, 60_000);

  it("an approval resumes the run through the queue", async () => {
    const plan: Plan = { goal: "approve", flows: [], inputs: [], outputs: {}, steps: [{ id: "ask", action: "q.sleep", inputs: { ms: lit(1) }, approval: true }, { id: "then", action: "q.sleep", inputs: { ms: lit(1) }, after: ["ask"] }] };
    const runId = await h.engine.start({ planVersionId: await h.savePlan(plan) });
    const waiting = await h.engine.wait(runId, { untilApproval: true });
    expect(waiting.run.status).toBe("awaiting_approval");
    expect(readTrace(h.dir).filter((l) => l.runId === runId)).toEqual([]);
    await h.engine.approve(runId, "ask", { by: "tester" });
    const done = await h.engine.wait(runId);
    expect(done.run.status).toBe("succeeded");
    const trace = readTrace(h.dir).filter((l) => l.runId === runId && l.what === "done");
    expect(trace.map((l) => l.stepId)).toEqual(["ask", "then"]);
    expect(trace.every((l) => l.pid !== process.pid)).toBe(true);
  }, 60_000);

  it("holds a run's concurrency across workers, and retries through a delayed job", async () => {
    // Four workers' slots, a run that allows two steps at once.
    const plan: Plan = {
      goal: "limit", flows: [], inputs: [], outputs: {},
      steps: [...["a", "b", "c", "d", "e"].map((id) => ({ id, action: "q.sleep", inputs: { ms: lit(30) } })), { id: "flaky", action: "q.flaky", inputs: {} }],
    };
    const done = await h.engine.run({ planVersionId: await h.savePlan(plan), options: { concurrency: 2 } });
    expect(done.run.status).toBe("succeeded");
    const events = await h.store.events(done.run.id);
    // Folded in order, the log never has more than two steps running (or waiting to retry) at once.
    const busy = new Set<string>();
    let most = 0;
    for (const e of events) {
      if (!e.stepId) continue;
      if (e.type === "step.started" || e.type === "step.retrying") busy.add(e.stepId);
      else if (e.type !== "step.log" && e.type !== "step.progress") busy.delete(e.stepId);
      most = Math.max(most, busy.size);
    }
    expect(most).toBe(2);
    // The flaky step failed once, waited as a delayed job, and its second attempt succeeded.
    const retrying = events.find((e) => e.type === "step.retrying" && e.stepId === "flaky");
    expect(retrying).toBeDefined();
    expect(done.steps.find((s) => s.stepId === "flaky")).toMatchObject({ status: "succeeded", attempts: 2 });
    const trace = readTrace(h.dir).filter((l) => l.runId === done.run.id && l.stepId === "flaky");
    expect(trace.map((l) => `${l.what}@${l.attempt}`)).toEqual(["start@1", "failed@1", "start@2", "done@2"]);
  }, 60_000);

  it("a killed worker's step runs again on another worker with the same idempotency key; finished steps do not", async () => {
    const plan: Plan = {
      goal: "kill", flows: [], inputs: [], outputs: {},
      steps: [
        { id: "first", action: "q.sleep", inputs: { ms: lit(1) } },
        { id: "held", action: "q.hold", inputs: {}, after: ["first"] },
        { id: "last", action: "q.sleep", inputs: { ms: lit(1) }, after: ["held"] },
      ],
    };
    const runId = await h.engine.start({ planVersionId: await h.savePlan(plan) });
    const started = await traced(h, (l) => l.runId === runId && l.stepId === "held" && l.what === "start");
    const victim = workers.find((w) => w.pid === started.pid)!;
    const gone = new Promise((r) => victim.once("exit", r));
    victim.kill("SIGKILL");
    await gone;
    release(h.dir, "held");
    const done = await h.engine.wait(runId, { timeoutMs: 60_000 });
    expect(done.run.status).toBe("succeeded");
    const trace = readTrace(h.dir).filter((l) => l.runId === runId);
    const held = trace.filter((l) => l.stepId === "held" && l.what === "start");
    expect(held).toHaveLength(2);
    expect(held[1].pid).not.toBe(started.pid);
    expect(held[1].key).toBe(held[0].key);
    expect(held[1].attempt).toBe(held[0].attempt);
    expect(trace.filter((l) => l.stepId === "first" && l.what === "start")).toHaveLength(1);
    expect(trace.filter((l) => l.stepId === "last" && l.what === "start")).toHaveLength(1);
    const stored = await h.store.events(runId);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.filter((e) => e.type === "step.succeeded").map((e) => e.stepId)).toEqual(["first", "held", "last"]);
  }, 90_000);

  it("a step that kills every worker that runs it is quarantined: it runs twice, then it and its run fail", async () => {
    // Three workers of their own: the step takes two of them down.
    const own = await Promise.all([1, 2, 3].map(() => h.startWorker({ QUEUE_CONCURRENCY: "1", QUEUE_LOCK_MS: "1500", QUEUE_RECONCILE_MS: "300" })));
    const plan: Plan = {
      goal: "poison", flows: [], inputs: [], outputs: {},
      steps: [
        { id: "boom", action: "q.crash", inputs: {} },
        { id: "after", action: "q.sleep", inputs: { ms: lit(1) }, after: ["boom"] },
      ],
    };
    const runId = await h.engine.start({ planVersionId: await h.savePlan(plan), options: { failurePolicy: "continue" } });
    const done = await h.engine.wait(runId, { timeoutMs: 60_000 });
    expect(done.run.status).toBe("failed");
    expect(done.run.failure?.message).toMatch(/^Quarantined: .*stopped 2 times in a row while step "boom" was running/);
    const boom = done.steps.find((s) => s.stepId === "boom")!;
    expect(boom.status).toBe("failed");
    expect(boom.failure?.details).toEqual({ quarantined: true, steps: ["boom"], crashes: 2 });
    expect(done.steps.find((s) => s.stepId === "after")!.status).toBe("skipped");
    const starts = readTrace(h.dir).filter((l) => l.runId === runId && l.stepId === "boom" && l.what === "start");
    expect(starts).toHaveLength(2);
    expect(starts[1].pid).not.toBe(starts[0].pid);
    const stored = await h.store.events(runId);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.filter((e) => e.type === "step.started" && e.stepId === "boom")).toHaveLength(2);
    for (const w of own) if (w.exitCode === null && w.signalCode === null) w.kill("SIGTERM");
  }, 90_000);
  /**
   * For a describe: two workers of its own (the tests before may have left none of theirs), and
   * the embedded engine with the same actions on a database of its own (the workers' reconciler
   * takes every unfinished run of theirs), to compare with.
   */
  function workersAndEmbedded() {
    const side = {} as { own: ChildProcess[]; embeddedDb: Database; embedded: Harness };
    beforeAll(async () => {
      side.own = [await h.startWorker({ QUEUE_CONCURRENCY: "2", QUEUE_LOCK_MS: "1500", QUEUE_RECONCILE_MS: "300" }), await h.startWorker({ QUEUE_CONCURRENCY: "2", QUEUE_LOCK_MS: "1500", QUEUE_RECONCILE_MS: "300" })];
      side.embeddedDb = await freshDatabase("pglite");
      side.embedded = makeHarness(side.embeddedDb, queueActions(h.dir));
    }, 60_000);
    afterAll(async () => { await side.embedded?.engine.close(); await side.embeddedDb?.close(); });
    return side;
  }

  describe("for-each steps, one step job each", () => {
    const side = workersAndEmbedded();

    it("runs the items on a worker with the same outputs, item events and skips as the embedded engine", async () => {
      const plan = eachPlan([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }], { when: when("${item.n} != 2") });
      const [queued, inProcess] = await Promise.all([runOn(h, plan), runOn(side.embedded, plan)]);
      for (const done of [queued, inProcess]) {
        expect(done.run.status).toBe("succeeded");
        expect(done.run.outputs).toEqual({ doubled: [2, 6, 8] });
        expect(Object.fromEntries(done.steps.map((s) => [s.stepId, s.status]))).toEqual({ each: "succeeded", next: "succeeded" });
      }
      const [q1, e1] = [story(await h.store.events(queued.run.id)), story(await side.embedded.store.events(inProcess.run.id))];
      expect(q1).toEqual(e1);
      expect(q1.items.each[1]).toEqual([{ type: "step.item.skipped", data: { index: 1, reason: "condition false: ${item.n} != 2" } }]);
      expect(q1.items.each[0]).toEqual([{ type: "step.item.started", data: { index: 0, attempt: 1 } }, { type: "step.item.succeeded", data: { index: 0, attempt: 1, output: { n: 1, doubled: 2 }, inputHash: expect.any(String) } }]);
      const started = (await h.store.events(queued.run.id)).filter((e) => e.type === "step.started" && e.stepId === "each");
      expect(started.map((e) => e.data)).toEqual([{ attempt: 1, input: { items: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }] }, items: 4 }]);
      // Each item but the skipped one ran once, on a worker.
      const trace = readTrace(h.dir).filter((l) => l.runId === queued.run.id && l.stepId === "each" && l.what === "start");
      expect(trace.map(itemOf).sort()).toEqual([0, 2, 3]);
      expect(trace.every((l) => l.pid !== process.pid)).toBe(true);
    }, 60_000);

    it("runs no more items at once than the step's concurrency, nor than the run's limit", async () => {
      const items = [41, 42, 43, 44].map((n) => ({ n }));
      /** the most items the stored events show running at once */
      const most = async (runId: string) => {
        const running = new Set<number>();
        let top = 0;
        for (const e of await h.store.events(runId)) {
          if (e.type === "step.item.started") running.add(e.data.index);
          else if (isItemEvent(e)) running.delete(e.data.index);
          top = Math.max(top, running.size);
        }
        return top;
      };
      const wide = eachPlan(items, { forEach: { items: lit(items), concurrency: 3 } });
      const [free, limited] = await Promise.all([
        h.engine.run({ planVersionId: await h.savePlan(wide) }),
        h.engine.run({ planVersionId: await h.savePlan(wide), options: { concurrency: 1 } }),
      ]);
      for (const done of [free, limited]) expect(done.run.outputs).toEqual({ doubled: [82, 84, 86, 88] });
      expect(await most(free.run.id)).toBeLessThanOrEqual(3);
      expect(await most(limited.run.id)).toBe(1);
    }, 60_000);

    it("a failed item gives the fallback under onError continue; without it, it fails the step and the run", async () => {
      const items = [{ n: 1 }, { n: 2, fail: true }, { n: 3 }];
      const going = eachPlan(items, { onError: "continue", fallback: { n: -1, doubled: -1 } });
      const [queued, inProcess] = await Promise.all([runOn(h, going), runOn(side.embedded, going)]);
      for (const done of [queued, inProcess]) {
        expect(done.run.status).toBe("succeeded");
        expect(done.run.outputs).toEqual({ doubled: [2, -1, 6] });
      }
      const [q1, e1] = [story(await h.store.events(queued.run.id)), story(await side.embedded.store.events(inProcess.run.id))];
      expect(q1).toEqual(e1);
      expect(q1.items.each[1]).toEqual([{ type: "step.item.started", data: { index: 1, attempt: 1 } }, { type: "step.item.failed", data: { index: 1, attempt: 1, failure: { code: "action_error", actionCode: "bad_item", message: "item 2 is bad", retryable: false } } }]);

      const stopping = eachPlan(items);
      const [qFailed, eFailed] = await Promise.all([runOn(h, stopping), runOn(side.embedded, stopping)]);
      const each = (done: typeof qFailed) => done.steps.find((s) => s.stepId === "each")!;
      expect(each(qFailed).status).toBe("failed");
      expect(each(qFailed).failure).toMatchObject({ code: "action_error", message: "1 of 3 items failed; item 1: item 2 is bad", details: { failedItems: [1] } });
      expect(each(qFailed).failure).toEqual(each(eFailed).failure);
      expect(each(qFailed).output ?? null).toBeNull();
      expect(qFailed.run.status).toBe("failed");
      expect(qFailed.run.failure).toEqual(eFailed.run.failure);
      expect(qFailed.steps.find((s) => s.stepId === "next")!.status).toBe("skipped");
    }, 60_000);

    it("a retry of the run runs only the item that failed; the others keep their outputs", async () => {
      const plan = eachPlan([{ n: 51 }, { n: 52, fail: true }, { n: 53 }], { forEach: { items: lit([{ n: 51 }, { n: 52, fail: true }, { n: 53 }]), concurrency: 1 } });
      const first = await runOn(h, plan);
      expect(first.run.status).toBe("failed");
      release(h.dir, "fix-52");
      const retryId = await h.engine.retry(first.run.id);
      const done = await h.engine.wait(retryId);
      expect(done.run.status).toBe("succeeded");
      expect(done.run.outputs).toEqual({ doubled: [102, 104, 106] });
      const reused = (await h.store.events(retryId)).flatMap((e) => (e.type === "step.item.succeeded" && e.data.reusedFromRunId === first.run.id ? [e.data.index] : []));
      expect(reused).toEqual([0]);
      const ran = (runId: string) => readTrace(h.dir).filter((l) => l.runId === runId && l.stepId === "each" && l.what === "start").map(itemOf);
      // One at a time: the item after the failed one never started in the first run.
      expect(ran(first.run.id)).toEqual([0, 1]);
      expect(ran(retryId)).toEqual([1, 2]);
    }, 60_000);

    it("cancel stops the items running on a worker, and no other item starts", async () => {
      const runId = await h.engine.start({ planVersionId: await h.savePlan(eachPlan([21, 22, 23].map((n) => ({ n, hold: true })))) });
      const mine = (what: string) => readTrace(h.dir).filter((l) => l.runId === runId && l.what === what).map(itemOf).sort();
      await until(() => mine("start").length === 2);
      await h.engine.cancel(runId);
      // Both items' actions are told through their signals.
      await until(() => mine("aborted").length === 2);
      const done = await h.engine.wait(runId);
      expect(done.run.status).toBe("cancelled");
      expect(Object.fromEntries(done.steps.map((s) => [s.stepId, s.status]))).toEqual({ each: "cancelled", next: "cancelled" });
      expect(mine("start")).toEqual([0, 1]);
      expect(mine("done")).toEqual([]);
      expect((await h.store.events(runId)).filter((e) => e.type === "step.item.succeeded")).toEqual([]);
    }, 60_000);

    it("a worker killed mid-step: the step ends on another worker, and its finished items do not run again", async () => {
      const runId = await h.engine.start({ planVersionId: await h.savePlan(eachPlan([{ n: 11 }, { n: 12 }, { n: 13, hold: true }, { n: 14, hold: true }])) });
      const starts = () => readTrace(h.dir).filter((l) => l.runId === runId && l.stepId === "each" && l.what === "start");
      // Items 0 and 1 have ended (their events are stored); 2 and 3 hold.
      await stored(h, runId, (e) => e.type === "step.item.succeeded" && e.data.index === 1);
      await stored(h, runId, (e) => e.type === "step.item.succeeded" && e.data.index === 0);
      await until(() => starts().length === 4);
      const pid = starts()[0].pid;
      const victim = [...workers, ...side.own].find((w) => w.pid === pid)!;
      const gone = new Promise((r) => victim.once("exit", r));
      victim.kill("SIGKILL");
      await gone;
      release(h.dir, `${runId}-13`);
      release(h.dir, `${runId}-14`);
      const done = await h.engine.wait(runId, { timeoutMs: 60_000 });
      expect(done.run.status).toBe("succeeded");
      expect(done.run.outputs).toEqual({ doubled: [22, 24, 26, 28] });
      const byItem = (i: number) => starts().filter((l) => itemOf(l) === i);
      expect(byItem(0)).toHaveLength(1);
      expect(byItem(1)).toHaveLength(1);
      for (const i of [2, 3]) {
        const [first, again] = byItem(i);
        expect(byItem(i)).toHaveLength(2);
        expect(first.pid).toBe(pid);
        expect(again.pid).not.toBe(pid);
        expect(again.key).toBe(first.key);
      }
      const events = await h.store.events(runId);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.flatMap((e) => (e.type === "step.started" && e.stepId === "each" ? [e.data.attempt] : []))).toEqual([1, 1]);
      expect(events.flatMap((e) => (e.type === "step.item.succeeded" ? [e.data.index] : [])).sort()).toEqual([0, 1, 2, 3]);
    }, 90_000);
  });

  describe("rollbackOnFailure: a failed run's writes undone on a worker", () => {
    const side = workersAndEmbedded();

    const write = (id: string, extra: Record<string, unknown> = {}, after?: string): Step => ({ id, action: "q.write", inputs: { key: lit(id), ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, lit(v)])) }, ...(after ? { after: [after] } : {}) });
    /** w1 → w2 → sum (pure) → w3 → bad (fails): the writes end in that order, then the run fails */
    const failingChain = (w2: Record<string, unknown> = {}, bad = 901): Plan => ({
      goal: "rollback", flows: [], inputs: [], outputs: {},
      steps: [
        write("w1"),
        write("w2", w2, "w1"),
        { ...add("sum", 1, 2), after: ["w2"] },
        write("w3", {}, "sum"),
        { id: "bad", action: "q.item", inputs: { n: lit(bad), fail: lit(true) }, after: ["w3"] },
      ],
    });
    const rollback = { rollbackOnFailure: true };
    /** the run's events as (type, step), but for log lines */
    const sequence = (events: RunEvent[]) => events.filter((e) => e.type !== "step.log" && e.type !== "step.progress").map((e) => `${e.type}${e.stepId ? ` ${e.stepId}` : ""}`);
    const undone = (events: RunEvent[]) => events.flatMap((e) => (e.type === "step.undone" ? [{ stepId: e.stepId, ...e.data }] : []));
    const undoTrace = (runId: string, what = "undone") => readTrace(h.dir).filter((l) => l.runId === runId && l.what === what);

    it("undoes the completed writes newest first, with the embedded engine's step.undone events, before the run's end", async () => {
      const plan = failingChain();
      const [queued, inProcess] = await Promise.all([
        h.engine.run({ planVersionId: await h.savePlan(plan), options: rollback }),
        side.embedded.engine.run({ planVersionId: await side.embedded.savePlan(plan), options: rollback }),
      ]);
      for (const done of [queued, inProcess]) {
        expect(done.run.status).toBe("failed");
        expect(done.run.failure?.message).toBe('step "bad" failed: item 901 is bad');
      }
      expect(queued.run.failure).toEqual(inProcess.run.failure);
      const [qEvents, eEvents] = [await h.store.events(queued.run.id), await side.embedded.store.events(inProcess.run.id)];
      expect(undone(qEvents)).toEqual([{ stepId: "w3", ok: true }, { stepId: "w2", ok: true }, { stepId: "w1", ok: true }]);
      expect(undone(qEvents)).toEqual(undone(eEvents));
      // The same events in the same order: the undos come after the failure and before the run's end.
      expect(sequence(qEvents)).toEqual(sequence(eEvents));
      expect(sequence(qEvents).slice(-4)).toEqual(["step.undone w3", "step.undone w2", "step.undone w1", "run.failed"]);
      expect(story(qEvents)).toEqual(story(eEvents));
      expect(qEvents.map((e) => e.seq)).toEqual(qEvents.map((_, i) => i + 1));
      // Undone on a worker, each once, newest first.
      const lines = undoTrace(queued.run.id);
      expect(lines.map((l) => l.stepId)).toEqual(["w3", "w2", "w1"]);
      expect(lines.every((l) => l.pid !== process.pid)).toBe(true);
    }, 60_000);

    it("an undo that fails is stored as {ok: false, error}, and the other undos still run", async () => {
      const plan = failingChain({ failUndo: true }, 902);
      const [queued, inProcess] = await Promise.all([
        h.engine.run({ planVersionId: await h.savePlan(plan), options: rollback }),
        side.embedded.engine.run({ planVersionId: await side.embedded.savePlan(plan), options: rollback }),
      ]);
      expect(queued.run.status).toBe("failed");
      const qEvents = await h.store.events(queued.run.id);
      expect(undone(qEvents)).toEqual([{ stepId: "w3", ok: true }, { stepId: "w2", ok: false, error: "cannot undo w2" }, { stepId: "w1", ok: true }]);
      expect(undone(qEvents)).toEqual(undone(await side.embedded.store.events(inProcess.run.id)));
      expect(qEvents.at(-1)!.type).toBe("run.failed");
      expect(undoTrace(queued.run.id, "undo").map((l) => l.stepId)).toEqual(["w3", "w2", "w1"]);
      expect(undoTrace(queued.run.id).map((l) => l.stepId)).toEqual(["w3", "w1"]);
    }, 60_000);

    it("a worker killed during the rollback: another worker finishes it, and each write has one step.undone", async () => {
      const runId = await h.engine.start({ planVersionId: await h.savePlan(failingChain({ holdUndo: true }, 903)), options: rollback });
      // w3 is undone (its event stored); w2's undo holds on a worker.
      const holding = await traced(h, (l) => l.runId === runId && l.stepId === "w2" && l.what === "undo");
      expect((await h.store.events(runId)).filter((e) => e.type === "step.undone").map((e) => e.stepId)).toEqual(["w3"]);
      // A failed run that is undoing its writes is not cancelled midway (the embedded engine ends it failed too).
      await expect(h.engine.cancel(runId)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/is undoing its writes/) });
      process.kill(holding.pid, "SIGKILL");
      await until(() => { try { process.kill(holding.pid, 0); return false; } catch { return true; } });
      release(h.dir, `undo-${runId}-w2`);
      const done = await h.engine.wait(runId, { timeoutMs: 60_000 });
      expect(done.run.status).toBe("failed");
      const events = await h.store.events(runId);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(undone(events)).toEqual([{ stepId: "w3", ok: true }, { stepId: "w2", ok: true }, { stepId: "w1", ok: true }]);
      expect(events.at(-1)!.type).toBe("run.failed");
      // w2's undo ran again on another worker (it had no event yet); w3's, stored before the kill, did not.
      const started = undoTrace(runId, "undo");
      expect(started.map((l) => l.stepId)).toEqual(["w3", "w2", "w2", "w1"]);
      expect(started[2].pid).not.toBe(holding.pid);
      expect(undoTrace(runId).map((l) => l.stepId)).toEqual(["w3", "w2", "w1"]);
    }, 90_000);

    it("heals a crash between the change that fails the run and its rollback job's enqueue: the reconciler adds the job", async () => {
      const crashing = await queueHarness();
      try {
        // The only worker at first: it fails the run, and "dies" before it adds the rollback job.
        await crashing.startWorker({ QUEUE_CONCURRENCY: "1", QUEUE_RECONCILE_MS: "0", QUEUE_LOSE_ROLLBACK: "1" });
        const plan: Plan = { goal: "lost rollback", flows: [], inputs: [], outputs: {}, steps: [write("w1"), { id: "bad", action: "q.item", inputs: { n: lit(904), fail: lit(true) }, after: ["w1"] }] };
        const runId = await crashing.engine.start({ planVersionId: await crashing.savePlan(plan), options: rollback });
        await stored(crashing, runId, (e) => e.type === "step.failed" && e.stepId === "bad");
        // No job is left (the failed step job is removed), the run has not ended, nothing was undone.
        await until(async () => Object.values(await crashing.mode.queue.counts()).every((n) => n === 0));
        expect((await crashing.db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("running");
        expect(readTrace(crashing.dir).filter((l) => l.runId === runId && l.what === "undo")).toEqual([]);
        // A worker whose reconciler runs finds the run failing without its rollback job and adds it.
        await crashing.startWorker({ QUEUE_CONCURRENCY: "1", QUEUE_RECONCILE_MS: "200" });
        const done = await crashing.engine.wait(runId, { timeoutMs: 60_000 });
        expect(done.run.status).toBe("failed");
        const events = await crashing.store.events(runId);
        expect(undone(events)).toEqual([{ stepId: "w1", ok: true }]);
        expect(events.at(-1)!.type).toBe("run.failed");
        expect(readTrace(crashing.dir).filter((l) => l.runId === runId && l.what === "undone").map((l) => l.stepId)).toEqual(["w1"]);
      } finally {
        await crashing.close();
      }
    }, 90_000);

    it("a run that succeeds, and a run that is cancelled, are not rolled back", async () => {
      const ok = await h.engine.run({ planVersionId: await h.savePlan({ goal: "fine", flows: [], inputs: [], outputs: {}, steps: [write("w1"), write("w2", {}, "w1")] }), options: rollback });
      expect(ok.run.status).toBe("succeeded");
      expect(undone(await h.store.events(ok.run.id))).toEqual([]);
      expect(undoTrace(ok.run.id, "undo")).toEqual([]);

      // "kept" holds until it is cancelled (no test releases it).
      const runId = await h.engine.start({ planVersionId: await h.savePlan({ goal: "stopped", flows: [], inputs: [], outputs: {}, steps: [write("w1"), { id: "kept", action: "q.hold", inputs: {}, after: ["w1"] }] }), options: rollback });
      await traced(h, (l) => l.runId === runId && l.stepId === "kept" && l.what === "start");
      await h.engine.cancel(runId);
      const cancelled = await h.engine.wait(runId);
      expect(cancelled.run.status).toBe("cancelled");
      expect(Object.fromEntries(cancelled.steps.map((s) => [s.stepId, s.status]))).toEqual({ w1: "succeeded", kept: "cancelled" });
      // Whatever a worker does after the cancel, no undo starts for it.
      await traced(h, (l) => l.runId === runId && l.stepId === "kept" && l.what === "aborted");
      expect(undone(await h.store.events(runId))).toEqual([]);
      expect(undoTrace(runId, "undo")).toEqual([]);
    }, 60_000);
  });
});
