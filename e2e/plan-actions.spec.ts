/**
 * A saved plan used as a step of another plan: the parent's run page shows the child run nested
 * in the step's panel (its status and steps, a link to it), the child run's page links back, and
 * the catalog lists saved plans as a source.
 */
import path from "node:path";
import { expect, test } from "@playwright/test";
import { screenshotDir, startRun } from "./support";

const child = {
  goal: "Count the words of a note", flows: ["text"],
  inputs: [{ name: "text", schema: { type: "string" } }],
  steps: [{ id: "count", action: "text.count_words", inputs: { text: { kind: "input", name: "text" } } }],
  outputs: { words: { kind: "step", step: "count", path: ["total"] } },
};
const parent = {
  goal: "Count a note's words through a saved plan", flows: [],
  inputs: [{ name: "note", schema: { type: "string" } }],
  steps: [{ id: "inner", action: "plan.count-the-words-of-a-note", inputs: { text: { kind: "input", name: "note" } } }],
  outputs: { words: { kind: "step", step: "inner", path: ["words"] } },
};

test("a plan used as a step runs as a child run, shown nested on the run page", async ({ page }) => {
  const imported = await page.request.post("/api/plans/import", { data: { plan: child } });
  expect(imported.status(), await imported.text()).toBeLessThan(300);
  const p = await page.request.post("/api/plans/import", { data: { plan: parent } });
  expect(p.status(), await p.text()).toBeLessThan(300);
  const { planId, valid } = (await p.json()) as { planId: string; valid: boolean };
  expect(valid).toBe(true);

  const runId = await startRun(page, planId, { inputs: { note: "one two three four" } });
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  await page.getByTestId("run-node-inner").click();
  const nested = page.getByTestId("child-run");
  await expect(nested).toHaveAttribute("data-child-status", "succeeded");
  await expect(nested.getByTestId("child-step")).toHaveAttribute("data-status", "succeeded");
  await page.screenshot({ path: path.join(screenshotDir, "run-page-child-run.png"), animations: "disabled" });

  await nested.getByTestId("child-run-link").click();
  await page.waitForURL((url) => /^\/runs\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(runId));
  await expect(page.getByTestId("parent-run-link")).toHaveAttribute("href", `/runs/${runId}`);
  await page.screenshot({ path: path.join(screenshotDir, "run-page-child-run-parent-link.png"), animations: "disabled" });

  await page.goto("/catalog");
  await expect(page.locator('[data-testid="catalog-source"][data-source="Plans"]')).toContainText("2 actions");
  await page.getByTestId("catalog-sources").screenshot({ path: path.join(screenshotDir, "catalog-plans-source.png") });
});
