/**
 * A merge made by dragging: a second compatible connection dropped on an input that is already
 * bound offers "Merge (first that produces a value)" or "Replace"; merging makes the input a
 * firstOf of both (two numbered branch edges, the inspector lists them), replacing rebinds it.
 */
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { drag, screenshotDir } from "./support";

const node = (page: Page, id: string) => page.getByTestId(`step-node-${id}`);
const handle = (page: Page, stepId: string, handleId: string) => node(page, stepId).locator(`[data-handleid="${handleId}"]`);

/** Waits until the canvas's viewport is the same on two frames running: no pan or zoom under way. */
async function atRest(page: Page) {
  await page.waitForFunction(() => {
    const w = window as unknown as { __mergeViewport?: string };
    const now = document.querySelector<HTMLElement>(".react-flow__viewport")?.style.transform ?? "";
    const still = now !== "" && w.__mergeViewport === now;
    w.__mergeViewport = now;
    return still;
  }, undefined, { polling: "raf" });
}

const PLAN = {
  goal: "Two tables from the sample sales, one shown",
  flows: ["data"],
  inputs: [],
  steps: [
    { id: "load", action: "data.load_csv", inputs: { path: "sample:sales.csv" } },
    { id: "by_region", action: "data.group_aggregate", inputs: { table: "${steps.load.output.table}", groupBy: ["region"], aggregates: [{ fn: "sum", column: "revenue", as: "revenue" }] } },
    { id: "sorted", action: "data.sort", inputs: { table: "${steps.load.output.table}", by: [{ column: "revenue", direction: "desc" }] } },
    { id: "table_md", action: "data.to_markdown", inputs: { table: "${steps.by_region.output.table}" } },
  ],
  outputs: { markdown: "${steps.table_md.output.markdown}" },
};

test.use({ viewport: { width: 1600, height: 1000 } });

test("dropping a second connection on a bound input offers to merge or replace", async ({ page, request }) => {
  const made = await request.post("/api/plans/import", { data: { plan: PLAN } });
  expect(made.status(), await made.text()).toBe(201);
  const { planId } = (await made.json()) as { planId: string };
  try {
    await page.goto(`/plans/${planId}`);
    await expect(page.getByTestId("canvas")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
    await expect(page.getByTestId("plan-valid")).toBeVisible();
    await atRest(page);

    await drag(page, handle(page, "sorted", "out:table"), handle(page, "table_md", "in:table"));
    const menu = page.getByTestId("merge-menu");
    await expect(menu).toContainText("table_md.table is already connected");
    await page.screenshot({ path: path.join(screenshotDir, "editor-merge-menu.png") });
    await menu.getByTestId("merge-option-merge").click();
    await expect(menu).toHaveCount(0);
    await expect(page.getByText(/^first of \d\/2/)).toHaveCount(2);
    await expect(page.getByTestId("plan-valid")).toBeVisible();
    await page.getByTestId("tab-steps").click();
    await page.getByTestId("step-item-table_md").click();
    const merged = page.getByTestId("input-field-table").getByTestId("merge-field");
    await expect(merged).toContainText("${steps.by_region.output.table}");
    await expect(merged).toContainText("${steps.sorted.output.table}");
    await page.screenshot({ path: path.join(screenshotDir, "editor-merge-made.png") });

    // undo, and this time replace what the input had
    await page.getByTestId("canvas").click({ position: { x: 20, y: 20 } });
    await page.keyboard.press("Control+z");
    await expect(page.getByText(/^first of \d/)).toHaveCount(0);
    await atRest(page);
    await drag(page, handle(page, "sorted", "out:table"), handle(page, "table_md", "in:table"));
    await page.getByTestId("merge-menu").getByTestId("merge-option-replace").click();
    await page.getByTestId("tab-steps").click();
    await page.getByTestId("step-item-table_md").click();
    await expect(page.getByTestId("input-field-table").locator('[data-testid="source-select"]')).toHaveValue("${steps.sorted.output.table}");
  } finally {
    await request.delete(`/api/plans/${planId}`);
  }
});
