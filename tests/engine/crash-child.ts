/**
 * A Trellis engine in its own process, for the crash test. `start` creates a plan and a
 * run and executes it (the parent kills it mid-run); `resume` reopens the same database,
 * resumes unfinished runs and prints the outcome as JSON. `die-start` runs a plan whose
 * step kills its own process each time it runs (once its start is stored); `resume` then
 * resumes it until it is quarantined. `cond-start` runs a plan with a false condition and a merge;
 * `each-start` a plan with a for-each step of eight slow items. `replan-start` runs a plan whose
 * step always fails: the run re-plans (offline) and goes on. `undo-start` runs three writes and a
 * step that fails, with rollbackOnFailure; the first write's undo hangs the first time it runs
 * (the parent kills the process there).
 */
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { defineAction, type Plan, type Step } from "../../lib/core";
import { openDatabase } from "../../lib/store/database";
import { makeHarness, type Harness } from "../support/engine-harness";
import { harnessReplan } from "../support/replan-service";

const [mode, logFile] = process.argv.slice(2);
const WIDTH = 4;
const DEPTH = 5;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(t); reject(signal.reason); }, { once: true });
  });
}

const record = defineAction({
  id: "test.record", title: "Record", description: "Sleeps, then appends its step id and idempotency key to a log.", effect: "write",
  input: z.object({ ms: z.number(), deps: z.array(z.unknown()).optional(), from: z.string().optional() }),
  output: z.object({ step: z.string() }),
  run: async ({ ms }, ctx) => {
    await sleep(ms, ctx.signal);
    appendFileSync(logFile, `${ctx.stepId} ${ctx.idempotencyKey}\n`);
    return { step: ctx.stepId };
  },
});

/** One item of a for-each step: sleeps, then appends `item<N>` and its idempotency key to the log. */
const recordItem = defineAction({
  id: "test.record_item", title: "Record an item", description: "Sleeps, then appends its item and idempotency key to a log.", effect: "write",
  input: z.object({ i: z.number(), ms: z.number() }),
  output: z.object({ i: z.number() }),
  run: async ({ i, ms }, ctx) => {
    await sleep(ms, ctx.signal);
    appendFileSync(logFile, `item${i} ${ctx.idempotencyKey}\n`);
    return { i };
  },
});

/** A for-each step of eight items, two at a time, between two ordinary steps. */
function eachPlan(): Plan {
  const lit = (value: unknown) => ({ kind: "literal" as const, value });
  return {
    goal: "crash test: a for-each step",
    flows: [],
    inputs: [],
    steps: [
      { id: "first", action: "test.record", inputs: { ms: lit(1) } },
      { id: "each", action: "test.record_item", inputs: { i: { kind: "item" }, ms: lit(250) }, forEach: { items: lit([0, 1, 2, 3, 4, 5, 6, 7]), concurrency: 2 }, after: ["first"] },
      { id: "last", action: "test.record", inputs: { ms: lit(1), deps: { kind: "step", step: "each", path: ["i"] } } },
    ],
    outputs: { items: { kind: "step", step: "each", path: ["i"] } },
  };
}

/** Kills its own process once its start is stored, every time it runs. */
const die = defineAction({
  id: "test.die", title: "Die", description: "Appends its step id and idempotency key to a log, then kills its own process.", effect: "write",
  input: z.object({}), output: z.object({}),
  run: async (_input, ctx) => {
    // The crash comes while the step is durably running: its start (this attempt's) is stored.
    while (!(await db.prisma.runEvent.findFirst({ where: { runId: ctx.runId, stepId: ctx.stepId, type: "step.started", data: { path: ["attempt"], equals: ctx.attempt } } }))) {
      await new Promise((r) => setTimeout(r, 5));
    }
    appendFileSync(logFile, `${ctx.stepId} ${ctx.idempotencyKey}\n`);
    process.kill(process.pid, "SIGKILL");
    return new Promise<Record<string, never>>(() => undefined);
  },
});

