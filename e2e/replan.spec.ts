import { expect, test } from "@playwright/test";
import path from "node:path";
import { example, importPlan, screenshotDir, startRun } from "./support";

test.describe("re-planning a run in the browser", () => {
  test("a run started with \"ask me first\" waits with the proposed diff; accepted, the same run goes on and succeeds", async ({ page }) => {
    await importPlan(page, example("replan"));
    await page.getByTestId("open-run").click();
    const form = page.getByTestId("start-run");
    await form.getByTestId("run-replan").selectOption("ask");
    await form.getByTestId("run-button").click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").pop()!;
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 30_000 });
    const panel = page.getByTestId("replan-panel");
    await expect(panel.getByTestId("replan-entry")).toHaveAttribute("data-kind", "proposed");
    await expect(panel.getByTestId("replan-summary")).toContainText("Changed: load");
    await panel.getByTestId("replan-diff-toggle").click();
    await expect(panel.getByTestId("replan-diff")).toContainText("data.load_csv");
    await page.screenshot({ path: path.join(screenshotDir, "replan-waiting.png"), fullPage: true });
    await panel.getByTestId("replan-accept").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    await expect(panel.getByTestId("replan-entry")).toHaveAttribute("data-kind", "replanned");
    // the page shows the version the run runs now
    await expect(page.getByTestId("run-node-load")).toContainText("data.load_csv", { timeout: 30_000 });
    await page.screenshot({ path: path.join(screenshotDir, "replan-accepted.png"), fullPage: true });
    const api = await (await page.request.get(`/api/runs/${runId}`)).json();
    expect(api.run.status).toBe("succeeded");
    expect(api.plan.steps.find((s: { id: string }) => s.id === "load").action).toBe("data.load_csv");
  });

  test("a failed run offers \"Re-plan from here\"; the proposal can be rejected and the run stays failed", async ({ page }) => {
    await importPlan(page, example("replan"));
    const planId = page.url().split("/").pop()!;
    await startRun(page, planId);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
    await page.getByTestId("replan-from-here").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 30_000 });
    await page.getByTestId("replan-reject").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
    await expect(page.getByTestId("replan-entry").last()).toHaveAttribute("data-kind", "rejected");
    await expect(page.getByTestId("run-failure")).toContainText('step "load" failed');
    await page.screenshot({ path: path.join(screenshotDir, "replan-rejected.png"), fullPage: true });
  });
});
