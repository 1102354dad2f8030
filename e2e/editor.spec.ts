import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { drag, example, importPlan, screenshotDir } from "./support";

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `editor-${name}.png`), animations: "disabled" });
const node = (page: Page, id: string) => page.getByTestId(`step-node-${id}`);
const handle = (page: Page, stepId: string, handleId: string) => node(page, stepId).locator(`[data-handleid="${handleId}"]`);
const nodes = (page: Page) => page.locator(".react-flow__node-step");

async function openEditor(page: Page, planId: string) {
  await page.goto(`/plans/${planId}`);
  await expect(page.getByTestId("canvas")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
}

/**
 * Waits for the canvas to come to rest where a pan or zoom takes it: the step centred (the step
 * list centres it), or the whole plan in view and centred ("fit"), with the viewport unmoved since
 * the frame before. A condition, not a pause: it holds on a slow machine as on a fast one.
 */
async function canvasAtRest(page: Page, target: { centred: string } | "fitted") {
  await page.waitForFunction((t) => {
    const w = window as unknown as { __lastViewport?: string };
    const pane = document.querySelector(".react-flow");
    const viewport = document.querySelector<HTMLElement>(".react-flow__viewport");
    if (!pane || !viewport) return false;
    const now = viewport.style.transform;
    const still = w.__lastViewport === now;
    w.__lastViewport = now;
    if (!still) return false;
    const frame = pane.getBoundingClientRect();
    const boxes = (t === "fitted" ? [...document.querySelectorAll(".react-flow__node")] : [...document.querySelectorAll(`.react-flow__node[data-id="${CSS.escape(t.centred)}"]`)]).map((n) => n.getBoundingClientRect());
    if (!boxes.length) return false;
    const left = Math.min(...boxes.map((b) => b.left)), right = Math.max(...boxes.map((b) => b.right));
    const top = Math.min(...boxes.map((b) => b.top)), bottom = Math.max(...boxes.map((b) => b.bottom));
    const centred = Math.abs((left + right) / 2 - (frame.left + frame.width / 2)) <= 2 && Math.abs((top + bottom) / 2 - (frame.top + frame.height / 2)) <= 2;
    const inView = left >= frame.left - 1 && right <= frame.right + 1 && top >= frame.top - 1 && bottom <= frame.bottom + 1;
    return centred && (t !== "fitted" || inView);
  }, target, { polling: "raf" });
}

/** Fits the plan in view and waits for the canvas to settle there. */
async function fitView(page: Page) {
  await page.getByTestId("fit-view").click();
  await canvasAtRest(page, "fitted");
}

/** Shows a step on the canvas and selects it (through the step list, which centres it). */
async function focusStep(page: Page, id: string) {
  await page.getByTestId("tab-steps").click();
  await page.getByTestId(`step-item-${id}`).click();
  await expect(page.getByTestId("inspector")).toBeVisible();
  await canvasAtRest(page, { centred: id });
}

test.use({ viewport: { width: 1600, height: 1000 } });

// Every spec shares one app and database: the plans made here are deleted afterwards.
const created: string[] = [];
const track = (planId: string) => (created.push(planId), planId);

test.afterAll(async ({ playwright }, testInfo) => {
  const api = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL });
  for (const id of created.splice(0)) {
    const res = await api.delete(`/api/plans/${id}`);
    expect([200, 404], await res.text()).toContain(res.status());
  }
  await api.dispose();
});

