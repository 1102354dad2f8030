import { expect, test } from "@playwright/test";
import path from "node:path";
import { example, importPlan, screenshotDir, startRun } from "./support";

test.describe("for-each steps", () => {
  test("the editor marks a for-each step and checks its list; the run shows each item's status under the step", async ({ page }) => {
    const planId = await importPlan(page, example("for-each"));
    await expect(page.getByTestId("node-for-each-badge")).toHaveCount(1);
    await expect(page.getByTestId("condition-edge-label").filter({ hasText: "for each ${steps.lines.output.parts}" })).toHaveCount(1);

    // the step's For each setting: its list, and the validator's word on a list that is not one
    await page.getByTestId("tab-steps").click();
    await page.getByTestId("step-item-count").click();
    // its input reads the current item
    await expect(page.getByTestId("item-input")).toHaveValue("${item}");
    const field = page.getByTestId("for-each-input");
    await expect(field).toHaveValue("${steps.lines.output.parts}");
    await field.fill("${steps.lines.output.count}");
    await expect(page.getByTestId("for-each-issue")).toContainText("not a list");
    await field.fill("${steps.lines.output.parts}");
    await expect(page.getByTestId("for-each-issue")).toHaveCount(0);
    await page.screenshot({ path: path.join(screenshotDir, "editor-for-each.png"), fullPage: true });

    const runId = await startRun(page, planId);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
    await expect(page.getByTestId("run-node-count")).toHaveAttribute("data-step-status", "succeeded");
    await expect(page.getByTestId("run-node-items-count")).toHaveText("4 of 4 items done");
    await page.getByTestId("run-node-count").click();
    const rows = page.getByTestId("step-items").getByTestId("item-row");
    await expect(rows).toHaveCount(4);
    for (let i = 0; i < 4; i++) await expect(rows.nth(i)).toHaveAttribute("data-status", "succeeded");
    await expect(page.getByTestId("step-items-summary")).toHaveText("4 of 4 items done");
    await page.screenshot({ path: path.join(screenshotDir, "run-for-each.png"), fullPage: true });
    const detail = await (await page.request.get(`/api/runs/${runId}`)).json();
    expect(detail.run).toMatchObject({ status: "succeeded", outputs: { counts: [4, 5, 9, 5] } });
  });
});
