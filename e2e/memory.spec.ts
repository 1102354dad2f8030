import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { screenshotDir, startRun } from "./support";

const GOAL = "Load the sample sales CSV, total revenue by region, chart it and write the report to reports/by-region.md";
const SIMILAR = "Load the sample sales CSV, total revenue by region, chart it and write the report to reports/q4-regions.md";

/** The example plan with the report's path stated in its goal. */
function rememberedPlan() {
  const example = JSON.parse(readFileSync(path.join(process.cwd(), "examples", "revenue-by-region.json"), "utf8")) as { steps: { id: string; inputs: Record<string, unknown> }[] };
  return {
    ...example,
    goal: GOAL,
    inputs: [],
    steps: example.steps.map((s) => (s.id === "save" ? { ...s, inputs: { ...s.inputs, path: { kind: "literal", value: "reports/by-region.md" } } } : s)),
  };
}

test.describe("plan memory", () => {
  test("a plan that ran is where a similar goal starts; the editor says so and can forget it; the toggle plans without it", async ({ page }) => {
    const imported = await page.request.post("/api/plans/import", { data: { plan: rememberedPlan() } });
    expect(imported.status(), await imported.text()).toBe(201);
    const { planId, versionId } = (await imported.json()) as { planId: string; versionId: string };
    await startRun(page, planId);
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
    const listed = (await (await page.request.get("/api/memory")).json()) as { items: { id: string }[] };
    expect(listed.items.map((i) => i.id)).toContain(`version:${versionId}`);

    await page.goto("/");
    await expect(page.getByTestId("memory-toggle")).toBeChecked();
    await page.getByLabel("What should be done?").fill(SIMILAR);
    await page.getByTestId("plan-button").click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    const note = page.getByTestId("memory-note");
    await expect(note).toContainText("Started from remembered plan");
    await expect(note).toHaveAttribute("data-memory-id", `version:${versionId}`);
    await expect(page.getByTestId("step-node-save")).toBeVisible();
    const planned = (await (await page.request.get(`/api/plans/${page.url().split("/").pop()}`)).json()) as { latest: { plan: { steps: { id: string; inputs: Record<string, unknown> }[] } } };
    expect(planned.latest.plan.steps.find((s) => s.id === "save")?.inputs.path).toEqual({ kind: "literal", value: "reports/q4-regions.md" });
    await page.screenshot({ path: path.join(screenshotDir, "memory-started-from.png"), fullPage: true });

    await page.getByTestId("memory-forget").click();
    await expect(page.getByTestId("memory-forgotten")).toBeVisible();
    await page.screenshot({ path: path.join(screenshotDir, "memory-forgotten.png"), fullPage: true });
    const after = (await (await page.request.get("/api/memory")).json()) as { items: { id: string }[] };
    expect(after.items.map((i) => i.id)).not.toContain(`version:${versionId}`);

    await page.goto("/");
    await page.getByLabel("What should be done?").fill(SIMILAR);
    await page.getByTestId("memory-toggle").uncheck();
    await page.getByTestId("goal-card").screenshot({ path: path.join(screenshotDir, "memory-toggle-off.png") });
    await page.getByTestId("plan-button").click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await expect(page.getByTestId("plan-editor")).toBeVisible();
    await expect(page.getByTestId("memory-note")).toHaveCount(0);
  });
});
