import { expect, test } from "@playwright/test";
import path from "node:path";
import { importPlan, screenshotDir } from "./support";

/** Reads the sample sales, turns the top rows into Markdown and writes it: a read, a transform, a write. */
const PLAN = JSON.stringify({
  goal: "The top sales rows as a Markdown file",
  flows: ["data", "files"],
  inputs: [],
  steps: [
    { id: "load", action: "data.load_csv", inputs: { path: "sample:sales.csv" } },
    { id: "md", action: "data.to_markdown", inputs: { table: "${steps.load.output.table}", maxRows: 3 } },
    { id: "save", action: "files.write", inputs: { path: "top.md", content: "${steps.md.output.markdown}" } },
  ],
  outputs: { file: "${steps.save.output.path}" },
});

test.describe("dry runs and rollback in the browser", () => {
  test("a dry run started from the run form is labelled on its page and in the runs list, and its write shows a diff", async ({ page }) => {
    const planId = await importPlan(page, PLAN);
    await page.getByTestId("open-run").click();
    const form = page.getByTestId("start-run");
    await form.getByLabel("Dry run").check();
    // A dry run writes nothing, so there is nothing to undo.
    await expect(form.getByTestId("run-rollback")).toBeDisabled();
    await form.getByTestId("run-button").click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").pop()!;
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    await expect(page.getByTestId("dry-run-badge")).toHaveText("Dry run");
    await expect(page.getByTestId("dry-run-notice")).toContainText("Nothing was written");
    await page.getByTestId("run-node-save").click();
    await expect(page.getByTestId("step-skip")).toContainText("dry run: would create top.md");
    await expect(page.getByTestId("step-preview")).toContainText("Would create top.md");
    await expect(page.getByTestId("step-preview-diff")).toContainText("+++ b/top.md");
    await page.screenshot({ path: path.join(screenshotDir, "dry-run.png"), fullPage: true });
    const api = await (await page.request.get(`/api/runs/${runId}`)).json();
    expect(api.run.options).toMatchObject({ dryRun: true, rollbackOnFailure: false });
    await page.goto(`/runs?planId=${planId}`);
    await expect(page.getByTestId("run-row").first().getByTestId("run-row-dry-run")).toHaveText("Dry run");
    await page.screenshot({ path: path.join(screenshotDir, "dry-run-list.png"), fullPage: true });
  });

  test("the run form offers rollback beside the failure policy, and the run is started with it", async ({ page }) => {
    await importPlan(page, PLAN);
    await page.getByTestId("open-run").click();
    const form = page.getByTestId("start-run");
    await expect(form.getByTestId("run-failure-policy")).toBeVisible();
    await form.getByTestId("run-rollback").check();
    await page.getByTestId("run-popover").screenshot({ path: path.join(screenshotDir, "run-form-rollback.png") });
    await form.getByTestId("run-button").click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = page.url().split("/").pop()!;
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    await expect(page.getByTestId("dry-run-badge")).toHaveCount(0);
    const api = await (await page.request.get(`/api/runs/${runId}`)).json();
    expect(api.run.options).toMatchObject({ dryRun: false, rollbackOnFailure: true });
  });
});
