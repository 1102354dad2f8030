/**
 * big-outputs: a run over a large CSV (45 MB, 110,000 rows by default; generated in a temp
 * folder, never kept) — load it, aggregate it, write it back — and what it costs the server.
 * One JSON object a line:
 *   big-outputs.run     RSS before / peak / after (growth = peak - before; target < 1 GB), run time,
 *                       event-loop delay (in-process) or GET /api/flows latency while it ran (--app)
 *   big-outputs.answers size and time of GET /api/runs/<id>, the run page (target < 5 MB of HTML
 *                       with --app; in-process, the page's data), and one page of the rows artifact
 *
 *   npx tsx --expose-gc scripts/bench/big-outputs.ts            in this process, composed as the server is (lib/server)
 *   npx tsx scripts/bench/big-outputs.ts --app                  against `next start` (run `npx next build` first)
 *   options: --rows 110000 --mb 45 --timeout 600 (seconds the run may take)
 *
 * The CSV reaches the run's workspace the way a person's file would: the plan's first step waits
 * for approval, the file is put in the run's folder, then the step is approved.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { writeBigCsv } from "../../tests/support/big-csv";
import { LOCAL_ACTOR } from "../../lib/contract/access";

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const APP = args.includes("--app");
const ROWS = flag("rows", 110_000);
const MB = flag("mb", 45);
const TIMEOUT_S = flag("timeout", 600);

const ref = (step: string, ...p: string[]) => `\${steps.${step}.output${p.map((s) => `.${s}`).join("")}}`;
const plan = {
  goal: "summarize a large CSV and save a copy",
  flows: [],
  inputs: [],
  steps: [
    { id: "gate", action: "files.list", inputs: { path: "." }, approval: true },
    { id: "load", action: "data.load_csv", inputs: { path: "in/big.csv" }, after: ["gate"] },
    { id: "by_region", action: "data.group_aggregate", inputs: { table: ref("load", "table"), groupBy: ["region"], aggregates: [{ fn: "sum", column: "revenue", as: "revenue" }, { fn: "count" }] } },
    { id: "save", action: "data.write_file", inputs: { table: ref("load", "table"), path: "out/copy.csv" } },
  ],
  outputs: { by_region: ref("by_region", "table"), rows: ref("load", "rowCount") },
};

type Status = { status: string; steps: { stepId: string; status: string; failure?: { message: string } | null }[] };
interface Driver {
  /** starts a run of the plan, waits for its gate, and returns its id and workspace */
  start(): Promise<{ runId: string; workspace: string }>;
  approve(runId: string): Promise<void>;
  status(runId: string): Promise<Status>;
  answers(runId: string, sha256?: string): Promise<Record<string, number>>;
  rss(): number;
  /** what was measured about responsiveness while the run went on */
  probe(): { start(): void; stop(): Record<string, number> };
  close(): Promise<void>;
}

const tmp = await mkdtemp(path.join(os.tmpdir(), "trellis-bench-big-"));
const small = path.join(tmp, "small.csv");
const big = path.join(tmp, "big.csv");
await writeBigCsv(small, { rows: 2000, bytes: 800_000 });
const csvBytes = await writeBigCsv(big, { rows: ROWS, bytes: MB * 1024 * 1024 });

