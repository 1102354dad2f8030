import { expect, test } from "@playwright/test";
import path from "node:path";
import { screenshotDir } from "./support";

test.describe("what a plan covers of its goal", () => {
  test("a goal nothing in the catalog does gets no plan: the page says what Trellis cannot do and what would help", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("What should be done?").fill("Book me a flight to Tokyo next Tuesday and pay with my credit card");
    await page.getByTestId("plan-button").click();
    const box = page.getByTestId("no-plan");
    await expect(box).toBeVisible({ timeout: 20_000 });
    await expect(box).toContainText("Trellis cannot do this with the actions it has");
    await expect(page.getByTestId("no-plan-parts")).toContainText("Book me a flight to Tokyo");
    await expect(page.getByTestId("no-plan-parts")).toContainText("pay with my credit card");
    await expect(page.getByTestId("no-plan-help")).toContainText("Connecting an LLM");
    await expect(page.getByTestId("no-plan-help")).toContainText("MCP server");
    // No plan was opened, and the goal is still there to rephrase.
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByLabel("What should be done?")).toHaveValue(/Book me a flight/);
    await box.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshotDir, "no-plan.png"), fullPage: true });

    // A goal that names data but no operation says what is missing, with the nearest actions.
    await page.getByLabel("What should be done?").fill("help me with my data");
    await page.getByTestId("plan-button").click();
    await expect(page.getByTestId("no-plan-parts")).toContainText("Needs more detail", { timeout: 20_000 });
    await expect(page.getByTestId("no-plan-help")).toContainText("The nearest actions");
    await expect(page.getByTestId("planning-events")).toContainText("does not say what to do or with what");
  });

  test("the editor links each part of the goal to its steps, both ways, and marks what nothing covers", async ({ page }) => {
    const res = await page.request.post("/api/plans", { data: { goal: "Read notes.txt, count words, write the counts to counts.json" } });
    expect(res.status(), await res.text()).toBe(201);
    const planned = (await res.json()) as { planId: string; status: string };
    expect(planned.status).toBe("ready");
    await page.goto(`/plans/${planned.planId}`);
    await expect(page.getByTestId("canvas")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
    await expect(page.getByTestId("goal-coverage-summary")).toHaveText("Covers the goal");
    await expect(page.getByTestId("step-node-count_words")).toContainText("Count words");

    await page.getByTestId("goal-part-1").hover();
    await expect(page.getByTestId("step-node-count_words")).toHaveAttribute("data-lit", "true");
    await expect(page.getByTestId("step-node-read")).not.toHaveAttribute("data-lit", "true");
    await page.getByTestId("step-node-read").hover();
    await expect(page.getByTestId("goal-part-0")).toHaveAttribute("data-lit", "true");
    await expect(page.getByTestId("goal-part-1")).not.toHaveAttribute("data-lit", "true");
    await page.getByTestId("goal-part-1").hover();
    await page.screenshot({ path: path.join(screenshotDir, "editor-coverage.png") });

    // Without an LLM, summarizing is planned but marked: the plan is a draft that says so.
    const partial = await page.request.post("/api/plans", { data: { goal: "Fetch https://example.com, turn the HTML into text and summarize it" } });
    const draft = (await partial.json()) as { planId: string; status: string };
    expect(draft.status).toBe("partial");
    await page.goto(`/plans/${draft.planId}`);
    await expect(page.getByTestId("canvas")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
    await expect(page.getByTestId("goal-coverage-summary")).toHaveText("Covers 2 of 3 parts");
    const open = page.locator('[data-testid^="goal-part-"][data-covered="false"]');
    await expect(open).toHaveCount(1);
    await expect(open).toHaveAttribute("data-reason", "needs_llm");
    await expect(open).toContainText("summarize it");
    await open.hover();
    await expect(page.getByTestId("step-node-summarize")).toHaveAttribute("data-lit", "true");
    await page.screenshot({ path: path.join(screenshotDir, "editor-coverage-partial.png") });
  });
});
