import { expect, test } from "@playwright/test";
import path from "node:path";
import { example, importPlan, screenshotDir, startRun } from "./support";

test.describe("conditions, merges and typed results", () => {
  test("the editor draws a conditional edge with its condition and checks a condition as it is typed; the run shows which branch ran and why", async ({ page }) => {
    const planId = await importPlan(page, example("conditions-merge"));
    const labels = page.getByTestId("condition-edge-label");
    await expect(labels).toHaveCount(2);
    await expect(labels.filter({ hasText: "when ${steps.classify.output.count} > 0" })).toHaveCount(1);
    await expect(labels.filter({ hasText: "when ${steps.classify.output.count} == 0" })).toHaveCount(1);
    await page.screenshot({ path: path.join(screenshotDir, "editor-conditions.png"), fullPage: true });

    // the condition form of a step: its text, a parse error at once, a type error from the validator
    await page.getByTestId("tab-steps").click();
    await page.getByTestId("step-item-general_path").click();
    const field = page.getByTestId("condition-input");
    await expect(field).toHaveValue("${steps.classify.output.count} == 0");
    await field.fill("${steps.classify.output.count} = 0");
    await expect(page.getByTestId("condition-error")).toContainText('"=" is not an operator');
    await field.fill('${steps.classify.output.count} == "none"');
    await expect(page.getByTestId("condition-issue")).toContainText("they are never equal");
    await field.fill("${steps.classify.output.count} == 0");
    await expect(page.getByTestId("condition-issue")).toHaveCount(0);
    // the merged input says it is a merge
    await page.getByTestId("step-item-answer").click();
    await expect(page.getByTestId("merge-field")).toContainText("${steps.sql_path.output}");
    await expect(page.getByTestId("merge-field")).toContainText("${steps.general_path.output}");
    await page.screenshot({ path: path.join(screenshotDir, "editor-merge.png"), fullPage: true });

    const runId = await startRun(page, planId);
    const status = page.getByTestId("run-status");
    await expect(status).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    // a branch skipped by its condition is the plan working as designed: a clean success
    await expect(status).toHaveAttribute("data-outcome", "clean");
    await expect(page.getByTestId("run-node-general_path")).toHaveAttribute("data-step-status", "skipped");
    await expect(page.getByTestId("run-node-reason-general_path")).toHaveText("condition false: count was 4");
    await expect(page.getByTestId("branch-general_path")).toContainText("condition false: count was 4");
    await expect(page.getByTestId("branch-sql_path")).toContainText("condition held");
    await page.screenshot({ path: path.join(screenshotDir, "run-conditions.png"), fullPage: true });
    const detail = await (await page.request.get(`/api/runs/${runId}`)).json();
    expect(detail.run).toMatchObject({ status: "succeeded", outcome: "clean", partial: false });
  });

  test("a run shows its typed result first, and the API answers it first", async ({ page }) => {
    const planId = await importPlan(page, example("typed-result"));
    const runId = await startRun(page, planId);
    const result = page.getByTestId("run-result");
    await expect(result).toHaveAttribute("data-result-status", "valid", { timeout: 30_000 });
    await expect(result).toContainText("South");
    await page.screenshot({ path: path.join(screenshotDir, "run-typed-result.png"), fullPage: true });
    const detail = await (await page.request.get(`/api/runs/${runId}`)).json();
    expect(Object.keys(detail)[0]).toBe("result");
    expect(detail.result).toMatchObject({ status: "valid", value: { top_region: "South", region_count: 4 } });
  });
});