let driver: Driver | undefined;
try {
  const d = (driver = APP ? await appDriver() : await inProcessDriver());
  // Warm-up: workers, routes and the run page loaded before anything is measured.
  const warm = await runOnce(small);
  await d.answers(warm.runId);
  (global as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 1000));
  const before = d.rss();
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, d.rss()); }, 50);
  const probe = d.probe();
  probe.start();
  const t0 = performance.now();
  const { runId, ms, status } = await runOnce(big);
  const runMs = performance.now() - t0;
  const responsiveness = probe.stop();
  clearInterval(sampler);
  peak = Math.max(peak, d.rss());
  (global as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 1000));
  const after = d.rss();
  const mb = (n: number) => Math.round(n / 1024 / 1024);
  print({ bench: "big-outputs.run", mode: APP ? "app" : "in-process", rows: ROWS, csv_mb: round(csvBytes / 1024 / 1024), status, steps_ms: ms, run_ms: Math.round(runMs), rss_before_mb: mb(before), rss_peak_mb: mb(peak), rss_after_mb: mb(after), rss_growth_mb: mb(peak - before), ...responsiveness });
  if (status === "stalled") throw new Error(`the run did not end within ${TIMEOUT_S} s`);
  const detail = await d.status(runId);
  const load = detail.steps.find((s) => s.stepId === "load") as unknown as { output?: { table?: { rows?: { $artifact?: { sha256: string } } } } };
  print({ bench: "big-outputs.answers", mode: APP ? "app" : "in-process", ...(await d.answers(runId, load.output?.table?.rows?.$artifact?.sha256)) });
} finally {
  await driver?.close();
  await rm(tmp, { recursive: true, force: true });
}
process.exit(0);

