import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { example, importPlan, screenshotDir } from "./support";

// The window the issue was measured in.
test.use({ viewport: { width: 1440, height: 900 } });

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `editor-readable-${name}.png`), animations: "disabled" });
const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const handle = (page: Page, stepId: string, handleId: string) => node(page, stepId).locator(`[data-handleid="${handleId}"]`);

async function openEditor(page: Page, planId: string) {
  await page.goto(`/plans/${planId}`);
  await expect(page.getByTestId("canvas")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
}

/** The canvas's zoom, read from React Flow's viewport transform. */
async function zoom(page: Page): Promise<number> {
  const t = await page.locator(".react-flow__viewport").evaluate((el) => (el as HTMLElement).style.transform);
  return Number(/scale\(([\d.]+)\)/.exec(t)?.[1] ?? NaN);
}

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error("no box");
  return b;
}

/**
 * The canvas has stopped moving: the same transform ten frames running (on a busy machine an
 * animation can skip a frame, so two alike are not enough).
 */
async function atRest(page: Page) {
  await page.waitForFunction(() => {
    const w = window as unknown as { __vp?: string; __still?: number };
    const now = document.querySelector<HTMLElement>(".react-flow__viewport")?.style.transform;
    w.__still = w.__vp === now ? (w.__still ?? 0) + 1 : 0;
    w.__vp = now;
    return w.__still >= 10;
  }, undefined, { polling: "raf" });
}

/** Where to press to grab `l` itself: its centre, once nothing else is on top of it there. */
async function grabPoint(page: Page, l: Locator) {
  let point = { x: 0, y: 0 };
  await expect.poll(async () => {
    const b = await box(l);
    point = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    return l.evaluate((el, p) => el.contains(document.elementFromPoint(p.x, p.y)), point);
  }).toBe(true);
  return point;
}

const inside = (b: { x: number; y: number; width: number; height: number }, frame: { x: number; y: number; width: number; height: number }) =>
  b.x >= frame.x - 1 && b.y >= frame.y - 1 && b.x + b.width <= frame.x + frame.width + 1 && b.y + b.height <= frame.y + frame.height + 1;

test.describe("the editor at 1440 × 900", () => {
  let planId = "";
  test.beforeAll(async ({ browser }) => {
    const page = await browser.newPage();
    planId = await importPlan(page, example("revenue-by-region"));
    await page.close();
  });

  test("opens at a readable zoom, collapses its side panels, and says why a connection is refused at screen scale", async ({ page }) => {
    await openEditor(page, planId);
    // Fitting all seven steps would take about 0.4; the text must read at 12 px × zoom ≥ 9 px.
    const z = await zoom(page);
    expect(z).toBeGreaterThanOrEqual(0.75);
    const label = node(page, "load").locator('[class*="portName"]').first();
    const px = await label.evaluate((el) => parseFloat(getComputedStyle(el).fontSize) * (el.getBoundingClientRect().height / (el as HTMLElement).offsetHeight));
    expect(px).toBeGreaterThanOrEqual(9);
    // It opens at the plan's beginning: the first step is in view.
    expect(inside(await box(node(page, "load")), await box(page.getByTestId("canvas")))).toBe(true);
    await shot(page, "opened");

    const before = (await box(page.getByTestId("canvas"))).width;
    await page.getByTestId("toggle-left-panel").click();
    await page.getByTestId("toggle-right-panel").click();
    await expect.poll(async () => (await box(page.getByTestId("canvas"))).width).toBeGreaterThan(before + 600);
    await expect(page.getByTestId("toggle-right-panel")).toHaveAttribute("aria-expanded", "false");
    await shot(page, "panels-collapsed");

    // Zoomed out to see everything, the refusal still reads at 12 px on screen.
    await page.getByTestId("fit-view").click();
    await atRest(page);
    expect(await zoom(page)).toBeLessThan(0.75);
    const from = await grabPoint(page, handle(page, "load", "out:rowCount"));
    const to = await box(handle(page, "chart", "in:table"));
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x - 30, to.y, { steps: 6 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 6 });
    const reason = page.getByTestId("connection-reason");
    await expect(reason).toBeVisible();
    const scale = await reason.evaluate((el) => el.getBoundingClientRect().width / (el as HTMLElement).offsetWidth);
    expect(scale).toBeCloseTo(1, 1);
    await shot(page, "refusal-zoomed-out");
    await page.mouse.up();

    await page.getByTestId("toggle-left-panel").click();
    await expect(page.getByTestId("tab-steps")).toBeVisible();
  });

  test("deleting a step says what it disconnected and keeps an optional input that lost its source as a warning", async ({ page }) => {
    await openEditor(page, planId);
    await page.getByTestId("tab-steps").click();
    await page.getByTestId("step-item-chart").click();
    await expect(node(page, "chart")).toHaveClass(/selected/);
    await page.keyboard.press("Delete");
    await expect(page.getByTestId("toast").filter({ hasText: "disconnected" })).toContainText("report.body2 (optional: now empty)");
    await expect(page.getByTestId("plan-valid")).toContainText("warning");
    await page.getByTestId("issues-toggle").click();
    const lost = page.getByTestId("lost-source");
    await expect(lost).toContainText("Step report's input body2 lost its source when step chart was deleted");
    await shot(page, "lost-source");
    await page.keyboard.press("Control+z");
    await expect(lost).toHaveCount(0);
  });

  test("small ones: Escape closes the shortcuts, copies land beside their originals, unique titles, a new inputs node in view", async ({ page }) => {
    await openEditor(page, planId);
    await page.getByTestId("open-shortcuts").click();
    await expect(page.getByTestId("shortcuts")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("shortcuts")).toHaveCount(0);

    await page.getByTestId("tab-steps").click();
    await page.getByTestId("step-item-load").click();
    await expect(node(page, "load")).toHaveClass(/selected/);
    await page.keyboard.press("Control+d");
    await expect(node(page, "load_2")).toBeVisible();
    await atRest(page);
    const a = await box(node(page, "load"));
    const b = await box(node(page, "load_2"));
    const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    expect(overlap).toBe(false);
    expect(inside(b, await box(page.getByTestId("canvas")))).toBe(true);
    // Two steps of one action read apart.
    await expect(node(page, "load").locator('[class*="title"]').first()).toHaveText("Load CSV");
    await expect(node(page, "load_2").locator('[class*="title"]').first()).toHaveText("Load CSV 2");
    await expect(page.getByTestId("step-item-load_2")).toContainText("Load CSV 2");
    await shot(page, "duplicated");
  });

  test("a plan's first input appears in view", async ({ page }) => {
    const plain = { goal: "Total the sample sales by region", flows: ["data"], steps: [{ id: "load", action: "data.load_csv", inputs: { path: "sample:sales.csv" } }, { id: "by_region", action: "data.group_aggregate", inputs: { table: "${steps.load.output.table}", groupBy: ["region"], aggregates: [{ fn: "sum", column: "revenue" }] } }] };
    const id = await importPlan(page, JSON.stringify(plain));
    await openEditor(page, id);
    await page.getByTestId("tab-inputs").click();
    await page.getByTestId("add-plan-input").click();
    const inputs = page.locator('.react-flow__node[data-id="__plan_inputs"]');
    await expect(inputs).toBeVisible();
    await atRest(page);
    await expect.poll(async () => inside(await box(inputs), await box(page.getByTestId("canvas")))).toBe(true);
    await shot(page, "inputs-node");
  });
});
