/**
 * API latency while a step burns CPU: the built app runs a plan whose one step is a
 * catastrophic regular expression, and GET /api/flows is asked, one request after another,
 * while it runs. Prints one JSON object per line, with step isolation on and off.
 *
 *   npx tsx scripts/bench/cpu-step-latency.ts [seconds]
 *
 * Needs `npx next build` first. Target (isolation on): p99 under 100 ms, and the step ends
 * `failed` with `timeout` when its time is up.
 */
import { createClient } from "../../lib/contract/client";
import { startApp } from "./app-server";

const seconds = Number(process.argv[2] ?? 5);

async function measure(isolated: boolean): Promise<void> {
  const app = await startApp({ echoStderr: false, env: { TRELLIS_STEP_ISOLATION: isolated ? "1" : "0" } });
  try {
    const api = createClient({ baseUrl: app.baseUrl });
    const timeoutMs = seconds * 1000;
    const plan = {
      goal: "burn CPU",
      flows: [],
      inputs: [],
      outputs: {},
      steps: [{ id: "re", action: "text.regex_extract", inputs: { text: { kind: "literal", value: `${"a".repeat(34)}!` }, pattern: { kind: "literal", value: "(a+)+$" } }, timeoutMs }],
    };
    const { planId } = await api.call("importPlan", { body: { plan } });
    // Warm up what the first request of each kind pays (route compilation, the worker's first start).
    await api.call("listFlows", {});
    const { runId } = await api.call("startRun", { params: { id: planId }, body: {} });
    const started = performance.now();
    const latencies: number[] = [];
    let status = "running";
    while (status === "running" || status === "queued") {
      const t0 = performance.now();
      await api.call("listFlows", {});
      latencies.push(performance.now() - t0);
      if (latencies.length % 10 === 0) status = (await api.call("getRun", { params: { id: runId } })).run.status;
      if (performance.now() - started > timeoutMs * 20) break;
    }
    const detail = await api.call("getRun", { params: { id: runId } });
    const step = detail.steps.find((s) => s.stepId === "re");
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 10) / 10;
    console.log(JSON.stringify({
      bench: "api.latency_during_cpu_step",
      isolated,
      step_timeout_ms: timeoutMs,
      step_status: step?.status,
      step_failure: step?.failure?.code,
      step_ms: Math.round(performance.now() - started),
      requests: latencies.length,
      p50_ms: pct(0.5),
      p99_ms: pct(0.99),
      max_ms: pct(1),
    }));
  } finally {
    await app.stop();
  }
}

await measure(true);
await measure(false);
