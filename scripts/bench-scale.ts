/**
 * Queue-mode scale-out benchmarks, one JSON object a line (needs PostgreSQL and Redis; see
 * docs/deploy.md). Each worker is its own process, as `trellis worker` is.
 *   scale.workers: wide plans of sleep-bound steps (`SCALE_SLEEP_MS`, default 500 ms) run by 1, 2
 *     and 4 workers of `SCALE_CONCURRENCY` (default 4) steps each: steps per second from the first
 *     start to the commit of the last run's end. Sleeping steps leave the two cores free, so the
 *     figure shows what adding workers adds (target: 4 workers >= 3.5x one).
 *   scale.events: in the same runs, how long after a worker stamped an event (just before its
 *     commit) it reached this process's event bus, as it reaches a web server's live run page
 *     (p50, p95, max; target p95 <= 100 ms).
 *   scale.kill: 3 workers; one is SIGKILLed while it runs steps. Its steps are found stalled and run
 *     again elsewhere: no step that had finished runs again, no step is lost, each run's events
 *     are gap-free.
 * Env: TRELLIS_TEST_PG_URL (admin URL, default postgresql://postgres@127.0.0.1:5432/postgres),
 * TRELLIS_TEST_REDIS_URL (default redis://127.0.0.1:6379), SCALE_STEPS (default 240), SCALE_RUNS (default 4),
 * SCALE_WORKERS (worker counts, default "1,2,4"), SCALE_KILL=0 (skip scale.kill).
 */
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { Plan, RunEvent } from "../lib/core";
import { readTrace } from "../tests/support/queue-actions";
import { queueAvailability, queueHarness, type QueueHarness } from "../tests/support/queue-harness";

// Sleep-bound: 4 workers of 4 run 16 steps at once, 32 a second at 500 ms. Each step costs the
// processes about 15-20 ms of CPU (cpu_ms_per_step), so at 100 ms the 160 steps a second that 4
// workers could reach would need more than two cores: the figure would measure the cores.
const SLEEP = Number(process.env.SCALE_SLEEP_MS ?? 500);
const CONCURRENCY = Number(process.env.SCALE_CONCURRENCY ?? 4);
const STEPS = Number(process.env.SCALE_STEPS ?? 240);
const RUNS = Number(process.env.SCALE_RUNS ?? 4);
const WORKER_COUNTS = (process.env.SCALE_WORKERS ?? "1,2,4").split(",").map(Number);

function wide(width: number): Plan {
  return {
    goal: "scale", flows: [], inputs: [], outputs: {},
    steps: Array.from({ length: width }, (_, i) => ({ id: `w${i}`, action: "q.sleep", inputs: { ms: { kind: "literal" as const, value: SLEEP } } })),
  };
}

async function workers(h: QueueHarness, n: number, env: Record<string, string> = {}): Promise<ChildProcess[]> {
  return Promise.all(Array.from({ length: n }, () => h.startWorker({ QUEUE_CONCURRENCY: String(CONCURRENCY), QUEUE_RUN_CONCURRENCY: "256", ...env })));
}

async function stop(children: ChildProcess[]) {
  await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise<void>((resolve) => { c.once("exit", () => resolve()); c.kill("SIGTERM"); })));
}

async function startRuns(h: QueueHarness, versionId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) ids.push(await h.engine.start({ planVersionId: versionId, options: { concurrency: 256 } }));
  return ids;
}

/** CPU time (ms) of processes, from /proc (Linux; 0 elsewhere): utime + stime. */
function cpuMsOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* gone, or not Linux */ }
  }
  return ticks * 10;
}

/** The PostgreSQL server's processes (all its backends: the figure includes other clients'). */
function postgresPids(): number[] {
  const out: number[] = [];
  try {
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      try { if (readFileSync(`/proc/${d}/comm`, "utf8").trim() === "postgres") out.push(Number(d)); } catch { /* gone */ }
    }
  } catch { /* not Linux */ }
  return out;
}

