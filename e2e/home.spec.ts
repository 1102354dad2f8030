import { expect, test } from "@playwright/test";

test.describe("home page", () => {
  test("shows the product, the planner status and the empty plan list", async ({ page, request }) => {
    // Every spec shares one app: what the specs before this one planned is deleted first.
    await page.goto("/?archived=include");
    const hrefs = await page.getByTestId("plan-list").locator('a[href^="/plans/"]').evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
    for (const id of new Set(hrefs.map((h) => h.split("/")[2]))) {
      const res = await request.delete(`/api/plans/${id}?withRuns=true`);
      expect([200, 404], await res.text()).toContain(res.status());
    }
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Trellis" })).toBeVisible();
    await expect(page.getByTestId("llm-status")).toContainText("Offline planner");
    await expect(page.getByTestId("plans-empty")).toContainText("No plans yet");
    // Templates are offered on the goal page too, and lead to their form.
    await expect(page.getByTestId("template-strip")).toContainText("CSV report");
    await page.screenshot({ path: test.info().outputPath("home-empty.png"), fullPage: true });
    await page.screenshot({ path: "test-results/screenshots/home-empty.png", fullPage: true });
  });

  test("/plans, where the top bar's Plans points, opens the plan list on the home page", async ({ page }) => {
    await page.goto("/plans");
    await expect(page).toHaveURL(/\/#plans$/);
    await expect(page.getByTestId("plans")).toBeVisible();
  });

  test("the catalog lists typed actions by flow", async ({ page }) => {
    await page.goto("/catalog");
    await expect(page.getByRole("heading", { level: 1, name: "Actions" })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/catalog.png", fullPage: false });
  });
});
