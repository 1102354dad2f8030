/**
 * HTTP APIs as actions against a real HTTP server (tests/support/http-server.ts) that serves its
 * own OpenAPI 3.0 document (YAML, a $ref'd schema, relative server URL) and checks bearer, API
 * key and basic credentials; through the real engine on a real database. Calls go through the
 * address guard: 127.0.0.1 is reached because the policy names it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validatePlan, type Plan } from "../../core";
import type { Database } from "../../store/database";
import { freshDatabase } from "../../../tests/support/databases";
import { makeHarness } from "../../../tests/support/engine-harness";
import { startTestServer, type TestServer } from "../../../tests/support/http-server";
import { LiveRegistry } from "../live-registry";
import { ApiSources } from "./apis";
import type { ApisConfig } from "./config";

const DOC = `
openapi: 3.0.3
info: { title: Pet store, version: "1" }
servers: [{ url: /v1 }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    key: { type: apiKey, in: header, name: X-Api-Key }
    basic: { type: http, scheme: basic }
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: { type: integer, readOnly: true }
        name: { type: string, minLength: 1 }
        tag: { type: string, nullable: true }
    PetList:
      type: object
      required: [pets]
      properties:
        pets: { type: array, items: { $ref: "#/components/schemas/Pet" } }
security: [{ bearer: [] }, { key: [] }, { basic: [] }]
paths:
  /stores/{storeId}/pets:
    parameters:
      - { name: storeId, in: path, required: true, schema: { type: string } }
    get:
      operationId: listPets
      summary: List the pets of a store
      parameters:
        - { name: limit, in: query, required: true, schema: { type: integer, minimum: 1 } }
        - { name: tags, in: query, schema: { type: array, items: { type: string } } }
      responses:
        "200": { description: the pets, content: { application/json: { schema: { $ref: "#/components/schemas/PetList" } } } }
        "401": { description: no credentials }
    post:
      operationId: createPet
      summary: Add a pet to a store
      parameters:
        - { name: X-Request-Id, in: header, schema: { type: string } }
      requestBody:
        required: true
        content: { application/json: { schema: { $ref: "#/components/schemas/Pet" } } }
      responses:
        "201": { description: created, content: { application/json: { schema: { $ref: "#/components/schemas/Pet" } } } }
  /broken:
    get:
      operationId: getBroken
      responses:
        "200": { description: a pet, says the document, content: { application/json: { schema: { $ref: "#/components/schemas/Pet" } } } }
  /flaky:
    get:
      operationId: getFlaky
      responses:
        "200": { description: fine at last, content: { application/json: { schema: { type: object, properties: { ok: { type: boolean } }, required: [ok] } } } }
  /health:
    get:
      summary: Is it up
      responses:
        "200": { description: plain text, content: { text/plain: { schema: { type: string } } } }
  /upload:
    post:
      operationId: uploadPhoto
      requestBody:
        required: true
        content: { multipart/form-data: { schema: { type: object } } }
      responses: { "204": { description: stored } }
  /session:
    get:
      operationId: getSession
      parameters: [{ name: sid, in: cookie, required: true, schema: { type: string } }]
      responses: { "200": { description: the session } }
`;

const TOKEN = "tok-3f9a1c";
const KEY = "key-77b2e0";
const USER = "ada";
const PASSWORD = "pw-51d8aa";

const step = (id: string, action: string, inputs: Record<string, unknown>): Plan["steps"][number] => ({
  id,
  action,
  inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { kind: "literal" as const, value: v }])),
});
const planOf = (flows: string[], ...steps: Plan["steps"]): Plan => ({ goal: "test", flows, inputs: [], steps, outputs: {} });

function authorized(headers: Record<string, string | string[] | undefined>): string | undefined {
  if (headers.authorization === `Bearer ${TOKEN}`) return "bearer";
  if (headers["x-api-key"] === KEY) return "apiKey";
  if (headers.authorization === `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`) return "basic";
  return undefined;
}

describe("HTTP APIs from an OpenAPI document, against a real server", { timeout: 60_000 }, () => {
  let server: TestServer;
  let db: Database;
  let apis: ApiSources;
  let registry: LiveRegistry;
  let flaky = 0;
  const created: unknown[] = [];

  beforeAll(async () => {
    const json = (res: import("node:http").ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    const guarded = (handler: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, body: string, who: string) => void) =>
      (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse, body: string) => {
        const who = authorized(req.headers);
        // A careless server that repeats the credentials it refuses: Trellis must not.
        if (!who) return json(res, 401, { error: `bad credentials: ${req.headers.authorization ?? req.headers["x-api-key"] ?? "none"}` });
        handler(req, res, body, who);
      };
    server = await startTestServer({
      "/openapi.yaml": (_req, res) => res.writeHead(200, { "content-type": "application/yaml" }).end(DOC),
      "/v1/stores/north%20side/pets": guarded((req, res, body, who) => {
        if (req.method === "POST") {
          const pet = { id: created.length + 1, ...JSON.parse(body) };
          created.push({ pet, who, requestId: req.headers["x-request-id"] });
          return json(res, 201, pet);
        }
        const url = new URL(req.url!, "http://x");
        json(res, 200, { pets: [{ id: 1, name: `${who}-${url.searchParams.get("limit")}`, tag: url.searchParams.getAll("tags").join("+") || null }] });
      }),
      "/v1/broken": guarded((_req, res) => json(res, 200, { id: "seven", name: "Rex" })),
      "/v1/flaky": guarded((_req, res) => {
        flaky += 1;
        if (flaky === 1) return json(res, 503, { error: "busy" }, { "retry-after": "1" });
        json(res, 200, { ok: true });
      }),
      "/v1/health": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("up"),
    });
    const doc = `${server.url}/openapi.yaml`;
    const config: ApisConfig = {
      pets: { openapi: doc, auth: { type: "bearer", token: "${PETS_TOKEN}" } },
      petsKey: { openapi: doc, auth: { type: "apiKey", header: "X-Api-Key", value: "${PETS_KEY}" }, operations: ["listPets"] },
      petsBasic: { openapi: doc, auth: { type: "basic", username: USER, password: "${PETS_PASSWORD}" }, operations: ["listPets", "nosuch"] },
      petsWrong: { openapi: doc, auth: { type: "bearer", token: "wrong-token-9e1" }, operations: ["listPets"] },
      petsUnset: { openapi: doc, auth: { type: "bearer", token: "${PETS_NOT_SET}" } },
    };
    apis = new ApiSources(config, { PETS_TOKEN: TOKEN, PETS_KEY: KEY, PETS_PASSWORD: PASSWORD }, { policy: { allowPrivate: false, namedHosts: ["127.0.0.1"] }, backoffMs: 50, maxBackoffMs: 200 });
    await apis.start();
    registry = new LiveRegistry([], [], undefined, undefined, [apis]);
    db = await freshDatabase("pglite");
  });
  afterAll(async () => {
    await apis?.close();
    await server?.close();
    await db?.close();
  });

  it("offers each operation as an action typed by the document, and says what it left out", () => {
    const source = registry.catalog.sources.find((s) => s.id === "pets")!;
    expect(source).toMatchObject({ kind: "openapi", status: "ok", actions: 5, prefix: "pets." });
    expect(source.detail).toBe(`${server.url}/openapi.yaml → ${server.url}/v1`);
    expect(source.notes).toEqual([
      "uploadPhoto: left out, its request body is multipart/form-data (only JSON bodies are supported)",
      'getSession: left out, it needs the cookie parameter "sid" (cookie parameters are not supported)',
    ]);
    expect(registry.catalog.list().filter((a) => a.id.startsWith("pets.")).map((a) => a.id).sort()).toEqual(["pets.createPet", "pets.getBroken", "pets.getFlaky", "pets.get_health", "pets.listPets"].sort());
    const list = registry.catalog.get("pets.listPets")!;
    expect(list).toMatchObject({ flows: ["pets"], effect: "read", source: "openapi:pets", title: "List the pets of a store" });
    expect(list.description).toContain("GET /stores/{storeId}/pets");
    expect(list.input).toEqual({
      type: "object",
      properties: { storeId: { type: "string" }, limit: { type: "integer", minimum: 1 }, tags: { type: "array", items: { type: "string" } } },
      required: ["storeId", "limit"],
      additionalProperties: false,
    });
    // The $ref'd schema is in place; 3.0's nullable is a "null" type.
    expect(list.output).toMatchObject({ properties: { pets: { items: { properties: { tag: { type: ["string", "null"] } }, required: ["id", "name"] } } } });
    const create = registry.catalog.get("pets.createPet")!;
    expect(create.effect).toBe("write");
    // readOnly id is not asked for in the request body.
    expect(create.input).toMatchObject({ required: ["storeId", "body"], properties: { "X-Request-Id": { type: "string" }, body: { required: ["name"] } } });
    expect((create.input.properties as Record<string, { properties?: object }>).body.properties).not.toHaveProperty("id");
    // No JSON response declared: the documented response shape.
    expect(registry.catalog.get("pets.get_health")!.output).toMatchObject({ required: ["status", "headers"] });
    // Only the listed operations, and a listed one that does not exist is said.
    expect(registry.catalog.sources.find((s) => s.id === "petsBasic")).toMatchObject({ actions: 1, notes: expect.arrayContaining(['nosuch: listed in "operations" but the document has no such operation']) });
  });

  it("calls with each kind of credentials: path, query and header parameters, a JSON body", async () => {
    const h = makeHarness(db, [], { registry });
    const plan = planOf(
      ["pets", "petsKey", "petsBasic"],
      step("bearer", "pets.listPets", { storeId: "north side", limit: 2, tags: ["a", "b"] }),
      step("key", "petsKey.listPets", { storeId: "north side", limit: 3 }),
      step("basic", "petsBasic.listPets", { storeId: "north side", limit: 4 }),
      step("add", "pets.createPet", { storeId: "north side", "X-Request-Id": "r-1", body: { name: "Rex", tag: null } }),
      step("health", "pets.get_health", {}),
    );
    expect(validatePlan(plan, registry.catalog).issues).toEqual([]);
    const done = await h.engine.run({ planVersionId: await h.savePlan(plan) });
    expect(done.run.status).toBe("succeeded");
    const out = (id: string) => done.steps.find((s) => s.stepId === id)!.output;
    expect(out("bearer")).toEqual({ pets: [{ id: 1, name: "bearer-2", tag: "a+b" }] });
    expect(out("key")).toEqual({ pets: [{ id: 1, name: "apiKey-3", tag: null }] });
    expect(out("basic")).toEqual({ pets: [{ id: 1, name: "basic-4", tag: null }] });
    expect(out("add")).toEqual({ id: 1, name: "Rex", tag: null });
    expect(created).toEqual([{ pet: { id: 1, name: "Rex", tag: null }, who: "bearer", requestId: "r-1" }]);
    expect(out("health")).toMatchObject({ status: 200, body: "up", headers: { "content-type": "text/plain" } });
    expect(server.hits.find((x) => x.path.startsWith("/v1/stores/north%20side/pets?limit=2"))?.path).toBe("/v1/stores/north%20side/pets?limit=2&tags=a&tags=b");
    // Plan inputs are checked against the parameters' schemas before any call.
    expect(validatePlan(planOf(["pets"], step("x", "pets.listPets", { storeId: "n", limit: 0 })), registry.catalog).issues.map((i) => i.code)).toContain("invalid_literal");
  });

  it("wrong credentials fail clearly, without repeating the secret anywhere", async () => {
    const h = makeHarness(db, [], { registry });
    const done = await h.engine.run({ planVersionId: await h.savePlan(planOf(["petsWrong"], step("list", "petsWrong.listPets", { storeId: "north side", limit: 1 }))) });
    expect(done.run.status).toBe("failed");
    const failure = done.steps[0].failure!;
    expect(failure).toMatchObject({ code: "action_error", actionCode: "http_status", retryable: false, details: { status: 401 } });
    expect(failure.message).toBe(`petsWrong: GET ${server.url}/v1/stores/north%20side/pets answered HTTP 401 Unauthorized: {"error":"bad credentials: Bearer [redacted]"}`);
    const events = await h.store.events(done.run.id);
    expect(JSON.stringify(events)).not.toContain("wrong-token-9e1");
    expect(JSON.stringify(done)).not.toContain("wrong-token-9e1");
  });

  it("a response that does not match its schema fails output_invalid", async () => {
    const h = makeHarness(db, [], { registry });
    const done = await h.engine.run({ planVersionId: await h.savePlan(planOf(["pets"], step("broken", "pets.getBroken", {}))) });
    expect(done.steps[0].failure).toMatchObject({ code: "output_invalid" });
    expect(done.steps[0].failure!.message).toMatch(/id: expected integer, got string/);
  });

  it("a 503 with Retry-After is retried after it, and succeeds", async () => {
    const h = makeHarness(db, [], { registry });
    const done = await h.engine.run({ planVersionId: await h.savePlan(planOf(["pets"], step("flaky", "pets.getFlaky", {}))) });
    expect(done.run.status).toBe("succeeded");
    expect(done.steps[0]).toMatchObject({ attempts: 2, output: { ok: true } });
    const events = await h.store.events(done.run.id);
    expect(events.find((e) => e.type === "step.retrying")?.data).toMatchObject({ delayMs: 1000, failure: { actionCode: "http_status", retryAfterMs: 1000, details: { status: 503 } } });
  });

  it("an API whose secret is not set is unavailable, and plans on it do not validate", () => {
    expect(registry.catalog.sources.find((s) => s.id === "petsUnset")).toMatchObject({ status: "unavailable", reason: "apis.petsUnset.auth.token names ${PETS_NOT_SET}, which is not set", actions: 0 });
    const issues = validatePlan(planOf(["petsUnset"], step("l", "petsUnset.listPets", { storeId: "n", limit: 1 })), registry.catalog).issues;
    expect(issues[0]).toMatchObject({ code: "action_unavailable", stepId: "l" });
  });
  it("an API added at run time (a stored connection and its secrets) joins the catalog, and leaves it when removed", async () => {
    const runtime = new ApiSources({}, {}, { policy: { allowPrivate: false, namedHosts: ["127.0.0.1"] } });
    const live = new LiveRegistry([], [], undefined, undefined, [runtime]);
    try {
      expect(live.catalog.list()).toEqual([]);
      await runtime.add("stored", { openapi: `${server.url}/openapi.yaml`, auth: { type: "apiKey", header: "X-Api-Key", value: "${KEY}" }, operations: ["listPets"] }, { KEY });
      expect(live.catalog.sources).toEqual([expect.objectContaining({ id: "stored", kind: "openapi", status: "ok", actions: 1 })]);
      const h = makeHarness(db, [], { registry: live });
      const done = await h.engine.run({ planVersionId: await h.savePlan(planOf(["stored"], step("l", "stored.listPets", { storeId: "north side", limit: 5 }))) });
      expect(done.steps[0].output).toEqual({ pets: [{ id: 1, name: "apiKey-5", tag: null }] });
      expect(await runtime.remove("stored")).toBe(true);
      expect(live.catalog.list()).toEqual([]);
      expect(live.catalog.sources).toEqual([]);
    } finally {
      await runtime.close();
    }
  });
});

describe("an API whose document cannot be loaded", { timeout: 60_000 }, () => {
  it("is unavailable with the reason, is tried again with backoff, and comes up when the document does", async () => {
    let ready = false;
    const server = await startTestServer({
      "/openapi.json": (_req, res) => (ready
        ? res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ openapi: "3.1.0", info: { title: "t", version: "1" }, paths: { "/ping": { get: { operationId: "ping", responses: { 200: { description: "pong", content: { "application/json": { schema: { type: "object" } } } } } } } } }))
        : res.writeHead(503).end("starting")),
    });
    const refusedOnly = new ApiSources({ refused: { openapi: `${server.url}/openapi.json` } }, {}, { policy: { allowPrivate: false, namedHosts: [] }, backoffMs: 50, maxBackoffMs: 100 });
    const late = new ApiSources({ late: { openapi: `${server.url}/openapi.json` } }, {}, { policy: { allowPrivate: false, namedHosts: ["127.0.0.1"] }, backoffMs: 50, maxBackoffMs: 100 });
    try {
      await Promise.all([refusedOnly.start(), late.start()]);
      // Loopback without the administrator's leave: refused by the address guard, before any connection.
      expect(refusedOnly.sources()[0]).toMatchObject({ status: "unavailable", reason: expect.stringMatching(/^the document could not be fetched: Requests to "127\.0\.0\.1" is at a loopback address/) });
      expect(late.sources()[0]).toMatchObject({ status: "unavailable", reason: "the document's URL answered HTTP 503 Service Unavailable" });
      const registry = new LiveRegistry([], [], undefined, undefined, [late]);
      expect(validatePlan(planOf(["late"], step("p", "late.ping", {})), registry.catalog).issues[0]).toMatchObject({ code: "action_unavailable" });
      ready = true;
      await new Promise<void>((resolve) => { const off = late.onChange(() => { if (late.sources()[0].status === "ok") { off(); resolve(); } }); });
      expect(registry.catalog.get("late.ping")).toMatchObject({ effect: "read" });
      expect(server.hits.filter((x) => x.path === "/openapi.json").length).toBeGreaterThanOrEqual(2);
    } finally {
      await Promise.all([refusedOnly.close(), late.close()]);
      await server.close();
    }
  });
});