async function scaleWorkers(n: number) {
  const h = await queueHarness();
  try {
    const children = await workers(h, n);
    const versionId = await h.savePlan(wide(Math.ceil(STEPS / RUNS)));
    const pids = () => [process.pid, ...children.map((c) => c.pid!)];
    const cpu0 = { app: cpuMsOf(pids()), pg: cpuMsOf(postgresPids()) };
    // Live events: from the stamp a worker gives an event (just before its commit) to its delivery
    // on this process's bus (a web server's), through PostgreSQL's notification and a read.
    const lags: number[] = [];
    const off = h.engine.bus.subscribeAll((e: RunEvent) => { lags.push(Date.now() - Date.parse(e.at)); });
    const t0 = performance.now();
    const ids = await startRuns(h, versionId);
    const done = await Promise.all(ids.map((id) => h.engine.wait(id, { timeoutMs: 600_000 })));
    const seconds = (performance.now() - t0) / 1000;
    off();
    const cpu = { app: cpuMsOf(pids()) - cpu0.app, pg: cpuMsOf(postgresPids()) - cpu0.pg };
    const steps = done.reduce((a, r) => a + r.steps.filter((s) => s.status === "succeeded").length, 0);
    if (done.some((r) => r.run.status !== "succeeded")) throw new Error(`a run did not succeed: ${done.map((r) => r.run.status).join(", ")}`);
    lags.sort((a, b) => a - b);
    const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))];
    console.log(JSON.stringify({ bench: "scale.events", workers: n, events: lags.length, p50_ms: pct(0.5), p95_ms: pct(0.95), max_ms: lags[lags.length - 1] }));
    console.log(JSON.stringify({ bench: "scale.workers", workers: n, steps, steps_per_s: Math.round((steps / seconds) * 10) / 10, cpu_ms_per_step: Math.round((cpu.app / steps) * 10) / 10, pg_cpu_ms_per_step: Math.round((cpu.pg / steps) * 10) / 10 }));
    await stop(children);
  } finally {
    await h.close();
  }
}

async function scaleKill() {
  const h = await queueHarness();
  try {
    const children = await workers(h, 3, { QUEUE_LOCK_MS: "2000", QUEUE_RECONCILE_MS: "1000" });
    const versionId = await h.savePlan(wide(Math.ceil(STEPS / RUNS)));
    let succeeded = 0;
    let killAt!: () => void;
    const third = new Promise<void>((resolve) => { killAt = resolve; });
    const off = h.engine.bus.subscribeAll((e: RunEvent) => { if (e.type === "step.succeeded" && ++succeeded >= STEPS / 3) killAt(); });
    const ids = await startRuns(h, versionId);
    await third;
    off();
    // The victim: a worker with steps running now (started, not done).
    const trace = readTrace(h.dir);
    const open = (pid: number) => trace.filter((l) => l.pid === pid && l.what === "start").length > trace.filter((l) => l.pid === pid && l.what !== "start").length;
    const victim = children.find((c) => open(c.pid!)) ?? children[0];
    victim.kill("SIGKILL");
    // What had finished when the worker died is what the store says had (an action that had
    // returned but whose result was not stored yet was still running, and runs again).
    const cutAt = readTrace(h.dir).length;
    const finishedBefore = new Set<string>();
    for (const id of ids) for (const e of await h.store.events(id)) if (e.type === "step.succeeded") finishedBefore.add(`${id}/${e.stepId}`);
    const done = await Promise.all(ids.map((id) => h.engine.wait(id, { timeoutMs: 600_000 })));
    const after = readTrace(h.dir).slice(cutAt);
    const completedRerun = after.filter((l) => l.what === "start" && finishedBefore.has(`${l.runId}/${l.stepId}`)).length;
    const lost = done.reduce((a, r) => a + r.steps.filter((s) => s.status !== "succeeded").length, 0);
    let gapFree = true;
    for (const id of ids) {
      const events = await h.store.events(id);
      if (!events.every((e, i) => e.seq === i + 1)) gapFree = false;
    }
    console.log(JSON.stringify({ bench: "scale.kill", workers: 3, killed: 1, completed_rerun: completedRerun, lost, events_gap_free: gapFree }));
    await stop(children);
  } finally {
    await h.close();
  }
}

const available = await queueAvailability();
if (!available.run) {
  console.log(JSON.stringify({ bench: "scale", skipped: available.reason }));
} else {
  for (const n of WORKER_COUNTS) await scaleWorkers(n);
  if (process.env.SCALE_KILL !== "0") await scaleKill();
}
process.exit(0);