test.describe("the plan editor", () => {
  test("a goal is planned and opens on the canvas", async ({ page }) => {
    await page.goto("/");
    await page.getByLabel("What should be done?").fill("Load the sample sales CSV, total revenue by region, chart it and write a report");
    for (const flow of ["data", "text", "files"]) await page.getByTestId(`flow-${flow}`).click();
    await page.getByTestId("plan-button").click();
    await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    track(page.url().split("/").pop()!);
    await expect(page.getByTestId("canvas")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
    await expect(nodes(page)).toHaveCount(5);
    await expect(page.getByTestId("plan-valid")).toBeVisible();
    await shot(page, "planned");
  });

  test("edit, type-check, undo, save, version, diff, export and import", async ({ page }) => {
    test.setTimeout(150_000);
    const planId = track(await importPlan(page, example("revenue-by-region")));
    await expect(page.getByTestId("canvas")).toHaveAttribute("data-ready", "true", { timeout: 20_000 });
    await expect(nodes(page)).toHaveCount(7);
    await expect(page.getByTestId("plan-valid")).toHaveText("Valid");
    await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "false");
    await shot(page, "open");

    // Add a step after "sorted": it lands connected where the types fit, and needs its conditions.
    await focusStep(page, "sorted");
    await page.getByTestId("node-add-after").click();
    await expect(page.getByTestId("palette-search")).toBeFocused();
    await page.keyboard.type("filter rows");
    await page.getByTestId("palette-item-data.filter").click();
    await expect(nodes(page)).toHaveCount(8);
    await expect(node(page, "filter")).toBeVisible();
    await expect(page.getByTestId("inspector-title")).toHaveText("Filter rows");
    await expect(page.getByTestId("input-field-table").locator('[data-testid="source-select"]')).toHaveValue("${steps.sorted.output.table}");
    await expect(page.getByTestId("plan-invalid")).toHaveText("1 error");
    await expect(node(page, "filter").getByTestId("node-issue-badge")).toHaveText("1");

    // The issue list leads to the input that needs a value; set it as a literal (JSON, checked as typed).
    await page.getByTestId("plan-invalid").click();
    await page.getByTestId("issue-item").first().click();
    const conditions = page.getByTestId("input-field-conditions");
    await expect(conditions).toHaveAttribute("data-highlight", "true");
    await conditions.getByTestId("literal-input").fill('[{ "column": "region", "op": "ne"');
    await expect(conditions).toContainText("Not valid JSON yet");
    await conditions.getByTestId("literal-input").fill('[{ "column": "region", "op": "ne", "value": "North" }]');
    await expect(page.getByTestId("plan-valid")).toBeVisible();
    await shot(page, "literal");

    // A plain text literal: the chart's title, shown on its node.
    await focusStep(page, "chart");
    await page.getByTestId("input-field-title").getByTestId("literal-input").fill("Revenue by region (without North)");
    await expect(node(page, "chart").getByTestId("port-in-title")).toContainText("Revenue by region (without");

    // Connect: the filtered table feeds the markdown table instead of the sorted one.
    await fitView(page);
    await focusStep(page, "table_md");
    await page.keyboard.press("Escape");
    await drag(page, handle(page, "filter", "out:table"), handle(page, "table_md", "in:table"));
    await page.getByTestId("merge-menu").getByTestId("merge-option-replace").click();
    await focusStep(page, "table_md");
    await expect(page.getByTestId("input-field-table").locator('[data-testid="source-select"]')).toHaveValue("${steps.filter.output.table}");

    // A connection that does not type-check is refused, and the reason is shown while dragging and after.
    await page.keyboard.press("Escape");
    await drag(page, handle(page, "filter", "out:rowCount"), handle(page, "table_md", "in:table"), false);
    await expect(page.getByTestId("connection-reason")).toContainText('"table" needs');
    await shot(page, "refused");
    await page.mouse.up();
    await expect(page.getByTestId("toast").filter({ hasText: "Not connected" })).toHaveAttribute("data-kind", "error");
    await focusStep(page, "table_md");
    await expect(page.getByTestId("input-field-table").locator('[data-testid="source-select"]')).toHaveValue("${steps.filter.output.table}");

    // Undo and redo, by keyboard and by the toolbar.
    await page.getByTestId("canvas").click({ position: { x: 20, y: 20 } });
    await page.keyboard.press("Control+z");
    await expect(page.getByTestId("toast").filter({ hasText: "Undid: Connect filter.table" })).toBeVisible();
    await focusStep(page, "table_md");
    await expect(page.getByTestId("input-field-table").locator('[data-testid="source-select"]')).toHaveValue("${steps.sorted.output.table}");
    await page.getByTestId("redo").click();
    await expect(page.getByTestId("input-field-table").locator('[data-testid="source-select"]')).toHaveValue("${steps.filter.output.table}");

    // Copy, paste, select all and delete by keyboard.
    await focusStep(page, "chart");
    await page.getByTestId("canvas").click({ position: { x: 20, y: 20 } });
    await focusStep(page, "chart");
    await page.locator("body").press("Control+c");
    await page.locator("body").press("Control+v");
    await expect(node(page, "chart_2")).toBeVisible();
    await expect(nodes(page)).toHaveCount(9);
    await page.locator("body").press("Delete");
    await expect(nodes(page)).toHaveCount(8);
    await page.locator("body").press("Control+a");
    await expect(page.getByTestId("inspector-multi")).toContainText("8 steps");
    await page.locator("body").press("Escape");

    // The step list: move a step earlier; without a data dependency it becomes an order-only one.
    await page.getByTestId("tab-steps").click();
    const items = page.getByTestId("step-list").locator("li");
    await expect(items).toHaveCount(8);
    const before = await items.allTextContents();
    const chartAt = before.findIndex((t) => t.includes("chart"));
    await page.getByTestId("step-item-table_md").hover();
    await page.getByTestId("step-item-table_md").getByTestId("step-up").click();
    await expect(page.getByTestId("step-item-chart")).toContainText("waits for table_md");
    await expect(page.locator(".react-flow__edge-order")).not.toHaveCount(0);
    // A move against a data dependency is refused with the reason.
    await page.getByTestId("step-item-sorted").hover();
    await page.getByTestId("step-item-sorted").getByTestId("step-up").click();
    await expect(page.getByTestId("toast").filter({ hasText: '"sorted" cannot run before "by_region": it reads the output of "by_region"' })).toBeVisible();
    expect(chartAt).toBeGreaterThan(0);
    await shot(page, "steps");

    // Save a version with a note; the server validates it again.
    await page.getByTestId("save-button").click();
    await expect(page.getByTestId("save-diff")).toContainText("1 step added");
    await page.getByTestId("save-note").fill("Leave North out");
    await shot(page, "save");
    await page.getByTestId("save-confirm").click();
    await expect(page.getByTestId("toast").filter({ hasText: "Saved v2" })).toBeVisible();
    await expect(page.getByTestId("version-badge")).toHaveText("v2");
    await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "false");

    // Reload: the saved version is what opens.
    await openEditor(page, planId);
    await expect(page.getByTestId("version-badge")).toHaveText("v2");
    await expect(nodes(page)).toHaveCount(8);
    await expect(node(page, "filter")).toBeVisible();

    // Versions and a diff between them.
    await page.getByTestId("open-versions").click();
    const rows = page.getByTestId("version-row");
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText("Leave North out");
    await expect(page.getByTestId("diff-view")).toContainText("1 step added");
    await expect(page.getByTestId("diff-added")).toContainText("filter");
    await expect(page.getByTestId("diff-changed").filter({ hasText: "data.to_markdown" })).toContainText("${steps.filter.output.table}");
    await shot(page, "versions");
    await page.keyboard.press("Escape");

    // Export the plan as JSON.
    const downloading = page.waitForEvent("download");
    await page.getByTestId("export-json").click();
    const file = await (await downloading).path();
    const exported = JSON.parse(await readFile(file, "utf8")) as { steps: { id: string }[] };
    expect(exported.steps.map((s) => s.id)).toContain("filter");

    // Import: malformed JSON changes nothing and says why; a plan replaces the working copy, as one undo entry.
    await page.getByTestId("open-import").click();
    await page.getByTestId("import-json").fill('{ "goal": 1, "steps": [] }');
    await page.getByTestId("import-submit").click();
    await expect(page.getByTestId("import-error")).toContainText("Nothing was changed");
    await expect(page.getByTestId("import-error")).toContainText("goal");
    await shot(page, "import-error");
    await page.getByTestId("import-json").fill(JSON.stringify({ ...exported, steps: exported.steps.filter((s) => s.id !== "filter") }));
    await page.getByTestId("import-submit").click();
    await expect(nodes(page)).toHaveCount(7);
    await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "true");
    await page.getByTestId("undo").click();
    await expect(nodes(page)).toHaveCount(8);
    await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "false");

    // Restore v1 from the version list: it becomes v3.
    await page.getByTestId("open-versions").click();
    await rows.filter({ hasText: "v1" }).getByTestId("version-restore").click();
    await expect(page.getByTestId("version-badge")).toHaveText("v3");
    await expect(nodes(page)).toHaveCount(7);
  });

  test("drag an action onto the canvas, manage plan inputs, and feed a step from the inputs node", async ({ page }) => {
    const planId = track(await importPlan(page, example("revenue-by-region")));
    await openEditor(page, planId);

    // Renaming a plan input renames every binding that reads it.
    await page.getByTestId("tab-inputs").click();
    const name = page.getByTestId("plan-input-report_path").getByTestId("plan-input-name");
    await name.fill("out_path");
    await name.press("Enter");
    await expect(page.getByTestId("plan-input-out_path")).toBeVisible();
    await expect(page.getByTestId("plan-valid")).toBeVisible();
    await focusStep(page, "save");
    await expect(page.getByTestId("input-field-path").getByTestId("input-select")).toHaveValue("out_path");

    // The step list reorders by drag and drop too: table_md before chart makes chart wait for it.
    await page.getByTestId("tab-steps").click();
    await page.getByTestId("step-item-table_md").dragTo(page.getByTestId("step-item-chart"), { targetPosition: { x: 60, y: 4 } });
    await expect(page.getByTestId("step-item-chart")).toContainText("waits for table_md");

    // A new plan input, typed.
    await page.getByTestId("tab-inputs").click();
    await page.getByTestId("add-plan-input").click();
    const added = page.getByTestId("plan-input-input");
    await added.getByTestId("plan-input-type").selectOption("string");
    await added.getByTestId("plan-input-name").fill("csv_file");
    await added.getByTestId("plan-input-name").press("Enter");
    await expect(page.getByTestId("plan-inputs-node")).toContainText("csv_file");

    // Drag an action from the palette onto the canvas.
    await page.getByTestId("tab-add").click();
    await page.getByTestId("palette-search").fill("csv");
    await page.getByTestId("palette-item-data.load_csv").dragTo(page.getByTestId("canvas"), { targetPosition: { x: 240, y: 600 } });
    await expect(node(page, "load_csv")).toBeVisible();
    await expect(page.getByTestId("plan-invalid")).toBeVisible();

    // Auto-layout on demand (ELK loads lazily in the browser) places the new step with the rest.
    const placed = () => node(page, "load_csv").locator("xpath=..").getAttribute("style");
    const before = await placed();
    await page.getByTestId("auto-layout").click();
    await expect.poll(placed).not.toBe(before);
    await expect(page.getByTestId("canvas")).toHaveAttribute("data-ready", "true");

    // Feed its path from the new plan input, straight from the inputs node.
    await fitView(page);
    await drag(page, page.getByTestId("plan-inputs-node").locator('[data-handleid="pi:csv_file"]'), handle(page, "load_csv", "in:path"));
    await expect(page.getByTestId("plan-valid")).toBeVisible();
    await focusStep(page, "load_csv");
    await expect(page.getByTestId("input-field-path").getByTestId("input-select")).toHaveValue("csv_file");
    await shot(page, "inputs");

    // Dropped on a step's body, a connection offers the inputs that fit (here, the report's text inputs).
    await fitView(page);
    await page.keyboard.press("Escape");
    await drag(page, handle(page, "table_md", "out:markdown"), node(page, "report").locator("text=Assemble a Markdown report"));
    const menu = page.getByTestId("drop-menu");
    await expect(menu).toContainText("intro");
    await expect(menu).not.toContainText("sections");
    await shot(page, "drop-menu");
    await menu.getByTestId("drop-option-intro").click();
    await focusStep(page, "report");
    await expect(page.getByTestId("input-field-intro").locator('[data-testid="source-select"]')).toHaveValue("${steps.table_md.output.markdown}");
  });

  test("refine with AI shows the proposal as a diff to accept or reject", async ({ page }) => {
    const planId = track(await importPlan(page, example("revenue-by-region")));
    await openEditor(page, planId);
    await page.getByTestId("open-refine").click();
    await page.getByTestId("refine-instruction").fill("also write the sorted table to a csv file");
    await page.getByTestId("refine-submit").click();
    await expect(page.getByTestId("refine-diff")).toContainText("1 step added", { timeout: 20_000 });
    await expect(page.getByTestId("refine-diff").getByTestId("diff-added")).toContainText("data.write_file");
    await shot(page, "refine");
    await page.getByTestId("refine-reject").click();
    await expect(page.getByTestId("refine-instruction")).toBeVisible();
    await page.getByTestId("refine-submit").click();
    await page.getByTestId("refine-accept").click();
    await expect(nodes(page)).toHaveCount(8);
    await expect(page.getByTestId("undo")).toHaveAttribute("title", /Undo: AI: also write/);
    await page.getByTestId("undo").click();
    await expect(nodes(page)).toHaveCount(7);

    // A version saved elsewhere (another tab, the API) shows up when the tab is back in focus, and loads on request.
    const latest = (await (await page.request.get(`/api/plans/${planId}`)).json()) as { latest: { id: string; plan: { steps: { id: string; label?: string }[] } } };
    latest.latest.plan.steps[0].label = "Load the sales (edited elsewhere)";
    const put = await page.request.put(`/api/plans/${planId}`, { data: { plan: latest.latest.plan, baseVersionId: latest.latest.id } });
    expect(put.status(), await put.text()).toBe(200);
    await page.evaluate(() => window.dispatchEvent(new Event("visibilitychange")));
    await page.getByTestId("load-newer").click();
    await expect(page.getByTestId("version-badge")).toHaveText("v2");
    await expect(node(page, "load")).toContainText("Load the sales (edited elsewhere)");
    await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "false");
  });

  test("the REST API saves versions, lists them, diffs them and names what is wrong", async ({ request }) => {
    const made = await request.post("/api/plans/import", { data: { plan: JSON.parse(example("revenue-by-region")) } });
    expect(made.status(), await made.text()).toBe(201);
    const { planId } = (await made.json()) as { planId: string };
    track(planId);
    const got = await request.get(`/api/plans/${planId}`);
    const detail = (await got.json()) as { latest: { id: string; number: number; plan: { steps: { id: string; label?: string }[] } } };
    expect(detail.latest.number).toBe(1);

    const plan = detail.latest.plan;
    plan.steps[0].label = "Load the sales";
    const saved = await request.put(`/api/plans/${planId}`, { data: { plan, note: "label", baseVersionId: detail.latest.id } });
    expect(saved.status(), await saved.text()).toBe(200);
    expect(await saved.json()).toMatchObject({ created: true, valid: true, version: { number: 2, note: "label" } });

    const stale = await request.put(`/api/plans/${planId}`, { data: { plan, baseVersionId: detail.latest.id } });
    expect(stale.status()).toBe(409);
    const notJson = await request.put(`/api/plans/${planId}`, { headers: { "content-type": "application/json" }, data: Buffer.from("{ nope") });
    expect(notJson.status()).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    const notPlan = await request.put(`/api/plans/${planId}`, { data: { plan: { goal: "x", steps: [{ id: "1 bad" }] } } });
    expect(notPlan.status()).toBe(422);
    expect(await notPlan.json()).toMatchObject({ error: { code: "invalid_plan", message: expect.stringMatching(/steps\.0/) } });
    expect((await request.put(`/api/plans/${planId}`, { data: { note: 1 } })).status()).toBe(400);

    const versions = (await (await request.get(`/api/plans/${planId}/versions`)).json()) as { versions: { number: number }[] };
    expect(versions.versions.map((v) => v.number)).toEqual([2, 1]);
    const diff = await request.get(`/api/plans/${planId}/diff?from=1&to=2`);
    expect(await diff.json()).toMatchObject({ from: { number: 1 }, to: { number: 2 }, diff: { steps: { changed: [{ id: "load", changes: [{ field: "label", after: "Load the sales" }] }] } } });
    expect((await request.get(`/api/plans/${planId}/diff?from=9`)).status()).toBe(404);

    const other = (await (await request.post("/api/plans/import", { data: { plan: JSON.parse(example("revenue-by-region")) } })).json()) as { planId: string };
    expect((await request.delete(`/api/plans/${other.planId}`)).status()).toBe(200);
    expect((await request.get(`/api/plans/${other.planId}`)).status()).toBe(404);
  });
});