/** Always fails; test.record takes the same input and gives the same output: the offline re-planner's replacement. */
const broken = defineAction({
  id: "test.broken", title: "Broken record", description: "Fails every time, without a retry.", effect: "write",
  input: z.object({ ms: z.number(), deps: z.array(z.unknown()).optional(), from: z.string().optional() }),
  output: z.object({ step: z.string() }),
  retry: { maxAttempts: 1 },
  run: async (_input, ctx) => {
    appendFileSync(logFile, `broken:${ctx.stepId} ${ctx.idempotencyKey}\n`);
    throw new Error("this action is broken");
  },
});

/** A write with an undo; the undo of step `w1` hangs the first time it runs (a marker file says it ran). */
const undoable = defineAction({
  id: "test.undoable", title: "Undoable write", description: "Appends its step id to a log; its undo appends undo:<step>.", effect: "write",
  input: z.object({ from: z.string().optional() }),
  output: z.object({ step: z.string() }),
  run: async (_input, ctx) => {
    appendFileSync(logFile, `${ctx.stepId} ${ctx.idempotencyKey}\n`);
    return { step: ctx.stepId };
  },
  undo: async (_input, _output, ctx) => {
    appendFileSync(logFile, `undo:${ctx.stepId} ${ctx.idempotencyKey}\n`);
    if (ctx.stepId === "w1" && !existsSync(`${logFile}.hung`)) {
      writeFileSync(`${logFile}.hung`, "");
      await new Promise(() => undefined);
    }
  },
});

/** Three writes in a chain, then a step that fails for good: the run rolls the writes back, newest first. */
function undoPlan(): Plan {
  const from = (step: string) => ({ from: { kind: "step" as const, step, path: ["step"] } });
  return {
    goal: "crash test: a rollback",
    flows: [],
    inputs: [],
    steps: [
      { id: "w1", action: "test.undoable", inputs: {} },
      { id: "w2", action: "test.undoable", inputs: from("w1") },
      { id: "w3", action: "test.undoable", inputs: from("w2") },
      { id: "bad", action: "test.broken", inputs: { ms: { kind: "literal", value: 1 }, ...from("w3") } },
    ],
    outputs: {},
  };
}

/** A step that fails for good after one that finished; after the re-plan, a quick step and a slow one the kill catches. */
function replanPlan(): Plan {
  const lit = (value: unknown) => ({ kind: "literal" as const, value });
  return {
    goal: "crash test: a re-plan",
    flows: [],
    inputs: [],
    steps: [
      { id: "first", action: "test.record", inputs: { ms: lit(1) } },
      { id: "fix", action: "test.broken", inputs: { ms: lit(1), from: { kind: "step", step: "first", path: ["step"] } } },
      { id: "mid", action: "test.record", inputs: { ms: lit(1), from: { kind: "step", step: "fix", path: ["step"] } } },
      { id: "slow", action: "test.record", inputs: { ms: lit(1500), from: { kind: "step", step: "mid", path: ["step"] } } },
    ],
    outputs: {},
  };
}

function diePlan(): Plan {
  return {
    goal: "crash test: a step that kills its process",
    flows: [],
    inputs: [],
    steps: [
      { id: "first", action: "test.record", inputs: { ms: { kind: "literal", value: 1 } } },
      { id: "die", action: "test.die", inputs: {}, after: ["first"] },
      { id: "last", action: "test.record", inputs: { ms: { kind: "literal", value: 1 } }, after: ["die"] },
    ],
    outputs: {},
  };
}

/** A branch whose condition is false (skipped, with the step after it), a slow step the kill catches, and a merge. */
function condPlan(): Plan {
  const lit = (value: unknown) => ({ kind: "literal" as const, value });
  return {
    goal: "crash test: a false condition",
    flows: [],
    inputs: [],
    steps: [
      { id: "first", action: "test.record", inputs: { ms: lit(1) } },
      { id: "skipme", action: "test.record", inputs: { ms: lit(1) }, when: { op: "==", left: { kind: "step", step: "first", path: ["step"] }, right: lit("nope") } },
      { id: "after_skip", action: "test.record", inputs: { ms: lit(1) }, after: ["skipme"] },
      { id: "slow", action: "test.record", inputs: { ms: lit(1500) }, after: ["first"] },
      { id: "merge", action: "test.record", inputs: { ms: lit(1), from: { kind: "firstOf", of: [{ kind: "step", step: "skipme", path: ["step"] }, { kind: "step", step: "slow", path: ["step"] }] } } },
    ],
    outputs: {},
  };
}

