/**
 * Engine benchmarks, one JSON object a line.
 *   engine.parallel: 8x8 DAG of 50 ms sleeps; ratio = makespan / critical path (target <= 1.10).
 *     Makespan runs from the run's start to the commit of its run.succeeded event.
 *   engine.overhead: 1000 no-op steps, chain and wide (target <= 2 ms per step; 1 ms on PostgreSQL)
 *   engine.overhead (isolated): 1000 steps of text.split, isolation off and on; on, a literal
 *     split runs in the engine's thread (cheap, linear work) and a regex split in step workers;
 *     the difference is what isolation costs per step. cpu_ms_per_step counts every thread of
 *     this process (workers included), so it holds on a busy machine where wall time does not.
 *   engine.scale: no-op chains of 1,000 and 10,000 steps on an in-memory store, the engine's
 *     own cost per step (target: 10,000 steps at most 1.5x the per-step cost of 1,000)
 *   engine.retry: retrying a 10,000-step chain whose last step failed, in-memory store, after a
 *     warm-up retry of 200 steps; the median of five retries (target <= 200 ms)
 * The first three persist every event, on the embedded database, and on PostgreSQL too when
 * DATABASE_URL is set. `--only scale,retry` runs only the named groups (parallel, overhead,
 * isolation, scale, retry); scale and retry each run in a fresh process when other groups run too.
 */
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { builtinActions } from "../lib/actions";
import { criticalPath, type Plan, type Step } from "../lib/core";
import { isolate } from "../lib/engine/sandbox/isolate";
import { openDatabase, type Database } from "../lib/store/database";
import { newProbe, testActions } from "../tests/support/engine-actions";
import { makeHarness, makeMemoryHarness, type Harness } from "../tests/support/engine-harness";
import { builtinStepPool } from "../tests/support/step-workers";

const WIDTH = 8, DEPTH = 8, SLEEP = 50;

function dag(): Plan {
  const steps: Step[] = [];
  for (let d = 0; d < DEPTH; d++) for (let w = 0; w < WIDTH; w++) {
    steps.push({ id: `s${d}_${w}`, action: "test.sleep", inputs: { ms: { kind: "literal", value: SLEEP } }, after: d ? [`s${d - 1}_${w}`, `s${d - 1}_${(w + 1) % WIDTH}`] : undefined });
  }
  return { goal: "bench", flows: [], inputs: [], steps, outputs: {} };
}

function noops(n: number, shape: "chain" | "wide"): Plan {
  const steps: Step[] = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, action: "test.noop", inputs: {}, after: shape === "chain" && i ? [`n${i - 1}`] : undefined }));
  return { goal: "bench", flows: [], inputs: [], steps, outputs: {} };
}

async function bench(db: Database, label: string, only: ReadonlySet<string>) {
  const h = makeHarness(db, testActions(newProbe()), { runConcurrency: 64, globalConcurrency: 64 });
  if (only.has("parallel")) await benchParallel(h, label);
  if (only.has("overhead")) await benchOverhead(h, db, label);
}

async function benchParallel(h: Harness, label: string) {
  const plan = dag();
  const v = await h.savePlan(plan);
  const cp = criticalPath(plan.steps, Object.fromEntries(plan.steps.map((s) => [s.id, SLEEP]))).length;
  await h.engine.run({ planVersionId: v }); // warm-up
  const timed = async (concurrency: number) => {
    const t0 = performance.now();
    const id = await h.engine.start({ planVersionId: v, options: { concurrency } });
    // The bus publishes an event once its transaction has committed: the run is durably over then.
    let committedAt = 0;
    const unsubscribe = h.engine.bus.subscribe(id, (e) => { if (e.type === "run.succeeded") committedAt = Date.now(); });
    const r = await h.engine.wait(id);
    unsubscribe();
    const wall = performance.now() - t0;
    if (r.run.status !== "succeeded" || !committedAt) throw new Error(`parallel run ${r.run.status}`);
    // Makespan: from the run's start (its run.started event) to the commit of its run.succeeded.
    const events = await h.store.events(r.run.id);
    const started = Date.parse(events.find((e) => e.type === "run.started")!.at);
    return { makespan: committedAt - started, wall };
  };
  const par = await timed(WIDTH);
  const seq = await timed(1);
  print({ bench: "engine.parallel", db: label, steps: plan.steps.length, critical_path_ms: cp, makespan_ms: round(par.makespan), ratio: round(par.makespan / cp, 3), sequential_ms: round(seq.makespan), speedup: round(seq.makespan / par.makespan, 2), wall_ms: round(par.wall) });
}

