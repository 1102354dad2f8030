import { expect, test } from "@playwright/test";
import path from "node:path";
import { screenshotDir } from "./support";

const GOAL = "Load the sample sales CSV, total revenue by region, chart it and write a report";

test.describe("planning a goal", () => {
  test("a goal typed on the home page is planned live and opens as a valid plan that runs", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByTestId("planner-badge")).toHaveText(/Offline planner/);
    await page.getByLabel("What should be done?").fill(GOAL);
    await page.getByTestId("flow-data").click();
    await page.getByTestId("flow-text").click();
    await page.getByTestId("flow-files").click();
    await expect(page.getByTestId("flow-data")).toHaveAttribute("aria-pressed", "true");

    // Hold the plan page back a moment so the finished progress list can be seen and captured.
    await page.route(/\/plans\/[0-9a-f-]{36}/, async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await page.getByTestId("plan-button").click();
    const events = page.getByTestId("planning-events");
    await expect(events).toContainText("Planning offline");
    await expect(events).toContainText("Plan ready: 5 steps");
    await expect(page.getByTestId("plan-button")).toHaveText("Opening the plan…");
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(screenshotDir, "planning.png"), fullPage: true });

    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    const planId = page.url().split("/").pop()!;
    await expect(page.getByTestId("plan-editor")).toBeVisible();
    await expect(page.getByTestId("issues-summary")).toContainText("No issues");
    for (const id of ["load_csv", "group_aggregate", "chart_svg", "markdown_report", "write"]) await expect(page.getByTestId(`step-node-${id}`)).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, "planning-plan.png"), fullPage: true });

    // The plan is not only valid: it runs.
    const started = await page.request.post(`/api/plans/${planId}/runs`, { data: {} });
    expect(started.status(), await started.text()).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    await page.goto(`/runs/${runId}`);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  });

  test("a bad entry is explained and the goal text is kept", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("What should be done?").fill("Summarize 'Trellis plans typed graphs.' in 10 words");
    await page.getByText("Values you already know").click();
    await page.getByLabel("Known values").fill("not a pair");
    await page.getByTestId("plan-button").click();
    await expect(page.getByTestId("goal-error")).toContainText("Line 1: write name = value");
    await expect(page.getByLabel("What should be done?")).toHaveValue("Summarize 'Trellis plans typed graphs.' in 10 words");
  });
});

test.describe("planning with an LLM, as the browser sees it", () => {
  test("attempts, retries, repairs and a failure are shown as they stream, and the goal is kept", async ({ page }) => {
    // The stream as the server sends it when an LLM plans (event shapes from lib/core/events.ts).
    const t0 = Date.parse("2026-03-01T10:00:00.000Z");
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const chunks = [
      { type: "event", event: { type: "planning.started", at: at(0), data: { goal: "g", source: "llm", model: "gpt-4o-mini", actions: 18, flows: [] } } },
      { type: "event", event: { type: "planning.llm_request", at: at(5), data: { attempt: 1, mode: "json_schema", actions: 18, promptChars: 9120, repair: false } } },
      { type: "event", event: { type: "planning.llm_retry", at: at(420), data: { attempt: 1, retry: 1, delayMs: 1000, reason: "The LLM provider is rate limiting requests: Rate limit reached for gpt-4o-mini on tokens per min (TPM)." } } },
      { type: "event", event: { type: "planning.llm_progress", at: at(1900), data: { attempt: 1, chars: 812 } } },
      { type: "event", event: { type: "planning.llm_progress", at: at(2300), data: { attempt: 1, chars: 1604 } } },
      { type: "event", event: { type: "planning.llm_response", at: at(2410), data: { attempt: 1, ms: 2405, ok: true, mode: "json_schema", usage: { promptTokens: 2412, completionTokens: 388 } } } },
      { type: "event", event: { type: "planning.validation", at: at(2414), data: { attempt: 1, errors: 3, warnings: 0, codes: { unknown_action: 1, missing_required_input: 2 }, stage: "answer" } } },
      { type: "event", event: { type: "planning.repair", at: at(2416), data: { attempt: 1, repairs: ['replaced the unknown action "data.chart" in chart with data.chart_svg (Chart (SVG))', "chart.table had no value; it now reads by_region.table"] } } },
      { type: "event", event: { type: "planning.validation", at: at(2417), data: { attempt: 1, errors: 1, warnings: 0, codes: { missing_required_input: 1 }, stage: "repaired" } } },
      { type: "event", event: { type: "planning.llm_request", at: at(2420), data: { attempt: 2, mode: "json_schema", actions: 18, promptChars: 10400, repair: true } } },
      { type: "event", event: { type: "planning.llm_response", at: at(5120), data: { attempt: 2, ms: 2700, ok: false, error: "The LLM provider did not answer within 60 s." } } },
      { type: "error", code: "internal", message: "Planning failed on the server; the error is in its log." },
    ];
    await page.route("**/api/plans/stream", (route) =>
      route.fulfill({ status: 200, headers: { "content-type": "text/event-stream" }, body: chunks.map((c) => `event: ${c.type}\ndata: ${JSON.stringify(c)}\n\n`).join("") }),
    );
    await page.goto("/");
    const goal = "Total revenue by region from the sample sales CSV as a bar chart, saved as chart.svg";
    await page.getByLabel("What should be done?").fill(goal);
    await page.getByTestId("plan-button").click();
    const events = page.getByTestId("planning-events");
    await expect(events).toContainText("Planning with gpt-4o-mini");
    await expect(events).toContainText("Retrying in 1.0 s");
    await expect(events).toContainText("Receiving the answer…");
    await expect(events).toContainText("1,604 characters");
    await expect(events).not.toContainText("812 characters");
    await expect(events).toContainText("2,412 + 388 tokens");
    await expect(events).toContainText("Fixed 2 problems automatically");
    await expect(events).toContainText("Attempt 2: asking the model to fix the plan");
    await expect(page.getByTestId("goal-error")).toContainText("Planning failed on the server");
    await expect(page.getByLabel("What should be done?")).toHaveValue(goal);
    await expect(page.getByTestId("plan-button")).toHaveText("Plan");
    await events.getByText("What was fixed").click();
    await page.getByTestId("goal-card").screenshot({ path: path.join(screenshotDir, "planning-llm.png"), style: ".topbar { position: static !important; }" });
  });
});

