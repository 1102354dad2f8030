import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { example, importPlan, screenshotDir } from "./support";

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `plan-manage-${name}.png`), animations: "disabled" });

test.use({ viewport: { width: 1440, height: 900 } });

async function openEditor(page: Page, planId: string) {
  await page.goto(`/plans/${planId}`);
  await expect(page.getByTestId("canvas")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
}

const runStatus = async (page: Page, runId: string) => ((await (await page.request.get(`/api/runs/${runId}`)).json()) as { run: { status: string } }).run.status;

test("a plan is archived out of the lists, brought back, and deleted with its runs after a confirmation, never under an active run", async ({ page }) => {
  const planId = await importPlan(page, example("revenue-by-region"));
  const link = (p: Page) => p.getByTestId("plan-list").locator(`a[href="/plans/${planId}"]`);

  await openEditor(page, planId);
  await page.getByTestId("open-manage").click();
  await page.getByTestId("archive-plan").click();
  await expect(page.getByTestId("archived-badge")).toBeVisible();
  await expect(page.getByTestId("unarchive-plan")).toBeVisible();

  // Archived: out of the plans list and the runs filter, until asked for.
  await page.goto("/");
  await expect(link(page)).toHaveCount(0);
  await page.getByTestId("show-archived").click();
  const row = page.getByTestId("plan-row").filter({ has: page.locator(`a[href="/plans/${planId}"]`) });
  await expect(row.getByTestId("plan-archived")).toBeVisible();
  await page.getByTestId("plans").screenshot({ path: path.join(screenshotDir, "plan-manage-home-archived.png"), animations: "disabled" });
  await page.goto("/runs");
  await expect(page.locator(`select[name=planId] option[value="${planId}"]`)).toHaveCount(0);
  await page.getByTestId("include-archived").check();
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.locator(`select[name=planId] option[value="${planId}"]`)).toHaveCount(1);

  // A run waiting for approval blocks deletion.
  const started = await page.request.post(`/api/plans/${planId}/runs`, { data: { options: { approveWrites: true } } });
  const { runId } = (await started.json()) as { runId: string };
  await expect.poll(() => runStatus(page, runId), { timeout: 30_000 }).toBe("awaiting_approval");
  await openEditor(page, planId);
  await page.getByTestId("open-manage").click();
  await expect(page.getByTestId("delete-blocked")).toContainText("not ended");
  await expect(page.getByTestId("delete-plan")).toHaveCount(0);

  await page.getByTestId("unarchive-plan").click();
  await expect(page.getByTestId("archived-badge")).toHaveCount(0);

  expect((await page.request.post(`/api/runs/${runId}/cancel`)).status()).toBe(200);
  await expect.poll(() => runStatus(page, runId), { timeout: 30_000 }).toBe("cancelled");
  await openEditor(page, planId);
  await page.getByTestId("open-manage").click();
  await page.getByTestId("delete-plan").click();
  await expect(page.getByTestId("delete-confirm")).toContainText("1 run");
  await shot(page, "confirm-delete");
  await page.getByTestId("delete-plan-confirm").click();
  await page.waitForURL(/\/\?deleted=1$/);
  await expect(page.getByTestId("plan-deleted")).toBeVisible();
  await expect(page.locator(`a[href="/plans/${planId}"]`)).toHaveCount(0);
  expect((await page.request.get(`/api/plans/${planId}`)).status()).toBe(404);
  expect((await page.request.get(`/api/runs/${runId}`)).status()).toBe(404);
});