/** Runs the plan over `csv`; a server that does not answer is waited for until TIMEOUT_S, then reported as stalled. */
async function runOnce(csv: string): Promise<{ runId: string; ms: number; status: string }> {
  const d = driver!;
  const { runId, workspace } = await d.start();
  await mkdir(path.join(workspace, "in"), { recursive: true });
  await copyFile(csv, path.join(workspace, "in", "big.csv"));
  const t0 = performance.now();
  await d.approve(runId);
  while (performance.now() - t0 < TIMEOUT_S * 1000) {
    const s = await d.status(runId).catch(() => null);
    if (s && ["succeeded", "failed", "cancelled"].includes(s.status)) {
      if (s.status !== "succeeded") console.error(`run ${runId} ${s.status}: ${JSON.stringify(s.steps.filter((x) => x.failure).map((x) => [x.stepId, x.status, x.failure?.message]))}`);
      return { runId, ms: Math.round(performance.now() - t0), status: s.status };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { runId, ms: Math.round(performance.now() - t0), status: "stalled" };
}

async function inProcessDriver(): Promise<Driver> {
  process.env.TRELLIS_DATA_DIR = path.join(tmp, "data");
  const { getTrellis, closeTrellis, runsFolder } = await import("../../lib/server/trellis");
  const runs = await import("../../lib/server/runs");
  const { importPlan } = await import("../../lib/server/plans");
  const t = await getTrellis();
  const { planId } = await importPlan(plan);
  return {
    async start() {
      const { runId } = await runs.startRun(planId, { inputs: {}, options: {} });
      await t.engine.wait(runId, { untilApproval: true, timeoutMs: 60_000 });
      return { runId, workspace: path.join(runsFolder(t.config), runId) };
    },
    approve: (runId) => runs.approveStep(runId, { stepId: "gate" }, LOCAL_ACTOR).then(() => undefined),
    status: async (runId) => {
      const d = await runs.runDetail(runId);
      return { status: d.run.status, steps: d.steps };
    },
    async answers(runId, sha256) {
      const timed = async (f: () => Promise<unknown>) => { const t0 = performance.now(); const text = JSON.stringify(await f()); return { bytes: text.length, ms: Math.round(performance.now() - t0) }; };
      const detail = await timed(() => runs.runDetail(runId));
      const page = await timed(() => runs.runPageData(runId));
      const rows = sha256 ? await timed(() => runs.artifactPage(runId, sha256, { offset: 50_000, limit: 100 })) : { bytes: 0, ms: 0 };
      return { run_answer_bytes: detail.bytes, run_answer_ms: detail.ms, run_page_data_bytes: page.bytes, run_page_data_ms: page.ms, rows_page_bytes: rows.bytes, rows_page_ms: rows.ms };
    },
    rss: () => process.memoryUsage().rss,
    probe() {
      const h = monitorEventLoopDelay({ resolution: 10 });
      return { start: () => h.enable(), stop: () => { h.disable(); return { loop_delay_p99_ms: round(h.percentile(99) / 1e6), loop_delay_max_ms: round(h.max / 1e6) }; } };
    },
    close: () => closeTrellis(),
  };
}

async function appDriver(): Promise<Driver> {
  const { startApp } = await import("./app-server");
  const app = await startApp({ echoStderr: false, timeoutMs: 90_000 });
  const port = new URL(app.baseUrl).port;
  const pid = Number(/pid=(\d+)/.exec(execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" }))?.[1]);
  if (!pid) throw new Error(`no process listens on ${port}`);
  const json = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(`${app.baseUrl}${p}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const { planId } = (await json("POST", "/api/plans/import", { plan })) as { planId: string };
  const status = async (runId: string): Promise<Status> => {
    const d = (await json("GET", `/api/runs/${runId}`)) as { run: { status: string }; steps: Status["steps"] };
    return { status: d.run.status, steps: d.steps };
  };
  return {
    async start() {
      const { runId } = (await json("POST", `/api/plans/${planId}/runs`, {})) as { runId: string };
      for (let i = 0; i < 600 && (await status(runId)).status !== "awaiting_approval"; i++) await new Promise((r) => setTimeout(r, 100));
      return { runId, workspace: path.join(app.dataDir, "runs", runId) };
    },
    approve: (runId) => json("POST", `/api/runs/${runId}/approve`, { stepId: "gate" }).then(() => undefined),
    status,
    async answers(runId, sha256) {
      const timed = async (p: string) => { const t0 = performance.now(); const res = await fetch(`${app.baseUrl}${p}`); const bytes = (await res.arrayBuffer()).byteLength; if (!res.ok) throw new Error(`GET ${p}: ${res.status}`); return { bytes, ms: Math.round(performance.now() - t0) }; };
      const detail = await timed(`/api/runs/${runId}`);
      const html = await timed(`/runs/${runId}`);
      const rows = sha256 ? await timed(`/api/runs/${runId}/artifacts/${sha256}?offset=50000&limit=100`) : { bytes: 0, ms: 0 };
      return { run_answer_bytes: detail.bytes, run_answer_ms: detail.ms, run_page_html_bytes: html.bytes, run_page_html_ms: html.ms, rows_page_bytes: rows.bytes, rows_page_ms: rows.ms };
    },
    rss: () => treeRss(pid),
    probe() {
      const latencies: number[] = [];
      let on = false;
      let loop: Promise<void> = Promise.resolve();
      return {
        start() {
          on = true;
          loop = (async () => {
            while (on) {
              const t0 = performance.now();
              await fetch(`${app.baseUrl}/api/flows`).then((r) => r.arrayBuffer()).catch(() => undefined);
              latencies.push(performance.now() - t0);
              await new Promise((r) => setTimeout(r, 100));
            }
          })();
        },
        stop() {
          on = false;
          void loop;
          latencies.sort((a, b) => a - b);
          const pct = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN);
          return { flows_requests: latencies.length, flows_p50_ms: pct(0.5), flows_p99_ms: pct(0.99), flows_max_ms: round(latencies.at(-1) ?? NaN) };
        },
      };
    },
    async close() {
      await app.stop();
      // A server whose thread is stuck does not get to its SIGTERM handler.
      await new Promise((r) => setTimeout(r, 2000));
      try { process.kill(pid, "SIGKILL"); } catch { /* it stopped */ }
    },
  };
}

/** Resident memory of a process and its children, from /proc. */
function treeRss(pid: number): number {
  let total = 0;
  const visit = (p: number) => {
    total += Number(/VmRSS:\s+(\d+)/.exec(readFileSyncSafe(`/proc/${p}/status`))?.[1] ?? 0) * 1024;
    for (const tid of readdirSafe(`/proc/${p}/task`)) for (const child of readFileSyncSafe(`/proc/${p}/task/${tid}/children`).split(/\s+/).filter(Boolean)) visit(Number(child));
  };
  visit(pid);
  return total;
}

function readFileSyncSafe(file: string): string {
  try { return readFileSync(file, "utf8"); } catch { return ""; }
}

function readdirSafe(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}

function print(o: object) { console.log(JSON.stringify(o)); }
function round(x: number, d = 1) { const f = 10 ** d; return Math.round(x * f) / f; }