test.describe("planning over REST", () => {
  test("POST /api/plans plans and saves; bad bodies get 4xx JSON naming the problem", async ({ request }) => {
    const ok = await request.post("/api/plans", { data: { goal: "Fetch https://example.com and turn the HTML into text", flows: ["web"] } });
    expect(ok.status(), await ok.text()).toBe(201);
    const body = (await ok.json()) as { planId: string; status: string; valid: boolean; plan: { steps: { action: string }[] }; planning: { source: string; events: { type: string }[] } };
    expect(body).toMatchObject({ status: "ready", valid: true, planning: { source: "offline" } });
    expect(body.plan.steps.map((s) => s.action)).toEqual(["web.fetch", "web.html_to_text"]);
    expect(body.planning.events.map((e) => e.type)).toContain("planning.succeeded");

    const missing = await request.post("/api/plans", { data: { flows: ["data"] } });
    expect(missing.status()).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("goal");
    const typo = await request.post("/api/plans", { data: { goal: "x y z", flow: ["data"] } });
    expect(typo.status()).toBe(400);
    expect(((await typo.json()) as { error: { message: string } }).error.message).toMatch(/flow/);
    const notJson = await request.post("/api/plans", { headers: { "content-type": "application/json" }, data: Buffer.from("{goal:") });
    expect(notJson.status()).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
    const unknownFlow = await request.post("/api/plans", { data: { goal: "do things", flows: ["nope"] } });
    expect(unknownFlow.status()).toBe(400);
    expect(((await unknownFlow.json()) as { error: { message: string } }).error.message).toContain("Unknown flow: nope");
  });

  test("the stream sends planning events as SSE and ends with the saved plan", async ({ request }) => {
    const res = await request.post("/api/plans/stream", { data: { goal: GOAL } });
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("text/event-stream");
    expect(res.headers()["x-accel-buffering"]).toBe("no");
    const chunks = (await res.text())
      .split("\n\n")
      .map((frame) => frame.split("\n").find((l) => l.startsWith("data: ")))
      .filter((l): l is string => Boolean(l))
      .map((l) => JSON.parse(l.slice(6)) as { type: string; event?: { type: string }; url?: string });
    expect(chunks[0].event?.type).toBe("planning.started");
    expect(chunks.at(-1)).toMatchObject({ type: "done", status: "ready", valid: true, url: expect.stringMatching(/^\/plans\//) });
  });

  test("flows describe their actions for planning; parse-inputs reads values from text", async ({ request }) => {
    const flows = (await (await request.get("/api/flows")).json()) as { flows: { id: string; actions: number }[]; planner: { llm: boolean } };
    expect(flows.flows.map((f) => f.id)).toEqual(expect.arrayContaining(["data", "files", "sql", "text", "web"]));
    expect(flows.planner.llm).toBe(false);
    const data = (await (await request.get("/api/flows/data")).json()) as { actions: { id: string; input: { properties: object } }[] };
    expect(data.actions.find((a) => a.id === "data.load_csv")?.input.properties).toHaveProperty("path");
    expect((await request.get("/api/flows/nope")).status()).toBe(404);

    const parsed = await request.post("/api/plans/parse-inputs", {
      data: {
        message: "Use https://example.com/data.csv and keep 25 rows",
        inputs: [
          { name: "url", schema: { type: "string", format: "uri" } },
          { name: "limit", schema: { type: "integer" } },
          { name: "region", schema: { type: "string", enum: ["North", "South"] } },
        ],
      },
    });
    expect(parsed.status(), await parsed.text()).toBe(200);
    expect(await parsed.json()).toMatchObject({ values: { url: "https://example.com/data.csv", limit: 25 }, missing: ["region"], source: "offline" });
    const bad = await request.post("/api/plans/parse-inputs", { data: { message: "x" } });
    expect(bad.status()).toBe(400);
  });
});
