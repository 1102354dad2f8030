/**
 * The server process is killed mid-run while a browser watches. A new server on the same
 * data folder resumes the run; the page reconnects with Last-Event-ID and catches up with
 * every event it missed, none twice.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import { rmSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { screenshotDir } from "./support";

const PORT = 3297;
const BASE = `http://127.0.0.1:${PORT}`;
const dataDir = path.join(process.cwd(), "test-results", "e2e-restart-data");

function startServer(): ChildProcess {
  return spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(PORT), "-H", "127.0.0.1"], {
    env: { ...process.env, TRELLIS_DATA_DIR: dataDir, TRELLIS_HTTP_ALLOW_HOSTS: "127.0.0.1", NEXT_TELEMETRY_DISABLED: "1", OPENAI_API_KEY: "", OPENAI_BASE_URL: "", DATABASE_URL: "" },
    stdio: "ignore",
    detached: true,
  });
}

async function waitUp() {
  for (let i = 0; i < 150; i++) {
    try { if ((await fetch(`${BASE}/api/runs`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the server did not come up");
}

function kill(proc: ChildProcess) {
  try { process.kill(-proc.pid!, "SIGKILL"); } catch { /* gone */ }
}

test("a server killed mid-run resumes the run and the page catches up", async ({ page }) => {
  test.setTimeout(120_000);
  rmSync(dataDir, { recursive: true, force: true });
  let hits = 0;
  // The first request is never answered: the step is mid-flight for as long as the test needs,
  // however slow the machine. The one the resumed run sends is answered at once.
  const slow: Server = createServer((_req, res) => {
    hits++;
    if (hits === 1) return;
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html><head><title>Status</title></head><body><h1>All systems normal</h1><p>Checked.</p></body></html>");
  });
  await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
  const slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}/status`;
  let server = startServer();
  try {
    await waitUp();
    const plan = {
      goal: "Fetch the status page and read it",
      flows: [],
      inputs: [],
      steps: [
        { id: "page", action: "web.fetch", inputs: { url: { kind: "literal", value: slowUrl }, timeoutMs: { kind: "literal", value: 20000 } } },
        { id: "text", action: "web.html_to_text", inputs: { html: { kind: "step", step: "page", path: ["body"] } } },
        { id: "sales", action: "data.load_csv", inputs: { path: { kind: "literal", value: "sample:sales.csv" } } },
      ],
      outputs: { text: { kind: "step", step: "text", path: ["text"] } },
    };
    await page.goto(`${BASE}/plans/new`);
    await page.getByLabel("Plan JSON").fill(JSON.stringify(plan));
    await page.getByRole("button", { name: "Import plan" }).click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
    const planId = page.url().split("/").pop()!;
    const res = await page.request.post(`${BASE}/api/plans/${planId}/runs`, { data: {} });
    const { runId } = (await res.json()) as { runId: string };
    await page.goto(`${BASE}/runs/${runId}`);
    await expect(page.getByTestId("run-node-page")).toHaveAttribute("data-step-status", "running", { timeout: 10_000 });
    await expect(page.getByTestId("connection")).toContainText("live");
    const seqBefore = Number(await page.getByTestId("run-view").getAttribute("data-last-seq"));

    kill(server);
    await expect(page.getByTestId("connection")).toContainText("reconnecting", { timeout: 10_000 });
    await page.screenshot({ path: path.join(screenshotDir, "run-reconnecting.png"), fullPage: true });

    server = startServer();
    await waitUp();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    const detail = await (await page.request.get(`${BASE}/api/runs/${runId}`)).json();
    await expect(page.getByTestId("run-view")).toHaveAttribute("data-last-seq", String(detail.run.lastSeq));
    expect(detail.run.lastSeq).toBeGreaterThan(seqBefore);
    await expect(page.getByTestId("run-progress")).toHaveText("3 of 3 steps done");
    await expect(page.getByTestId("run-outputs")).toContainText("All systems normal");
    // The step running at the kill ran again (at least once); the finished one did not.
    expect(hits).toBe(2);
    const events = await (await page.request.get(`${BASE}/api/runs/${runId}/view`)).json();
    expect(events.view.steps.sales.attempts).toBe(1);
    await page.screenshot({ path: path.join(screenshotDir, "run-resumed.png"), fullPage: true });
  } finally {
    kill(server);
    slow.closeAllConnections();
    slow.close();
  }
});
