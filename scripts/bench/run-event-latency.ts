/**
 * run.event-latency: from an event's commit to the browser's DOM showing it.
 * A plan of web.fetch steps against a local server that answers after a delay produces
 * events at a steady pace; the page records when each step's status attribute changes,
 * and each step.started / step.succeeded event is matched to the DOM change it causes.
 * The event's `at` is stamped when it is queued for commit, so the figure includes the
 * commit itself: it over- rather than under-states the latency.
 */
import { createServer } from "node:http";
import type { Browser } from "@playwright/test";

export type LatencyResult = {
  bench: "run.event-latency";
  events: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
};

/** Measures after a short warm-up run, so compilation of the page and routes is not counted. */
export async function benchRunEventLatency(baseUrl: string, browser: Browser, options: { steps?: number; delayMs?: number } = {}): Promise<LatencyResult> {
  await measure(baseUrl, browser, { steps: 8, delayMs: options.delayMs });
  return measure(baseUrl, browser, options);
}

async function measure(baseUrl: string, browser: Browser, options: { steps?: number; delayMs?: number }): Promise<LatencyResult> {
  const steps = options.steps ?? 40;
  const delayMs = options.delayMs ?? 60;
  const slow = createServer((req, res) => {
    const wait = req.url?.startsWith("/first") ? 2000 : delayMs;
    setTimeout(() => { res.writeHead(200, { "content-type": "text/plain" }); res.end("ok"); }, wait);
  });
  await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
  const port = (slow.address() as { port: number }).port;
  try {
    // Four parallel chains, so events arrive both alone and in bursts.
    const planSteps = [{ id: "first", action: "web.fetch", inputs: { url: { kind: "literal", value: `http://127.0.0.1:${port}/first` } } }];
    for (let i = 0; i < steps; i++) {
      const prev = i < 4 ? "first" : `s${i - 4}`;
      planSteps.push({ id: `s${i}`, action: "web.fetch", inputs: { url: { kind: "literal", value: `http://127.0.0.1:${port}/s${i}` } }, after: [prev] } as never);
    }
    const plan = { goal: "latency benchmark", flows: [], inputs: [], steps: planSteps, outputs: {} };
    const created = await fetch(`${baseUrl}/api/plans/import`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ plan }) });
    if (!created.ok) throw new Error(`creating the plan failed: ${created.status} ${await created.text()}`);
    const { planId } = (await created.json()) as { planId: string };
    const started = await fetch(`${baseUrl}/api/plans/${planId}/runs`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const { runId } = (await started.json()) as { runId: string };

    const page = await browser.newPage();
    // A string, not a function: the function's compiled text may call helpers the page lacks.
    await page.addInitScript(`
      window.__statusChanges = [];
      const record = (el) => {
        const id = (el.getAttribute("data-testid") || "").replace(/^run-node-/, "");
        const status = el.getAttribute("data-step-status");
        if (id && status) window.__statusChanges.push([id, status, Date.now()]);
      };
      new MutationObserver((muts) => {
        for (const m of muts) {
          if (m.type === "attributes" && m.target instanceof Element) record(m.target);
          for (const n of m.addedNodes) if (n instanceof Element) n.querySelectorAll("[data-step-status]").forEach(record);
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-step-status"], childList: true });
    `);
    await page.goto(`${baseUrl}/runs/${runId}`);
    await page.waitForSelector('[data-testid="connection"]:has-text("live")', { timeout: 15_000 });
    const connectedAt = Date.now();
    await page.waitForSelector('[data-run-status="succeeded"]', { timeout: 120_000 });
    const changes = await page.evaluate(() => (window as unknown as { __statusChanges: [string, string, number][] }).__statusChanges);
    await page.close();

    const view = (await (await fetch(`${baseUrl}/api/runs/${runId}/events?format=json`)).json()) as { events: { type: string; stepId?: string; at: string }[] };
    const latencies: number[] = [];
    for (const e of view.events) {
      const at = Date.parse(e.at);
      if (at < connectedAt || !e.stepId) continue;
      const want = e.type === "step.started" ? "running" : e.type === "step.succeeded" ? "succeeded" : null;
      if (!want) continue;
      const shown = changes.find(([id, status, t]) => id === e.stepId && status === want && t >= at - 5);
      if (shown) latencies.push(Math.max(0, shown[2] - at));
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
    return { bench: "run.event-latency", events: latencies.length, p50_ms: pct(0.5), p95_ms: pct(0.95), max_ms: latencies.at(-1) ?? NaN };
  } finally {
    slow.close();
  }
}
