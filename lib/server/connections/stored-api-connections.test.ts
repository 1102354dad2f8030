/**
 * Stored HTTP API connections (kind `openapi`) against real things: the embedded database, a
 * real local HTTP server with an OpenAPI document and basic auth, the live registry and the
 * engine. The password is sealed in the row, never in its config or answers; the redactor knows
 * it and its base64 form; the step calls the API with it; another key makes the connection
 * unavailable, not a crash; a sources-file API of the same name shadows it; removal takes its
 * actions away at once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveRegistry } from "../../catalogs/live-registry";
import { validatePlan, type Plan } from "../../core";
import { getConnectionRow } from "../../store/connections";
import { openDatabase, type Database } from "../../store/database";
import { makeHarness } from "../../../tests/support/engine-harness";
import { startTestServer, type TestServer } from "../../../tests/support/http-server";
import { redactText } from "./redaction";
import { SecretBox } from "./secret-box";
import { StoredConnections } from "./stored-connections";

const KEY = "stored-api-connections-key-0123456789abcdef";
const PASSWORD = "api-password-2c8e61f0b9d4";
const BASIC = `Basic ${Buffer.from(`ada:${PASSWORD}`).toString("base64")}`;
// Characters a query encodes: the key must be redacted in its encoded forms too.
const QUERY_KEY = "query key+/=9e4b27c1";

const DOC = {
  openapi: "3.0.3",
  info: { title: "Notes", version: "1" },
  servers: [{ url: "/v1" }],
  paths: { "/notes": { get: { operationId: "listNotes", responses: { 200: { description: "the notes", content: { "application/json": { schema: { type: "object", properties: { notes: { type: "array", items: { type: "string" } } }, required: ["notes"] } } } } } } } },
};

let dir: string;
let db: Database;
let server: TestServer;

function open(key: string, configNames: string[] = []) {
  const registry = new LiveRegistry([], []);
  const connections: StoredConnections = new StoredConnections(db.prisma, new SecretBox(key), {
    configNames: new Set(configNames),
    takenNames: () => registry.takenNames(connections),
    waitMs: 60_000,
    api: { policy: { allowPrivate: false, namedHosts: ["127.0.0.1"] }, backoffMs: 50, maxBackoffMs: 200 },
  });
  registry.addSource(connections);
  return { registry, connections };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "trellis-api-connections-"));
  db = await openDatabase({ dir: path.join(dir, "pglite") });
  server = await startTestServer({
    "/openapi.json": (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(DOC)),
    "/v1/notes": (req, res) => (req.headers.authorization === BASIC || new URL(req.url!, "http://x").searchParams.get("api_key") === QUERY_KEY
      ? res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ notes: ["buy milk"] }))
      // A careless API that repeats the URL it refuses (the key in it, encoded).
      : res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: `no: ${req.url}` }))),
  });
}, 120_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("stored HTTP API connections", { timeout: 120_000 }, () => {
  it("adds an API at run time: its operations are actions at once, called with the sealed password", async () => {
    const { registry, connections } = open(KEY);
    try {
      const made = await connections.create({ kind: "openapi", name: "notes", config: { openapi: `${server.url}/openapi.json`, auth: { type: "basic", username: "ada" } }, secrets: { password: PASSWORD } }, "olive");
      expect(made).toMatchObject({ kind: "openapi", status: "ok", secretNames: ["password"], actions: ["notes.listNotes"] });
      expect(JSON.stringify(made)).not.toContain(PASSWORD);
      expect(registry.catalog.sources.find((s) => s.id === "notes")).toMatchObject({ kind: "openapi", status: "ok", actions: 1 });
      const row = await getConnectionRow(db.prisma, "notes");
      expect(JSON.stringify(row)).not.toContain(PASSWORD);
      expect(row!.config).toEqual({ openapi: `${server.url}/openapi.json`, auth: { type: "basic", username: "ada" } });
      expect(redactText(`${PASSWORD} ${BASIC}`)).toBe("[redacted] Basic [redacted]");

      const plan: Plan = { goal: "t", flows: ["notes"], inputs: [], outputs: {}, steps: [{ id: "list", action: "notes.listNotes", inputs: {} }] };
      expect(validatePlan(plan, registry.catalog).valid).toBe(true);
      const h = makeHarness(db, [], { registry });
      const done = await h.engine.run({ planVersionId: await h.savePlan(plan) });
      expect(done.run.status).toBe("succeeded");
      expect(done.steps[0].output).toEqual({ notes: ["buy milk"] });
    } finally {
      await connections.close();
    }
  });

  it("an API key in a query parameter: the call carries it; a refusal that repeats the URL keeps only [redacted]", async () => {
    const { registry, connections } = open(KEY);
    try {
      const made = await connections.create({ kind: "openapi", name: "keyed", config: { openapi: `${server.url}/openapi.json`, auth: { type: "apiKey", query: "api_key" } }, secrets: { key: QUERY_KEY } }, "olive");
      expect(made).toMatchObject({ status: "ok", secretNames: ["key"], config: { auth: { type: "apiKey", query: "api_key" } } });
      const h = makeHarness(db, [], { registry });
      const plan: Plan = { goal: "t", flows: ["keyed"], inputs: [], outputs: {}, steps: [{ id: "list", action: "keyed.listNotes", inputs: {} }] };
      const done = await h.engine.run({ planVersionId: await h.savePlan(plan) });
      expect(done.steps[0].output).toEqual({ notes: ["buy milk"] });

      const wrong = await connections.update("keyed", { secrets: { key: "wrong key+/=" } }, "olive");
      expect(wrong.status).toBe("ok");
      const refused = await h.engine.run({ planVersionId: await h.savePlan(plan) });
      expect(refused.run.status).toBe("failed");
      const error = JSON.stringify(refused.steps[0].failure);
      expect(error).toContain("HTTP 401");
      expect(error).toContain("[redacted]");
      for (const form of ["wrong key+/=", encodeURIComponent("wrong key+/="), "wrong+key%2B%2F%3D"]) expect(error).not.toContain(form);
      await connections.remove("keyed", "olive");
    } finally {
      await connections.close();
    }
  });

  it("another key: unavailable, 'secret cannot be read'; an API of the sources file of the same name shadows it", async () => {
    const rotated = open(`${KEY}-rotated`);
    try {
      await rotated.connections.start();
      expect(rotated.connections.list()[0]).toMatchObject({ name: "notes", kind: "openapi", status: "unavailable", reason: expect.stringMatching(/^secret cannot be read/) });
      expect(rotated.registry.catalog.get("notes.listNotes")).toBeUndefined();
    } finally {
      await rotated.connections.close();
    }
    const shadowed = open(KEY, ["notes"]);
    try {
      await shadowed.connections.start();
      expect(shadowed.connections.list()[0]).toMatchObject({ name: "notes", status: "shadowed", reason: expect.stringMatching(/TRELLIS_MCP_CONFIG/) });
    } finally {
      await shadowed.connections.close();
    }
  });

  it("edits keep the password unless given; a new auth type needs its secret; removal takes the actions away", async () => {
    const { registry, connections } = open(KEY);
    try {
      await connections.start();
      expect(registry.catalog.get("notes.listNotes")).toBeDefined();
      const kept = await connections.update("notes", { config: { openapi: `${server.url}/openapi.json`, auth: { type: "basic", username: "ada" }, timeoutMs: 5000 }, secrets: {} }, "olive");
      expect(kept).toMatchObject({ status: "ok", secretNames: ["password"], config: { timeoutMs: 5000 } });
      await expect(connections.update("notes", { config: { openapi: `${server.url}/openapi.json`, auth: { type: "bearer" } }, secrets: {} }, "olive")).rejects.toThrow(/secret "token"/);
      const none = await connections.update("notes", { config: { openapi: `${server.url}/openapi.json` }, secrets: {} }, "olive");
      // Without auth no secret is kept.
      expect(none.secretNames).toEqual([]);
      await connections.remove("notes", "olive");
      expect(registry.catalog.get("notes.listNotes")).toBeUndefined();
      expect(connections.list()).toEqual([]);
    } finally {
      await connections.close();
    }
  });
});
