/**
 * The Connections page: a person adds the real server-everything (stdio) with an env secret from
 * the page, sees it connect, sees its tools become actions on /catalog at once (no restart), and
 * finds the secret's value nowhere on either page; editing keeps the secret without showing it;
 * removing takes the tools away. An HTTP API added from the form: on the suite's server the
 * address guard refuses the app's own loopback address (a clear reason, no crash); on a Trellis of
 * its own that allows 127.0.0.1, Trellis's own OpenAPI document with a bearer token connects, its
 * operations become actions, the token is shown nowhere, an edit keeps it, removal takes them away.
 * Its timeout in seconds: out of the contract's range, the form says so and sends nothing; set, it
 * is stored as timeoutMs and an edit shows it; cleared, the default comes back.
 */
import { expect, test } from "@playwright/test";
import path from "node:path";
import { startBuiltApp, type BuiltApp } from "../tests/support/built-app";
import { screenshotDir } from "./support";

const EVERYTHING = path.join(process.cwd(), "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
const SECRET = "page-secret-3e8f1a27c9d04b65";

test.describe.configure({ mode: "serial", timeout: 120_000 });

test("adds an MCP server from the Connections page; its tools become actions; the secret is shown nowhere", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Connections" }).click();
  await expect(page).toHaveURL(/\/connections$/);
  await expect(page.getByTestId("connection-list")).toContainText("No connections yet");

  const form = page.getByTestId("add-connection");
  await form.getByTestId("connection-name").fill("kit");
  await form.getByTestId("connection-command").fill(process.execPath);
  await form.getByTestId("connection-args").fill(`${EVERYTHING}\nstdio`);
  await form.getByTestId("secret-name").fill("KIT_TOKEN");
  await form.getByTestId("secret-value").fill(SECRET);
  await form.getByTestId("save-connection").click();

  const row = page.locator('[data-testid="connection"][data-name="kit"]');
  await expect(row).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
  await expect(row).toContainText("13 actions");
  await expect(row.getByTestId("connection-secrets")).toContainText("KIT_TOKEN");
  // The add form is empty again: the value is not kept in the page.
  await expect(page.getByTestId("add-connection").getByTestId("secret-value")).toHaveValue("");
  await page.screenshot({ path: path.join(screenshotDir, "connections.png"), fullPage: true });
  expect(await page.content()).not.toContain(SECRET);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Catalog" }).click();
  const source = page.locator('[data-testid="catalog-source"][data-source="kit"]');
  await expect(source).toHaveAttribute("data-status", "ok");
  await expect(source).toContainText("13 actions");
  await expect(page.locator('[data-action="kit.get-sum"]')).toBeVisible();
  expect(await page.content()).not.toContain(SECRET);
});

test("edits a connection without re-entering its secret, tests it, and removes it", async ({ page }) => {
  await page.goto("/connections");
  const row = page.locator('[data-testid="connection"][data-name="kit"]');
  await row.getByTestId("edit-connection").click();
  const edit = page.getByTestId("connection-form").first();
  await expect(edit.locator('[data-testid="existing-secret"][data-secret="KIT_TOKEN"]')).toBeVisible();
  await expect(edit.locator('[data-testid="existing-secret"] input[type="password"]')).toHaveValue("");
  await edit.getByTestId("add-secret").click();
  await edit.getByTestId("secret-name").fill("EXTRA_FLAG");
  await edit.getByTestId("secret-value").fill("extra-value-123");
  await edit.getByTestId("save-connection").click();
  await expect(row.getByTestId("connection-secrets")).toContainText("EXTRA_FLAG");
  await expect(row.getByTestId("connection-secrets")).toContainText("KIT_TOKEN");
  await expect(row).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
  await row.getByTestId("test-connection").click();
  await expect(row).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
  expect(await page.content()).not.toContain(SECRET);

  page.once("dialog", (d) => void d.accept());
  await row.getByTestId("remove-connection").click();
  await expect(row).toHaveCount(0);
  await page.goto("/catalog");
  await expect(page.locator('[data-testid="catalog-source"][data-source="kit"]')).toHaveCount(0);
  await expect(page.locator('[data-action="kit.get-sum"]')).toHaveCount(0);
});

test("adds an HTTP API from the form: the address guard refuses the app's own loopback address with a clear reason", async ({ page, baseURL }) => {
  await page.goto("/connections");
  const form = page.getByTestId("add-connection");
  await form.getByTestId("connection-kind-select").selectOption("openapi");
  await form.getByTestId("connection-name").fill("selfapi");
  await form.getByTestId("api-document").fill(`${baseURL}/api/openapi.json`);
  await form.getByTestId("save-connection").click();
  const row = page.locator('[data-testid="connection"][data-name="selfapi"]');
  await expect(row).toHaveAttribute("data-status", "unavailable", { timeout: 60_000 });
  await expect(row.getByTestId("connection-kind")).toContainText("HTTP API");
  await expect(row.getByTestId("connection-reason")).toContainText("loopback address");
  page.once("dialog", (d) => void d.accept());
  await row.getByTestId("remove-connection").click();
  await expect(row).toHaveCount(0);
});

