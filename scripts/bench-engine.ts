/**
 * Engine benchmarks, one JSON object a line. Every event is persisted.
 *   engine.parallel: 8x8 DAG of 50 ms sleeps; ratio = makespan / critical path (target <= 1.10)
 *   engine.overhead: 1000 no-op steps, chain and wide (target <= 2 ms per step)
 *   engine.overhead (isolated): 1000 steps of a cheap built-in action (text.split), in the
 *     engine's thread and in step workers; the difference is what isolation costs per step
 * On the embedded database, and on PostgreSQL too when DATABASE_URL is set.
 */
import { performance } from "node:perf_hooks";
import { builtinActions } from "../lib/actions";
import { criticalPath, type Plan, type Step } from "../lib/core";
import { isolate } from "../lib/engine/sandbox/isolate";
import { openDatabase, type Database } from "../lib/store/database";
import { newProbe, testActions } from "../tests/support/engine-actions";
import { makeHarness } from "../tests/support/engine-harness";
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

async function bench(db: Database, label: string) {
  const h = makeHarness(db, testActions(newProbe()), { runConcurrency: 64, globalConcurrency: 64 });
  const plan = dag();
  const v = await h.savePlan(plan);
  const cp = criticalPath(plan.steps, Object.fromEntries(plan.steps.map((s) => [s.id, SLEEP]))).length;
  await h.engine.run({ planVersionId: v }); // warm-up
  const timed = async (concurrency: number) => {
    const t0 = performance.now();
    const r = await h.engine.run({ planVersionId: v, options: { concurrency } });
    const wall = performance.now() - t0;
    if (r.run.status !== "succeeded") throw new Error(`parallel run ${r.run.status}`);
    // Makespan: from the run.started event to the run.succeeded event, as stored.
    const events = await h.store.events(r.run.id);
    const at = (type: string) => Date.parse(events.find((e) => e.type === type)!.at);
    return { makespan: at("run.succeeded") - at("run.started"), wall };
  };
  const par = await timed(WIDTH);
  const seq = await timed(1);
  print({ bench: "engine.parallel", db: label, steps: plan.steps.length, critical_path_ms: cp, makespan_ms: round(par.makespan), ratio: round(par.makespan / cp, 3), sequential_ms: round(seq.makespan), speedup: round(seq.makespan / par.makespan, 2), wall_ms: round(par.wall) });

  for (const shape of ["chain", "wide"] as const) {
    const vv = await h.savePlan(noops(1000, shape));
    const t = performance.now();
    const res = await h.engine.run({ planVersionId: vv, options: { concurrency: shape === "wide" ? 64 : 8 } });
    const ms = performance.now() - t;
    if (res.run.status !== "succeeded") throw new Error(`overhead run ${res.run.status}`);
    const events = await db.prisma.runEvent.count({ where: { runId: res.run.id } });
    print({ bench: "engine.overhead", db: label, shape, steps: 1000, events, ms: round(ms), per_step_ms: round(ms / 1000, 3) });
  }
}

function splits(n: number, shape: "chain" | "wide"): Plan {
  const steps: Step[] = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, action: "text.split", inputs: { text: { kind: "literal", value: `a,b,${i}` }, separator: { kind: "literal", value: "," } }, after: shape === "chain" && i ? [`s${i - 1}`] : undefined }));
  return { goal: "bench", flows: [], inputs: [], steps, outputs: {} };
}

async function benchIsolation(db: Database, label: string) {
  const pool = builtinStepPool({ httpAllowHosts: [] }, 8);
  const builtins = builtinActions({ httpAllowHosts: [] });
  for (const isolated of [false, true]) {
    const h = makeHarness(db, isolated ? isolate(builtins, pool) : builtins, { runConcurrency: 64, globalConcurrency: 64 });
    await h.engine.run({ planVersionId: await h.savePlan(splits(20, "wide")) }); // warm-up: workers started
    for (const shape of ["chain", "wide"] as const) {
      const v = await h.savePlan(splits(1000, shape));
      const t = performance.now();
      const res = await h.engine.run({ planVersionId: v, options: { concurrency: shape === "wide" ? 64 : 8 } });
      const ms = performance.now() - t;
      if (res.run.status !== "succeeded") throw new Error(`isolation run ${res.run.status}: ${JSON.stringify(res.run.failure)}`);
      print({ bench: "engine.overhead", db: label, shape, action: "text.split", isolated, steps: 1000, ms: round(ms), per_step_ms: round(ms / 1000, 3) });
    }
    await h.engine.close();
  }
  pool.close();
}

function print(o: object) { console.log(JSON.stringify(o)); }
function round(x: number, d = 1) { const f = 10 ** d; return Math.round(x * f) / f; }

const embedded = await openDatabase({});
await bench(embedded, "pglite");
await benchIsolation(embedded, "pglite");
await embedded.close();
if (process.env.DATABASE_URL) {
  const pg = await openDatabase({ url: process.env.DATABASE_URL });
  await bench(pg, "postgres");
  await benchIsolation(pg, "postgres");
  await pg.close();
}
process.exit(0);
