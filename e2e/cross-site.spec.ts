/**
 * A page on another site cannot act on Trellis through the visitor's browser: a form POST, a
 * no-cors fetch with a text/plain body and a CORS fetch with JSON all leave the waiting run as
 * it was and import nothing. A request that names another host (DNS rebinding) is refused.
 */
import { createServer, type Server } from "node:http";
import { expect, test } from "@playwright/test";
import { example } from "./support";

let attacker: Server;
let attackerUrl: string;

test.beforeAll(async () => {
  attacker = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>elsewhere</title><p>another site</p>");
  });
  await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", r));
  // Another origin: same machine, another name and port.
  attackerUrl = `http://localhost:${(attacker.address() as { port: number }).port}/`;
});
test.afterAll(async () => {
  await new Promise((r) => attacker.close(r));
});

test("a page on another site cannot cancel a run, approve a step or plant a plan through the browser", async ({ page, request, baseURL }) => {
  const made = await request.post("/api/plans/import", { data: { plan: JSON.parse(example("revenue-by-region")) } });
  const { planId } = (await made.json()) as { planId: string };
  const started = await request.post(`/api/plans/${planId}/runs`, { data: { options: { approveWrites: true } } });
  const { runId } = (await started.json()) as { runId: string };
  const status = async () => ((await (await request.get(`/api/runs/${runId}`)).json()) as { run: { status: string } }).run.status;
  await expect.poll(status, { timeout: 30_000 }).toBe("awaiting_approval");

  await page.goto(attackerUrl);
  const answers = await page.evaluate(async ({ base, runId }) => {
    const out: Record<string, string> = {};
    const attempt = async (name: string, run: () => Promise<Response>) => {
      try {
        const r = await run();
        out[name] = `answered ${r.type}`;
      } catch (e) {
        out[name] = `blocked: ${(e as Error).message}`;
      }
    };
    await attempt("cancel-no-cors", () => fetch(`${base}/api/runs/${runId}/cancel`, { method: "POST", mode: "no-cors" }));
    await attempt("approve-text-plain", () => fetch(`${base}/api/runs/${runId}/approve`, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify({ stepId: "write" }) }));
    await attempt("import-json-cors", () => fetch(`${base}/api/plans/import`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ plan: { goal: "planted", steps: [] } }) }));
    return out;
  }, { base: baseURL!, runId });
  // JSON from another origin needs the browser to ask first (a preflight), and Trellis never says yes.
  expect(answers["import-json-cors"]).toMatch(/^blocked/);

  // A plain HTML form, the oldest way: it navigates to Trellis's answer.
  await page.goto(attackerUrl);
  await page.evaluate(({ base, runId }) => {
    const form = document.createElement("form");
    form.method = "POST";
    form.action = `${base}/api/runs/${runId}/cancel`;
    document.body.append(form);
    form.submit();
  }, { base: baseURL!, runId });
  await page.waitForURL(/\/api\/runs\/.*\/cancel$/);
  await expect(page.locator("body")).toContainText("unsupported_media_type");

  expect(await status()).toBe("awaiting_approval");
  expect((await request.post(`/api/runs/${runId}/cancel`)).status()).toBe(200);
});

test("a request for another host name is refused (DNS rebinding)", async ({ request }) => {
  const res = await request.get("/api/flows", { headers: { host: "rebound.attacker.example" } });
  expect(res.status()).toBe(403);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe("host_not_allowed");
  expect((await request.get("/api/flows")).status()).toBe(200);
});
