/**
 * MCP servers as actions, in the browser, on a built app of its own started with
 * TRELLIS_MCP_CONFIG: the real server-everything, the real server-filesystem confined to a
 * temporary folder, and a server whose command does not exist.
 */
import { expect, test } from "@playwright/test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBuiltApp } from "../tests/support/built-app";
import { screenshotDir } from "./support";

const modules = path.join(process.cwd(), "node_modules", "@modelcontextprotocol");
let app: Awaited<ReturnType<typeof startBuiltApp>>;
let folder: string;
let files: string;

test.describe.configure({ mode: "serial", timeout: 120_000 });

test.beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), "trellis-e2e-mcp-"));
  files = path.join(folder, "files");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(files);
  const config = path.join(folder, "mcp.json");
  writeFileSync(config, JSON.stringify({
    mcpServers: {
      everything: { command: process.execPath, args: [path.join(modules, "server-everything", "dist", "index.js"), "stdio"] },
      filesystem: { command: process.execPath, args: [path.join(modules, "server-filesystem", "dist", "index.js"), files] },
      broken: { command: "trellis-no-such-mcp-server" },
    },
  }));
  app = await startBuiltApp({ env: { TRELLIS_MCP_CONFIG: config } });
});

test.afterAll(async () => {
  await app?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test("the catalog shows each source with its health, and the servers' tools as actions", async ({ page }) => {
  await page.goto(`${app.baseUrl}/catalog`);
  const source = (id: string) => page.locator(`[data-testid="catalog-source"][data-source="${id}"]`);
  await expect(source("built-in")).toHaveAttribute("data-status", "ok");
  await expect(source("everything")).toHaveAttribute("data-status", "ok");
  await expect(source("everything")).toContainText("13 actions");
  await expect(source("filesystem")).toHaveAttribute("data-status", "ok");
  await expect(source("broken")).toHaveAttribute("data-status", "unavailable");
  await expect(source("broken").getByTestId("source-reason")).toContainText("its command was not found");
  await expect(page.locator('[data-action="everything.get-sum"]')).toBeVisible();
  await expect(page.locator('[data-action="filesystem.write_file"]')).toContainText("approval");
  await page.screenshot({ path: path.join(screenshotDir, "catalog-mcp-sources.png") });
  // The API says the same: GET /api/flows lists each source with its health, and each server is a flow.
  const flows = (await (await page.request.get(`${app.baseUrl}/api/flows`)).json()) as { flows: { id: string; actions: number }[]; sources: { id: string; status: string; reason?: string }[] };
  expect(flows.flows).toEqual(expect.arrayContaining([expect.objectContaining({ id: "everything", actions: 13 })]));
  expect(flows.sources).toEqual(expect.arrayContaining([expect.objectContaining({ id: "everything", status: "ok" }), expect.objectContaining({ id: "broken", status: "unavailable", reason: "its command was not found" })]));
});

test("a goal planned over the filesystem server's tools runs and writes its file", async ({ page }) => {
  await page.goto(`${app.baseUrl}/`);
  await page.getByLabel("What should be done?").fill("Write the text 'hello from Trellis' to the file notes.txt");
  await page.getByTestId("flow-filesystem").click();
  await page.getByTestId("plan-button").click();
  await page.waitForURL(/\/plans\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  const planId = page.url().split("/").pop()!;
  await expect(page.getByTestId("issues-summary")).toContainText("No issues");
  await expect(page.getByTestId("step-node-write_file")).toBeVisible();

  const started = await page.request.post(`${app.baseUrl}/api/plans/${planId}/runs`, { data: {} });
  expect(started.status(), await started.text()).toBe(202);
  const { runId } = (await started.json()) as { runId: string };
  await page.goto(`${app.baseUrl}/runs/${runId}`);
  // write_file is destructive: it waits for a person.
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "awaiting_approval", { timeout: 30_000 });
  expect(existsSync(path.join(files, "notes.txt"))).toBe(false);
  await page.getByTestId("approve-button").click();
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  expect(readFileSync(path.join(files, "notes.txt"), "utf8")).toBe("hello from Trellis");
  await page.getByTestId("run-node-write_file").click();
  await expect(page.getByText("Successfully wrote to notes.txt").first()).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, "run-mcp-filesystem.png"), fullPage: true });
});
