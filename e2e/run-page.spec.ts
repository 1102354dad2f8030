import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { example, importPlan, screenshotDir, startRun } from "./support";

test.use({ viewport: { width: 1440, height: 900 } });

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshotDir, `run-page-${name}.png`), animations: "disabled" });

test("the run page shows the result first: the written report in Outputs, a step's output before its folded input, text as text", async ({ page }) => {
  // As plans made from a goal name it: the plan's output is the write step's whole receipt.
  const plan = JSON.parse(example("revenue-by-region")) as { outputs: Record<string, unknown> };
  plan.outputs = { file: { kind: "step", step: "save" } };
  const planId = await importPlan(page, JSON.stringify(plan));
  await startRun(page, planId);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });

  // The report that was written, not only { path, bytes, created }.
  const out = page.getByTestId("run-output-file");
  await expect(out.getByTestId("run-output-written")).toContainText("Revenue by region");
  await expect(out.getByTestId("run-output-written").locator("img")).toHaveCount(1);
  await expect(out).toContainText("reports/revenue-by-region.md");
  await expect(out).not.toContainText('"bytes"');

  await out.screenshot({ path: path.join(screenshotDir, "run-page-outputs-card.png"), animations: "disabled" });

  // The drawer: output first, the input folded.
  await page.getByTestId("run-node-report").click();
  const drawer = page.getByTestId("step-drawer");
  const outputBox = await drawer.getByTestId("step-output").boundingBox();
  const inputBox = await drawer.getByTestId("step-input").boundingBox();
  expect(outputBox!.y).toBeLessThan(inputBox!.y);
  expect(await drawer.getByTestId("step-input").evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
  await shot(page, "drawer");
  await drawer.getByTestId("step-input").locator("summary").click();
  await expect(drawer.getByTestId("step-input")).toContainText("heading1");

  // "New inputs…" opens the plan on its run form.
  await page.getByTestId("new-inputs").click();
  await page.waitForURL(new RegExp(`/plans/${planId}\\?run=1$`));
  await expect(page.getByTestId("run-popover")).toBeVisible();
  // Escape closes it once the page is live (on a busy machine the form may be shown before it listens).
  await expect(async () => {
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("run-popover")).toHaveCount(0, { timeout: 1000 });
  }).toPass();
});

test("a cancelled run's four header buttons stay on one line at 1440 px", async ({ page }) => {
  const planId = await importPlan(page, example("revenue-by-region"));
  const runId = await startRun(page, planId, { options: { approveWrites: true } });
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 30_000 });
  expect((await page.request.post(`/api/runs/${runId}/cancel`)).status()).toBe(200);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "cancelled", { timeout: 30_000 });
  const buttons = page.locator(".run-controls .button");
  await expect(buttons).toHaveCount(4);
  const boxes = await Promise.all((await buttons.all()).map(async (b) => (await b.boundingBox())!));
  // One line of text each (36 px buttons), all on one row.
  for (const b of boxes) expect(b.height).toBeLessThanOrEqual(40);
  const centres = boxes.map((b) => b.y + b.height / 2);
  expect(Math.max(...centres) - Math.min(...centres)).toBeLessThanOrEqual(1);
  await shot(page, "cancelled-header");
});

test("a step's text output reads as text, not as JSON with \\n escapes", async ({ page }) => {
  const plan = { goal: "Join three lines", flows: ["text"], steps: [{ id: "lines", action: "text.join", inputs: { parts: ["first line", "second line", "third line"] } }], outputs: { text: "${steps.lines.output.text}" } };
  const planId = await importPlan(page, JSON.stringify(plan));
  await startRun(page, planId);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  await page.getByTestId("run-node-lines").click();
  const output = page.getByTestId("step-drawer").getByTestId("step-output");
  await expect(output.locator(".value-text")).toHaveText("first line\nsecond line\nthird line");
  await expect(output).not.toContainText("\\n");
  await expect(output.locator(".value-json").filter({ hasText: "line" })).toHaveCount(0);
  await shot(page, "text-output");
});
