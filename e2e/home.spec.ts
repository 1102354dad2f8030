import { expect, test } from "@playwright/test";

test.describe("home page", () => {
  test("shows the product, the planner status and the empty plan list", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { level: 1, name: "Trellis" })).toBeVisible();
    await expect(page.getByTestId("llm-status")).toContainText("Offline planner");
    await expect(page.getByTestId("plans-empty")).toContainText("No plans yet");
    // Templates are offered on the goal page too, and lead to their form.
    await expect(page.getByTestId("template-strip")).toContainText("CSV report");
    await page.screenshot({ path: test.info().outputPath("home-empty.png"), fullPage: true });
    await page.screenshot({ path: "test-results/screenshots/home-empty.png", fullPage: true });
  });

  test("the catalog lists typed actions by flow", async ({ page }) => {
    await page.goto("/catalog");
    await expect(page.getByRole("heading", { level: 1, name: "Actions" })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/catalog.png", fullPage: false });
  });
});