async function benchOverhead(h: Harness, db: Database, label: string) {

  for (const shape of ["chain", "wide"] as const) {
    const vv = await h.savePlan(noops(1000, shape));
    const c = process.cpuUsage(), t = performance.now();
    const res = await h.engine.run({ planVersionId: vv, options: { concurrency: shape === "wide" ? 64 : 8 } });
    const ms = performance.now() - t, cpu = cpuMs(c);
    if (res.run.status !== "succeeded") throw new Error(`overhead run ${res.run.status}`);
    const events = await db.prisma.runEvent.count({ where: { runId: res.run.id } });
    print({ bench: "engine.overhead", db: label, shape, steps: 1000, events, ms: round(ms), per_step_ms: round(ms / 1000, 3), cpu_ms_per_step: round(cpu / 1000, 3) });
  }
}

function splits(n: number, shape: "chain" | "wide", regex = false): Plan {
  const steps: Step[] = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, action: "text.split", inputs: { text: { kind: "literal", value: `a,b,${i}` }, separator: { kind: "literal", value: "," }, ...(regex ? { regex: { kind: "literal", value: true } } : {}) }, after: shape === "chain" && i ? [`s${i - 1}`] : undefined }));
  return { goal: "bench", flows: [], inputs: [], steps, outputs: {} };
}

/**
 * What isolation costs per step. text.split with a literal separator declares its work linear in
 * its input, so with isolation on its small steps run in the engine's thread ("runs_in":
 * "engine"); with `regex: true` the plan's own expression must run in a step worker
 * ("runs_in": "worker"), which shows the worker round trip.
 */
async function benchIsolation(db: Database, label: string) {
  const pool = builtinStepPool({ httpAllowHosts: [] }, 8);
  const builtins = builtinActions({ httpAllowHosts: [] });
  for (const isolated of [false, true]) {
    const h = makeHarness(db, isolated ? isolate(builtins, pool) : builtins, { runConcurrency: 64, globalConcurrency: 64 });
    await h.engine.run({ planVersionId: await h.savePlan(splits(20, "wide", true)) }); // warm-up: workers started
    for (const regex of isolated ? [false, true] : [false]) {
      for (const shape of ["chain", "wide"] as const) {
        const v = await h.savePlan(splits(1000, shape, regex));
        const tasks = pool.stats().tasks;
        const c = process.cpuUsage(), t = performance.now();
        const res = await h.engine.run({ planVersionId: v, options: { concurrency: shape === "wide" ? 64 : 8 } });
        const ms = performance.now() - t;
        if (res.run.status !== "succeeded") throw new Error(`isolation run ${res.run.status}: ${JSON.stringify(res.run.failure)}`);
        const inWorkers = pool.stats().tasks - tasks;
        print({ bench: "engine.overhead", db: label, shape, action: regex ? "text.split (regex)" : "text.split", isolated, runs_in: inWorkers ? "worker" : "engine", steps: 1000, ms: round(ms), per_step_ms: round(ms / 1000, 3), cpu_ms_per_step: round(cpuMs(c) / 1000, 3) });
      }
    }
    await h.engine.close();
  }
  pool.close();
}

/** The engine's own cost: a no-op chain on the in-memory store, per step. */
async function benchScale() {
  const h = makeMemoryHarness(testActions(newProbe()));
  await h.engine.run({ planVersionId: h.savePlan(noops(200, "chain")) }); // warm-up
  for (const steps of [1000, 10_000]) {
    const v = h.savePlan(noops(steps, "chain"));
    const c = process.cpuUsage(), t = performance.now();
    const res = await h.engine.run({ planVersionId: v });
    const ms = performance.now() - t;
    if (res.run.status !== "succeeded") throw new Error(`scale run ${res.run.status}`);
    print({ bench: "engine.scale", shape: "chain", steps, ms: round(ms), engine_ms_per_step: round(ms / steps, 3), cpu_ms: cpuMs(c) });
  }
  await h.engine.close();
}

