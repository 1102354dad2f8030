import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Locator, type Page } from "@playwright/test";

export const screenshotDir = path.join(process.cwd(), "test-results", "screenshots");

export function example(name: string): string {
  return readFileSync(path.join(process.cwd(), "examples", `${name}.json`), "utf8");
}

/** Imports a plan through the import page; returns its id. */
export async function importPlan(page: Page, json: string): Promise<string> {
  await page.goto("/plans/new");
  await page.getByLabel("Plan JSON").fill(json);
  await page.getByRole("button", { name: "Import plan" }).click();
  await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/);
  return page.url().split("/").pop()!;
}

/** Starts a run over REST and opens its page. */
export async function startRun(page: Page, planId: string, body: object = {}): Promise<string> {
  const res = await page.request.post(`/api/plans/${planId}/runs`, { data: body });
  expect(res.status(), await res.text()).toBe(202);
  const { runId } = (await res.json()) as { runId: string };
  await page.goto(`/runs/${runId}`);
  return runId;
}

/** The centre of an element on the page. */
async function center(l: Locator) {
  const box = await l.boundingBox();
  if (!box) throw new Error("element has no box");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags a connection from one handle to another; `release: false` keeps the mouse down over the target. */
export async function drag(page: Page, from: Locator, to: Locator, release = true) {
  const a = await center(from);
  const b = await center(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 });
  await page.mouse.move(b.x, b.y, { steps: 6 });
  if (release) await page.mouse.up();
}
