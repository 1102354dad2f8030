import { expect, test } from "@playwright/test";
import path from "node:path";
import { example, importPlan, screenshotDir, startRun } from "./support";

test.describe("runs in the browser", () => {
  test("a report plan runs to the end and shows its chart and report", async ({ page }) => {
    const planId = await importPlan(page, example("revenue-by-region"));
    const runId = await startRun(page, planId);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 20_000 });
    await expect(page.getByTestId("run-progress")).toHaveText("7 of 7 steps done");
    await expect(page.getByTestId("run-outputs").locator("img.md-img, img.svg-output")).toHaveCount(1);
    await page.getByTestId("run-node-chart").click();
    await expect(page.getByTestId("step-drawer")).toContainText("Revenue by region, 2025");
    await expect(page.getByTestId("step-output").locator("img.svg-output")).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, "run-succeeded.png"), fullPage: true });
    await page.goto("/runs");
    await expect(page.getByTestId("run-row").first()).toContainText(runId.slice(0, 8));
  });

  test("an output that holds a chart shows the chart, with the fields about it under it", async ({ page }) => {
    const res = await page.request.post("/api/plans", { data: { goal: "Chart revenue by product from the sample sales CSV" } });
    expect(res.status(), await res.text()).toBe(201);
    const { planId, status } = (await res.json()) as { planId: string; status: string };
    expect(status).toBe("ready");
    await startRun(page, planId);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 20_000 });
    const output = page.getByTestId("run-output-chart_svg");
    await expect(output.locator("img.svg-output")).toBeVisible();
    await expect(output.getByTestId("value-other-fields")).toContainText('"points"');
    await expect(output).not.toContainText("<svg");
  });

  test("parallel branches run live, a step waits for approval and runs with the approved input", async ({ page }) => {
    const planId = await importPlan(page, example("shop-review"));
    const runId = await startRun(page, planId);
    // The CSV branch finishes while the SQL branch waits for a person.
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 20_000 });
    await expect(page.getByTestId("run-node-region_chart")).toHaveAttribute("data-step-status", "succeeded");
    await expect(page.getByTestId("run-node-top_customers")).toHaveAttribute("data-step-status", "awaiting_approval");
    await expect(page.getByTestId("run-node-report")).toHaveAttribute("data-step-status", "pending");
    await page.screenshot({ path: path.join(screenshotDir, "run-awaiting-approval.png"), fullPage: true });
    await expect(page.getByTestId("approval-top_customers")).toBeVisible();
    await page.getByTestId("approval-edit").check();
    // One typed field per input, as in the run form: only the parameter changes.
    await expect(page.getByTestId("approval-input-sql")).toHaveValue(/SELECT/i);
    await page.getByTestId("approval-input-params").fill("[3]");
    await page.getByTestId("approval-comment").fill("three is enough");
    await page.getByTestId("approve-button").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 20_000 });
    const detail = await (await page.request.get(`/api/runs/${runId}`)).json();
    const top = detail.steps.find((s: { stepId: string }) => s.stepId === "top_customers");
    expect(top.output.rowCount).toBe(3);
    expect(top.approval).toMatchObject({ decision: "approved", comment: "three is enough" });
    await page.screenshot({ path: path.join(screenshotDir, "run-approved.png"), fullPage: true });
  });

  test("a rejected step skips what depends on it", async ({ page }) => {
    const planId = await importPlan(page, example("shop-review"));
    await startRun(page, planId);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 20_000 });
    await page.getByTestId("approval-comment").fill("not this week");
    await page.getByTestId("reject-button").click();
    await expect(page.getByTestId("run-node-report")).toHaveAttribute("data-step-status", "skipped", { timeout: 10_000 });
    await expect(page.getByTestId("run-node-customers_md")).toHaveAttribute("data-step-status", "skipped");
    await expect(page.getByTestId("run-node-region_chart")).toHaveAttribute("data-step-status", "succeeded");
    await page.getByTestId("run-node-report").click();
    await expect(page.getByTestId("step-skip")).toContainText("caused by");
  });

  test("a run waiting for approval can be cancelled", async ({ page }) => {
    const planId = await importPlan(page, example("shop-review"));
    await startRun(page, planId);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 20_000 });
    await page.getByTestId("cancel-run").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "cancelled", { timeout: 10_000 });
    await expect(page.getByTestId("run-node-top_customers")).toHaveAttribute("data-step-status", "cancelled");
    // counted apart: what was cancelled is not "done"
    await expect(page.getByTestId("run-progress")).toHaveText("4 of 7 steps done · 3 cancelled");
    await expect(page.getByTestId("run-again")).toBeVisible();
  });

});