/** Retrying a failed 10,000-step chain: everything but its last step is reused. */
const RETRY_SAMPLES = 5;

async function benchRetry() {
  const steps = 10_000;
  const h = makeMemoryHarness(testActions(newProbe()));
  const failingChain = (n: number) => {
    const plan = noops(n, "chain");
    plan.steps[n - 1] = { ...plan.steps[n - 1], action: "test.fail" };
    return plan;
  };
  // Warm-up, as for engine.scale: a 200-step run failed and retried, so the timed retry is not the
  // first the process compiles.
  const warm = await h.engine.run({ planVersionId: h.savePlan(failingChain(200)) });
  await h.engine.wait(await h.engine.retry(warm.run.id));
  const plan = failingChain(steps);
  const failed = await h.engine.run({ planVersionId: h.savePlan(plan) });
  if (failed.run.status !== "failed") throw new Error(`retry bench: the first run ${failed.run.status}`);
  // The failed run is retried five times (each retry is a new run); the row gives the median.
  const times: { ms: number; cpu: number }[] = [];
  let reused = 0;
  for (let i = 0; i < RETRY_SAMPLES; i++) {
    const c = process.cpuUsage(), t = performance.now();
    const id = await h.engine.retry(failed.run.id);
    times.push({ ms: performance.now() - t, cpu: cpuMs(c) });
    const again = await h.engine.wait(id);
    reused = again.steps.filter((s) => s.reusedFromRunId).length;
    if (reused !== steps - 1) throw new Error(`retry bench: ${reused} steps reused, not ${steps - 1}`);
  }
  const byMs = [...times].sort((a, b) => a.ms - b.ms);
  const median = byMs[Math.floor(byMs.length / 2)];
  print({ bench: "engine.retry", steps, ms: round(median.ms), cpu_ms: median.cpu, min_ms: round(byMs[0].ms), max_ms: round(byMs[byMs.length - 1].ms), samples: times.length, reused });
  await h.engine.close();
}

/** CPU time of this process since `from` (on a busy machine, wall time also counts others' work) */
function cpuMs(from: NodeJS.CpuUsage) { const u = process.cpuUsage(from); return round((u.user + u.system) / 1000); }
function print(o: object) { console.log(JSON.stringify(o)); }
function round(x: number, d = 1) { const f = 10 ** d; return Math.round(x * f) / f; }

const GROUPS = ["parallel", "overhead", "isolation", "scale", "retry"] as const;
type Group = (typeof GROUPS)[number];

function selected(argv: string[]): Set<Group> {
  const at = argv.indexOf("--only");
  if (at < 0) return new Set(GROUPS);
  const names = (argv[at + 1] ?? "").split(",").map((x) => x.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(GROUPS as readonly string[]).includes(n));
  if (!names.length || unknown.length) {
    console.error(`--only takes a comma-separated list of ${GROUPS.join(", ")}${unknown.length ? `; unknown: ${unknown.join(", ")}` : ""}`);
    process.exit(2);
  }
  return new Set(names as Group[]);
}

const only = selected(process.argv.slice(2));
const onDatabases = only.has("parallel") || only.has("overhead") || only.has("isolation");
const dbs: [string, () => Promise<Database>][] = [["pglite", () => openDatabase({})]];
if (process.env.DATABASE_URL) dbs.push(["postgres", () => openDatabase({ url: process.env.DATABASE_URL })]);
for (const [label, open] of onDatabases ? dbs : []) {
  const db = await open();
  await bench(db, label, only);
  if (only.has("isolation")) await benchIsolation(db, label);
  await db.close();
}
// The in-memory groups time one process's work: with other groups before them, each runs in a
// process of its own, so the heap another group left (a 10,000-step run's) is not collected on
// its clock. Run alone (`--only retry`), a group runs here.
for (const [group, run] of [["scale", benchScale], ["retry", benchRetry]] as const) {
  if (!only.has(group)) continue;
  if (only.size === 1) await run();
  else {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], "--only", group], { stdio: "inherit", env: process.env });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
}
process.exit(0);
