import { expect, test } from "@playwright/test";
import path from "node:path";
import { example, importPlan, screenshotDir, startRun } from "./support";

test.describe("a run's outcome", () => {
  test("a rejected step makes the run 'Succeeded with rejections': the header, a banner with who and why, the runs list and its filter", async ({ page }) => {
    const planId = await importPlan(page, example("shop-review"));
    const runId = await startRun(page, planId);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 20_000 });
    await page.getByTestId("approval-by").fill("Ana");
    await page.getByTestId("approval-comment").fill("not this week");
    await page.getByTestId("reject-button").click();

    const status = page.getByTestId("run-status");
    await expect(status).toHaveAttribute("data-status", "succeeded", { timeout: 20_000 });
    await expect(status).toHaveAttribute("data-outcome", "with_rejections");
    await expect(status).toHaveText("Succeeded with rejections");
    // counted apart: the rejected step and the two that depended on it were skipped, not "done"
    await expect(page.getByTestId("run-progress")).toHaveText("4 of 7 steps done · 3 skipped");
    const banner = page.getByTestId("run-rejection");
    await expect(banner).toHaveAttribute("data-step", "top_customers");
    await expect(banner.getByTestId("rejected-by")).toHaveText("Ana");
    await expect(banner.getByTestId("rejection-comment")).toHaveText("not this week");
    await expect(banner).toContainText("customers_md, report");
    await page.screenshot({ path: path.join(screenshotDir, "run-with-rejections.png"), fullPage: true });

    // The API says the same, from the same reducer.
    const detail = await (await page.request.get(`/api/runs/${runId}`)).json();
    expect(detail.run).toMatchObject({ status: "succeeded", outcome: "with_rejections", rejected: true });

    await page.goto("/runs");
    const row = page.getByTestId("run-row").filter({ hasText: runId.slice(0, 8) });
    await expect(row.getByTestId("run-row-steps")).toHaveText("4 of 7 steps done · 3 skipped");
    await expect(row.locator("[data-outcome]")).toHaveText("Succeeded with rejections");
    await page.getByTestId("outcome-filter").selectOption("with_rejections");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/outcome=with_rejections/);
    await expect(page.getByTestId("run-row").filter({ hasText: runId.slice(0, 8) })).toHaveCount(1);
    await page.screenshot({ path: path.join(screenshotDir, "runs-outcome-filter.png"), fullPage: true });
    await page.getByTestId("outcome-filter").selectOption("clean");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/outcome=clean/);
    await expect(page.getByTestId("run-row").filter({ hasText: runId.slice(0, 8) })).toHaveCount(0);
  });

  test("approving with an edited input edits one typed field, not a JSON blob", async ({ page }) => {
    const planId = await importPlan(page, example("shop-review"));
    const runId = await startRun(page, planId);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 20_000 });
    await page.getByTestId("approval-edit").check();
    await expect(page.getByTestId("approval-fields")).toBeVisible();
    await expect(page.getByTestId("approval-input")).toHaveCount(0);
    await page.getByTestId("approval-input-params").fill("[2]");
    await page.screenshot({ path: path.join(screenshotDir, "approval-typed-fields.png"), fullPage: true });
    await page.getByTestId("approve-button").click();
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 20_000 });
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-outcome", "clean");
    const detail = await (await page.request.get(`/api/runs/${runId}`)).json();
    const top = detail.steps.find((s: { stepId: string }) => s.stepId === "top_customers");
    expect(top.output.rowCount).toBe(2);
    expect(top.approval.input.params).toEqual([2]);
  });

  test("a run that went on with a step's fallback reads 'Succeeded in part' and names the step", async ({ page }) => {
    const plan = {
      goal: "Quote the notes file, or say there are none",
      flows: ["files", "text"],
      inputs: [],
      steps: [
        { id: "notes", action: "files.read", inputs: { path: "missing/notes.md" }, onError: "continue", fallback: { path: "missing/notes.md", content: "no notes yet", bytes: 0, encoding: "utf8" } },
        { id: "quote", action: "text.template", inputs: { template: "Notes: {{content}}", values: "${steps.notes.output}" } },
      ],
      outputs: { text: "${steps.quote.output.text}" },
    };
    const planId = await importPlan(page, JSON.stringify(plan));
    await startRun(page, planId);
    const status = page.getByTestId("run-status");
    await expect(status).toHaveAttribute("data-status", "succeeded", { timeout: 20_000 });
    await expect(status).toHaveAttribute("data-outcome", "partial");
    await expect(status).toHaveText("Succeeded in part");
    await expect(page.getByTestId("run-progress")).toHaveText("1 of 2 steps done · 1 failed");
    await expect(page.getByTestId("run-partial")).toContainText("Failed and went on with a fallback: notes");
    await page.screenshot({ path: path.join(screenshotDir, "run-partial.png"), fullPage: true });
  });
});
