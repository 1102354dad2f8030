/**
 * UI benchmarks in headless Chromium against the built app, one JSON object a line.
 *   {"bench":"editor.open","steps":300,"ms":<median>}   target: at most 1500 ms
 *
 * Starts the built app itself (`npx next build` first) on a free port with a fresh data
 * folder (scripts/bench/app-server.ts), creates what each benchmark needs over HTTP, and
 * stops the app at the end.
 * Add a benchmark: write one `async function (ctx: BenchContext): Promise<BenchResult>` and
 * list it in BENCHES.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import { CHROMIUM_ARGS, startApp } from "./bench/app-server";
import { benchRunEventLatency } from "./bench/run-event-latency";
import { median } from "../lib/bench/synthetic";
import type { Plan, Step } from "../lib/core/plan";

export interface BenchContext {
  baseUrl: string;
  browser: Browser;
  /** how many measured runs each benchmark makes (after one warm-up) */
  runs: number;
}
export type BenchResult = { bench: string } & Record<string, unknown>;

const BENCHES: ((ctx: BenchContext) => Promise<BenchResult>)[] = [benchEditorOpen, (ctx) => benchRunEventLatency(ctx.baseUrl, ctx.browser)];

const ROOT = path.resolve(import.meta.dirname, "..");

// ---------------------------------------------------------------- benchmarks

/** Opening a 300-step plan in the editor: from navigation start until every node is laid out and measured. */
async function benchEditorOpen(ctx: BenchContext): Promise<BenchResult> {
  const steps = 300;
  const planId = await createPlan(ctx.baseUrl, chainsPlan(steps, 10));
  const times: number[] = [];
  let first = NaN;
  for (let i = 0; i <= ctx.runs; i++) {
    // A fresh context each time: nothing cached from the run before.
    const context = await ctx.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${ctx.baseUrl}/plans/${planId}`);
    await page.locator('[data-testid="canvas"][data-ready="true"]').waitFor({ timeout: 60_000 });
    const rendered = await page.locator(".react-flow__node-step").count();
    if (rendered !== steps) throw new Error(`editor.open: ${rendered} step nodes rendered, expected ${steps}`);
    const ms = await page.evaluate(() => performance.getEntriesByName("trellis:editor-ready")[0]?.startTime ?? NaN);
    if (!Number.isFinite(ms)) throw new Error("editor.open: the editor did not mark trellis:editor-ready");
    // The first open warms the server up (its JIT, and the layout it keeps per version); reported apart.
    if (i === 0) first = ms;
    else times.push(ms);
    await context.close();
  }
  return { bench: "editor.open", steps, ms: round(median(times)), min_ms: round(Math.min(...times)), first_ms: round(first), runs: times.length };
}

// ---------------------------------------------------------------- plans

/** One CSV load feeding `chains` chains of alternating data.sort and data.filter steps. */
function chainsPlan(total: number, chains: number): Plan {
  const steps: Step[] = [{ id: "load", action: "data.load_csv", inputs: { path: { kind: "literal", value: "sample:sales.csv" } } }];
  for (let i = 1; i < total; i++) {
    const chain = (i - 1) % chains;
    const prev = i - 1 - chains >= 0 ? `s${i - chains}` : "load";
    const id = `s${i}`;
    const table = { kind: "step" as const, step: prev, path: ["table"] };
    steps.push(
      chain % 2 === (i % 2)
        ? { id, action: "data.sort", inputs: { table, by: { kind: "literal", value: [{ column: "revenue", direction: "desc" }] } } }
        : { id, action: "data.filter", inputs: { table, conditions: { kind: "literal", value: [{ column: "revenue", op: "gt", value: i }] } } },
    );
  }
  return { goal: `Benchmark: ${total} steps in ${chains} chains over one CSV`, flows: ["data"], inputs: [], steps, outputs: {} };
}

/** Creates a plan over HTTP: a one-step plan through the import API, then the real one as its next version (PUT). */
async function createPlan(baseUrl: string, plan: Plan): Promise<string> {
  const seed = { ...plan, steps: plan.steps.slice(0, 1) };
  const created = await fetch(`${baseUrl}/api/plans/import`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ plan: seed }) });
  if (!created.ok) throw new Error(`creating the plan failed: HTTP ${created.status} ${await created.text()}`);
  const { planId } = (await created.json()) as { planId: string };
  const saved = await fetch(`${baseUrl}/api/plans/${planId}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ plan, note: "benchmark" }) });
  if (!saved.ok) throw new Error(`saving the plan failed: HTTP ${saved.status} ${await saved.text()}`);
  const body = (await saved.json()) as { valid: boolean; issues: unknown[] };
  if (!body.valid) throw new Error(`the benchmark plan is invalid: ${JSON.stringify(body.issues.slice(0, 3))}`);
  return planId;
}

// ---------------------------------------------------------------- harness

function round(x: number): number {
  return Math.round(x);
}

async function main() {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) {
    console.error("bench:ui measures the built app: run `npx next build` first.");
    process.exit(1);
  }
  process.chdir(ROOT);
  const runs = Number(process.env.BENCH_RUNS ?? 7);
  const { baseUrl, stop } = await startApp();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  let failed = false;
  try {
    for (const bench of BENCHES) {
      try {
        console.log(JSON.stringify(await bench({ baseUrl, browser, runs })));
      } catch (err) {
        failed = true;
        console.error(`${bench.name || "a benchmark"} failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await browser.close();
    await stop();
  }
  if (failed) process.exit(1);
}

await main();
