/**
 * HTTP APIs as actions, in the browser, on a built app of its own started with a sources file
 * whose `apis` name a real local server's OpenAPI document (bearer auth from the environment)
 * and a document file that does not exist.
 */
import { expect, test } from "@playwright/test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBuiltApp } from "../tests/support/built-app";
import { startTestServer, type TestServer } from "../tests/support/http-server";
import { screenshotDir } from "./support";

const DOC = {
  openapi: "3.1.0",
  info: { title: "Pets", version: "1" },
  paths: {
    "/pets": {
      get: {
        operationId: "listPets",
        summary: "List the pets",
        parameters: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1 } }],
        responses: { 200: { description: "the pets", content: { "application/json": { schema: { type: "object", properties: { pets: { type: "array", items: { $ref: "#/components/schemas/Pet" } } }, required: ["pets"] } } } } },
      },
    },
    "/pets/{id}/photo": {
      post: { operationId: "uploadPhoto", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], requestBody: { required: true, content: { "multipart/form-data": { schema: { type: "object" } } } }, responses: { 204: { description: "stored" } } },
    },
  },
  components: { schemas: { Pet: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } } },
};

let app: Awaited<ReturnType<typeof startBuiltApp>>;
let server: TestServer;
let folder: string;

test.describe.configure({ mode: "serial", timeout: 120_000 });

test.beforeAll(async () => {
  // Starting the built app is slow on a busy machine.
  test.setTimeout(180_000);
  folder = mkdtempSync(path.join(os.tmpdir(), "trellis-e2e-openapi-"));
  server = await startTestServer({
    "/openapi.json": (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ...DOC, servers: [{ url: "/" }] })),
    "/pets": (req, res) => (req.headers.authorization === "Bearer e2e-pets-token"
      ? res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ pets: [{ name: "Rex" }, { name: "Tom" }] }))
      : res.writeHead(401, { "content-type": "application/json" }).end('{"error":"who are you"}')),
  });
  const config = path.join(folder, "sources.json");
  writeFileSync(config, JSON.stringify({
    apis: {
      pets: { openapi: `${server.url}/openapi.json`, auth: { type: "bearer", token: "${E2E_PETS_TOKEN}" } },
      missing: { openapi: "no-such-document.yaml" },
    },
  }));
  app = await startBuiltApp({ env: { TRELLIS_MCP_CONFIG: config, TRELLIS_HTTP_ALLOW_HOSTS: "127.0.0.1", E2E_PETS_TOKEN: "e2e-pets-token" } });
});

test.afterAll(async () => {
  await app?.stop();
  await server?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test("the catalog shows each API with its health and what it left out, and its operations as actions", async ({ page }) => {
  await page.goto(`${app.baseUrl}/catalog`);
  const source = (id: string) => page.locator(`[data-testid="catalog-source"][data-source="${id}"]`);
  await expect(source("pets")).toHaveAttribute("data-status", "ok");
  await expect(source("pets")).toContainText("HTTP API");
  await expect(source("pets")).toContainText("1 action");
  await source("pets").getByTestId("source-notes").locator("summary").click();
  await expect(source("pets").getByTestId("source-notes")).toContainText("uploadPhoto: left out, its request body is multipart/form-data");
  await expect(source("missing")).toHaveAttribute("data-status", "unavailable");
  await expect(source("missing").getByTestId("source-reason")).toContainText("no-such-document.yaml cannot be read (ENOENT)");
  await expect(page.locator('[data-action="pets.listPets"]')).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, "catalog-http-api-sources.png") });
});

test("a plan on an API operation runs and shows the API's answer", async ({ page }) => {
  const imported = await page.request.post(`${app.baseUrl}/api/plans/import`, {
    data: { plan: { goal: "List the pets", flows: ["pets"], inputs: [], steps: [{ id: "pets", action: "pets.listPets", inputs: { limit: 2 } }], outputs: { names: "${steps.pets.output.pets}" } } },
  });
  expect(imported.status(), await imported.text()).toBe(201);
  const { planId } = (await imported.json()) as { planId: string };
  const started = await page.request.post(`${app.baseUrl}/api/plans/${planId}/runs`, { data: {} });
  expect(started.status(), await started.text()).toBe(202);
  const { runId } = (await started.json()) as { runId: string };
  await page.goto(`${app.baseUrl}/runs/${runId}`);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 30_000 });
  await page.getByTestId("run-node-pets").click();
  await expect(page.getByText("Rex").first()).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, "run-http-api-step.png") });
  expect(server.hits.find((h) => h.path === "/pets?limit=2")).toBeTruthy();
});