function dagPlan(): Plan {
  const steps: Step[] = [];
  for (let d = 0; d < DEPTH; d++) {
    for (let w = 0; w < WIDTH; w++) {
      const deps = d === 0 ? [] : [`s${d - 1}_${w}`, `s${d - 1}_${(w + 1) % WIDTH}`];
      steps.push({ id: `s${d}_${w}`, action: "test.record", inputs: { ms: { kind: "literal", value: 120 + 40 * w }, ...(deps.length ? { deps: { kind: "literal", value: [] } } : {}) }, after: deps });
    }
  }
  return { goal: "crash test", flows: [], inputs: [], steps, outputs: {} };
}

const db = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dir: process.env.TRELLIS_TEST_DB_DIR });
// A short lease: on PostgreSQL the second process waits for the first one's claim to lapse.
const h: Harness = makeHarness(db, [record, recordItem, die, broken, undoable], { runConcurrency: WIDTH, leaseMs: 1500, replan: harnessReplan(db, () => h.registry) });

const PLANS: Record<string, () => Plan> = { start: dagPlan, "die-start": diePlan, "cond-start": condPlan, "each-start": eachPlan, "replan-start": replanPlan, "undo-start": undoPlan };
if (PLANS[mode]) {
  const versionId = await h.savePlan(PLANS[mode]());
  const options = mode === "replan-start" ? { replan: { onFailure: true, maxReplans: 2, approve: "auto" as const } } : mode === "undo-start" ? { rollbackOnFailure: true } : undefined;
  const runId = await h.engine.start({ planVersionId: versionId, ...(options ? { options } : {}) });
  process.stdout.write(`${JSON.stringify({ runId })}\n`);
  await h.engine.wait(runId);
  process.stdout.write(`${JSON.stringify({ finished: true })}\n`);
} else {
  const resumed = await db.prisma.run.findMany({ where: { status: { in: ["queued", "running"] } }, select: { id: true } }).then((rows) => rows.map((r) => r.id));
  await h.engine.resumeAll();
  h.engine.startResumePoller();
  const results = [];
  for (const id of resumed) {
    const done = await h.engine.wait(id, { timeoutMs: 30_000 });
    const events = await h.store.events(id);
    results.push({
      runId: id,
      status: done.run.status,
      seqs: events.map((e) => e.seq),
      started: events.filter((e) => e.type === "step.started").map((e) => e.stepId),
      resumedEvents: events.filter((e) => e.type === "run.started").length,
      // steps whose success was stored only after the resume: the ones the kill caught before their success was durable
      succeededAfterResume: events.filter((e) => e.type === "step.succeeded" && e.seq > events.filter((r) => r.type === "run.started").at(-1)!.seq).map((e) => e.stepId),
      steps: done.steps.map((s) => ({ id: s.stepId, status: s.status, attempts: s.attempts, key: s.idempotencyKey })),
      skipped: events.flatMap((e) => (e.type === "step.skipped" ? [{ id: e.stepId, reason: e.data.reason }] : [])),
      partial: done.run.partial ?? false,
      outputs: done.run.outputs ?? null,
      // for-each items whose success was stored before the (last) resume
      itemsDoneBeforeResume: events.filter((e) => e.type === "step.item.succeeded" && e.seq < events.filter((r) => r.type === "run.started").at(-1)!.seq).map((e) => (e.type === "step.item.succeeded" ? e.data.index : -1)),
      failure: done.run.failure ?? null,
      planVersionId: done.run.planVersionId,
      actions: Object.fromEntries(done.plan.steps.map((s) => [s.id, s.action])),
      replanned: events.flatMap((e) => (e.type === "run.replanned" ? [e.data] : [])),
      undone: events.flatMap((e) => (e.type === "step.undone" ? [{ id: e.stepId, ok: e.data.ok }] : [])),
    });
  }
  process.stdout.write(`${JSON.stringify({ resumed, results })}\n`);
}
await h.engine.close();
await db.close();
process.exit(0);