test.describe("an HTTP API on a Trellis that allows 127.0.0.1", () => {
  const API_SECRET = "page-api-token-6d2c9e41b7a05f38";
  let app: BuiltApp;

  test.beforeAll(async () => {
    // Starting another built app is slow on a busy machine.
    test.setTimeout(180_000);
    app = await startBuiltApp({ env: { TRELLIS_HTTP_ALLOW_HOSTS: "127.0.0.1" } });
  });
  test.afterAll(async () => {
    await app?.stop();
  });

  test("adds, edits and removes an HTTP API (Trellis's own document) from the form; its operations become actions; the token is shown nowhere", async ({ page }) => {
    await page.goto(`${app.baseUrl}/connections`);
    const form = page.getByTestId("add-connection");
    await form.getByTestId("connection-kind-select").selectOption("openapi");
    await expect(form.getByTestId("connection-transport")).toHaveCount(0);
    await form.getByTestId("connection-name").fill("selfapi");
    await form.getByTestId("api-document").fill(`${app.baseUrl}/api/openapi.json`);
    await form.getByTestId("api-operations").fill("listFlows, listConnections");
    await form.getByTestId("api-auth").selectOption("bearer");
    await form.getByTestId("api-secret").fill(API_SECRET);
    await form.getByTestId("api-timeout").fill("601");
    await form.getByTestId("save-connection").click();
    await expect(form.getByTestId("api-timeout-error")).toContainText("from 0.1 to 600 seconds");
    await expect(form.getByTestId("api-timeout-error")).toContainText("601 s is out of range");
    await expect(form.getByTestId("api-timeout")).toHaveAttribute("aria-invalid", "true");
    await expect(page.locator('[data-testid="connection"][data-name="selfapi"]')).toHaveCount(0);
    await page.screenshot({ path: path.join(screenshotDir, "connections-http-api-timeout-refused.png"), fullPage: true, style: ".topbar { position: static !important; }" });
    await form.getByTestId("api-timeout").fill("45");
    await expect(form.getByTestId("api-timeout-error")).toHaveCount(0);
    await page.screenshot({ path: path.join(screenshotDir, "connections-http-api-form.png"), fullPage: true });
    await form.getByTestId("save-connection").click();

    const row = page.locator('[data-testid="connection"][data-name="selfapi"]');
    const stored = async () => ((await (await page.request.get(`${app.baseUrl}/api/connections`)).json()) as { connections: { name: string; config: { timeoutMs?: number } }[] }).connections.find((c) => c.name === "selfapi")?.config;
    await expect(row).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
    await expect(row).toHaveAttribute("data-kind", "openapi");
    await expect(row.getByTestId("connection-kind")).toContainText("HTTP API · 2 actions");
    expect(await stored()).toMatchObject({ timeoutMs: 45_000 });
    await expect(row).toContainText(`${app.baseUrl}/api/openapi.json`);
    await expect(row.getByTestId("connection-secrets")).toContainText("token");
    await expect(page.getByTestId("add-connection").getByTestId("connection-name")).toHaveValue("");
    await page.screenshot({ path: path.join(screenshotDir, "connections-http-api.png"), fullPage: true });
    expect(await page.content()).not.toContain(API_SECRET);

    await page.goto(`${app.baseUrl}/catalog`);
    await expect(page.locator('[data-testid="catalog-source"][data-source="selfapi"]')).toHaveAttribute("data-status", "ok");
    await expect(page.locator('[data-action="selfapi.listFlows"]')).toBeVisible();
    expect(await page.content()).not.toContain(API_SECRET);

    await page.goto(`${app.baseUrl}/connections`);
    await row.getByTestId("edit-connection").click();
    const edit = page.getByTestId("connection-form").first();
    await expect(edit.getByTestId("api-secret")).toHaveValue("");
    await expect(edit.getByTestId("api-secret")).toHaveAttribute("placeholder", /leave empty to keep/);
    await expect(edit.getByTestId("api-timeout")).toHaveValue("45");
    await edit.getByTestId("api-operations").fill("listFlows");
    await edit.getByTestId("api-timeout").fill("");
    await edit.getByTestId("save-connection").click();
    await expect(row.getByTestId("connection-kind")).toContainText("HTTP API · 1 action");
    expect(await stored()).not.toHaveProperty("timeoutMs");
    await expect(row).toHaveAttribute("data-status", "ok");
    await expect(row.getByTestId("connection-secrets")).toContainText("token");
    expect(await page.content()).not.toContain(API_SECRET);

    page.once("dialog", (d) => void d.accept());
    await row.getByTestId("remove-connection").click();
    await expect(row).toHaveCount(0);
    await page.goto(`${app.baseUrl}/catalog`);
    await expect(page.locator('[data-action="selfapi.listFlows"]')).toHaveCount(0);
  });
});
