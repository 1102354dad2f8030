/**
 * Connections on the BUILT app (run `npx next build` first): a stdio server-everything stored with
 * an env secret, and an HTTP one with an Authorization header secret, added through the API. A plan
 * whose tools print the secret (`get-env`) and echo it (`echo`) runs; then every API answer (run,
 * view, events, runs, plan, flows, connections), the pages (run, catalog, connections) and the
 * server's whole log are searched for the secrets and their encoded forms: zero hits, while
 * `[redacted]` shows where they were. Edits keep secrets unsaid; removal takes the tools away live.
 *
 * HTTP APIs: a real local server with an OpenAPI document and bearer auth, added as an `openapi`
 * connection over REST; its operations are actions at once, a run calls it with the stored token
 * (which the API echoes, and repeats in a refusal: only `[redacted]` is kept), an edit changes the
 * token and the operations, removal takes the actions away. A document that cannot be loaded is a
 * status with its reason; a file path, a non-http URL or a timeoutMs out of the contract's range is
 * a 400.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../../scripts/bench/app-server";
import { NEEDS_BUILD } from "../support/built-app";
import { startTestServer, type TestServer } from "../support/http-server";

const EVERYTHING = path.join(process.cwd(), "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const SECRET = "env-secret-4c1d9e7b2a65f083";
const HEADER_SECRET = "Bearer hdr-secret-91e2f7a0c3b8d456";
const API_TOKEN = "api-token-5b7e0c92d1f4a386";
const API_TOKEN_2 = "api-token-second-08d3c6e1";
const HTTP_PORT = Number(process.env.CONNECTIONS_TEST_HTTP_PORT ?? 3221);

let app: { baseUrl: string; stop(): Promise<void> };
let httpServer: ChildProcess | undefined;
let petsApi: TestServer;
let log = "";

beforeAll(async () => {
  httpServer = spawn(process.execPath, [EVERYTHING, "streamableHttp"], { env: { ...process.env, PORT: String(HTTP_PORT) }, stdio: "ignore" });
  petsApi = await startPetsApi();
  try {
    // 127.0.0.1 named: the local API's document and calls pass the address guard; other private addresses do not.
    app = await startApp({ timeoutMs: 120_000, checkAnswers: true, env: { TRELLIS_SECRET_KEY: "connections-test-key-0123456789abcdef", TRELLIS_LOG_LEVEL: "debug", TRELLIS_HTTP_ALLOW_HOSTS: "127.0.0.1" }, output: (t) => { log += t; } });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${NEEDS_BUILD}`);
  }
}, 180_000);
afterAll(async () => {
  await app?.stop();
  httpServer?.kill();
  await petsApi?.close();
});

const answers: string[] = [];

async function api<T = Record<string, unknown>>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(p, app.baseUrl), { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  answers.push(`${method} ${p}\n${text}`);
  return { status: res.status, body: JSON.parse(text) as T };
}

async function page(p: string): Promise<string> {
  const res = await fetch(new URL(p, app.baseUrl));
  expect(res.status, p).toBe(200);
  const html = await res.text();
  answers.push(`PAGE ${p}\n${html}`);
  return html;
}

/** Each secret as it is, base64 (standard, URL-safe) and URL-encoded. */
function forms(secret: string): string[] {
  const b64 = Buffer.from(secret).toString("base64");
  return [secret, b64, b64.replace(/=+$/, ""), Buffer.from(secret).toString("base64url"), encodeURIComponent(secret)];
}

function hits(text: string): string[] {
  return [SECRET, HEADER_SECRET, "hdr-secret-91e2f7a0c3b8d456", API_TOKEN, API_TOKEN_2].flatMap(forms).filter((f) => text.includes(f));
}

type Conn = { name: string; status: string; reason?: string; secretNames: string[]; actions: string[] };

describe("connections (built app)", { timeout: 180_000 }, () => {
  it("adds a stdio and an HTTP server: their tools are actions at once, secrets are named, never shown", async () => {
    const stdio = await api<Conn>("POST", "/api/connections", { kind: "mcp", name: "vault", config: { transport: "stdio", command: process.execPath, args: [EVERYTHING, "stdio"] }, secrets: { VAULT_TOKEN: SECRET } });
    expect(stdio.status).toBe(201);
    expect(stdio.body).toMatchObject({ name: "vault", status: "ok", secretNames: ["VAULT_TOKEN"] });
    expect(stdio.body.actions).toContain("vault.get-env");
    const http = await api<Conn>("POST", "/api/connections", { kind: "mcp", name: "remote", config: { transport: "http", url: `http://127.0.0.1:${HTTP_PORT}/mcp` }, secrets: { Authorization: HEADER_SECRET } });
    expect(http.status).toBe(201);
    expect(http.body.secretNames).toEqual(["Authorization"]);
    // The HTTP server may still be starting: Test connects again at once.
    await expect.poll(async () => (await api<Conn>("POST", "/api/connections/remote/reconnect")).body.status, { timeout: 60_000 }).toBe("ok");
    const flows = await api<{ flows: { id: string }[] }>("GET", "/api/flows");
    expect(flows.body.flows.map((f) => f.id)).toEqual(expect.arrayContaining(["vault", "remote"]));
    expect((await api("GET", "/api/flows/vault")).status).toBe(200);
    const taken = await api<{ error: { code: string } }>("POST", "/api/connections", { kind: "mcp", name: "data", config: { transport: "stdio", command: "true" } });
    expect(taken.status).toBe(409);
    const bad = await api<{ error: { message: string } }>("POST", "/api/connections", { kind: "mcp", name: "9bad", config: { transport: "stdio", command: "" }, secrets: { OK: "" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/name/);
  });

  it("a run whose tools print and echo the secret stores and shows only [redacted]; nothing anywhere holds it", async () => {
    const plan = {
      goal: "show the vault's environment",
      flows: ["vault"],
      inputs: [],
      outputs: {},
      steps: [
        { id: "env", action: "vault.get-env", inputs: {} },
        { id: "echo", action: "vault.echo", inputs: { message: { kind: "literal", value: `token ${SECRET}` } } },
      ],
    };
    const imported = await api<{ planId: string }>("POST", "/api/plans/import", { plan });
    expect(imported.status).toBe(201);
    const started = await api<{ runId: string }>("POST", `/api/plans/${imported.body.planId}/runs`, {});
    expect(started.status).toBe(202);
    const runId = started.body.runId;
    await expect.poll(async () => (await api<{ run: { status: string } }>("GET", `/api/runs/${runId}`)).body.run.status, { timeout: 90_000 }).toBe("succeeded");

    const view = await api("GET", `/api/runs/${runId}/view`);
    expect(JSON.stringify(view.body)).toContain('\\"VAULT_TOKEN\\": \\"[redacted]\\"');
    expect(JSON.stringify(view.body)).toContain("Echo: token [redacted]");
    await api("GET", `/api/runs/${runId}/events?format=json`);
    await api("GET", "/api/runs");
    await api("GET", `/api/plans/${imported.body.planId}`);
    await api("GET", "/api/flows");
    await api("GET", "/api/flows/vault");
    await api("GET", "/api/flows/remote");
    await api("GET", "/api/connections");
    const sse = await fetch(new URL(`/api/runs/${runId}/events`, app.baseUrl));
    const reader = sse.body!.getReader();
    let stream = "";
    while (!stream.includes("run.succeeded")) {
      const { value, done } = await reader.read();
      if (done) break;
      stream += new TextDecoder().decode(value);
    }
    await reader.cancel();
    answers.push(stream);
    expect(await page(`/runs/${runId}`)).toContain("[redacted]");
    await page("/catalog");
    await page("/connections");

    expect(answers.length).toBeGreaterThan(10);
    expect(answers.flatMap(hits)).toEqual([]);
    expect(log).toContain("connection vault added");
    expect(hits(log)).toEqual([]);
  });

  it("edits one secret without the others, and removing takes the tools out of the catalog at once", async () => {
    const edited = await api<Conn>("PUT", "/api/connections/vault", { secrets: { SECOND: "second-secret-0a1b2c3d" } });
    expect(edited.status).toBe(200);
    expect(edited.body.secretNames).toEqual(["VAULT_TOKEN", "SECOND"]);
    expect(edited.body.status).toBe("ok");
    expect((await api("PUT", "/api/connections/nothing", { secrets: {} })).status).toBe(404);
    expect((await api("DELETE", "/api/connections/vault")).status).toBe(200);
    expect((await api("GET", "/api/flows/vault")).status).toBe(404);
    expect((await api<{ connections: Conn[] }>("GET", "/api/connections")).body.connections.map((c) => c.name)).toEqual(["remote"]);
    expect(answers.flatMap(hits)).toEqual([]);
    expect(hits(log)).toEqual([]);
  });
});

const PETS_DOC = {
  openapi: "3.1.0",
  info: { title: "Pets", version: "1" },
  servers: [{ url: "/v1" }],
  paths: {
    "/pets": { get: { operationId: "listPets", summary: "List the pets", responses: { 200: { description: "the pets", content: { "application/json": { schema: { type: "object", properties: { pets: { type: "array", items: { type: "string" } } }, required: ["pets"] } } } } } } },
    "/whoami": { get: { operationId: "whoami", summary: "Say which credentials came", responses: { 200: { description: "them", content: { "application/json": { schema: { type: "object", properties: { seen: { type: "string" } }, required: ["seen"] } } } } } } },
    "/refuse": { get: { operationId: "refuse", summary: "Refuse, repeating the credentials", responses: { 200: { description: "never" } } } },
  },
};

/** A careless API: it answers who called, and repeats the credentials when it refuses. */
async function startPetsApi(): Promise<TestServer> {
  const json = (res: import("node:http").ServerResponse, status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  const known = (auth: string | undefined) => auth === `Bearer ${API_TOKEN}` || auth === `Bearer ${API_TOKEN_2}`;
  return startTestServer({
    "/openapi.json": (_req, res) => json(res, 200, PETS_DOC),
    "/v1/pets": (req, res) => (known(req.headers.authorization) ? json(res, 200, { pets: ["Rex", "Tom"] }) : json(res, 401, { error: "who are you" })),
    "/v1/whoami": (req, res) => json(res, 200, { seen: req.headers.authorization ?? "nobody" }),
    "/v1/refuse": (req, res) => json(res, 400, { error: `not with ${req.headers.authorization}` }),
  });
}

type Run = { run: { status: string }; steps: { stepId: string; status: string; output?: unknown; error?: { message: string } }[] };

async function runPlan(steps: { id: string; action: string }[]): Promise<{ runId: string; status: string }> {
  const plan = { goal: "ask the pets API", flows: ["pets"], inputs: [], outputs: {}, steps: steps.map((s) => ({ ...s, inputs: {} })) };
  const imported = await api<{ planId: string }>("POST", "/api/plans/import", { plan });
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
  const started = await api<{ runId: string }>("POST", `/api/plans/${imported.body.planId}/runs`, {});
  expect(started.status).toBe(202);
  const runId = started.body.runId;
  let status = "";
  await expect.poll(async () => (status = (await api<Run>("GET", `/api/runs/${runId}`)).body.run.status), { timeout: 90_000 }).toMatch(/^(succeeded|failed)$/);
  return { runId, status };
}

describe("HTTP API connections (built app)", { timeout: 180_000 }, () => {
  it("adds an OpenAPI document over REST: its operations are actions at once; the token is named, never shown", async () => {
    const added = await api<Conn & { kind: string; detail: string; config: unknown }>("POST", "/api/connections", { kind: "openapi", name: "pets", config: { openapi: `${petsApi.url}/openapi.json`, auth: { type: "bearer" } }, secrets: { token: API_TOKEN } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ name: "pets", kind: "openapi", status: "ok", secretNames: ["token"], config: { openapi: `${petsApi.url}/openapi.json`, auth: { type: "bearer" } } });
    expect(added.body.actions.sort()).toEqual(["pets.listPets", "pets.refuse", "pets.whoami"]);
    expect(added.body.detail).toBe(`${petsApi.url}/openapi.json → ${petsApi.url}/v1`);
    const flow = await api<{ actions: { id: string }[] }>("GET", "/api/flows/pets");
    expect(flow.status).toBe(200);
    expect(JSON.stringify(flow.body)).toContain("pets.listPets");
    const listed = await api<{ connections: (Conn & { kind: string })[] }>("GET", "/api/connections");
    expect(listed.body.connections.find((c) => c.name === "pets")).toMatchObject({ kind: "openapi", status: "ok", secretNames: ["token"] });
  });

  it("runs a step that calls the API with the stored token; echoes and refusals keep only [redacted]", async () => {
    const ok = await runPlan([{ id: "list", action: "pets.listPets" }, { id: "who", action: "pets.whoami" }]);
    expect(ok.status).toBe("succeeded");
    const view = await api("GET", `/api/runs/${ok.runId}/view`);
    expect(JSON.stringify(view.body)).toContain("Rex");
    expect(JSON.stringify(view.body)).toContain("Bearer [redacted]");
    // The API really got the stored token.
    expect(petsApi.hits.filter((h) => h.path === "/v1/pets").map((h) => h.headers.authorization)).toContain(`Bearer ${API_TOKEN}`);

    const refused = await runPlan([{ id: "no", action: "pets.refuse" }]);
    expect(refused.status).toBe("failed");
    const failed = await api("GET", `/api/runs/${refused.runId}/view`);
    expect(JSON.stringify(failed.body)).toContain("HTTP 400");
    expect(JSON.stringify(failed.body)).toContain("[redacted]");
    for (const id of [ok.runId, refused.runId]) await api("GET", `/api/runs/${id}/events?format=json`);
    await api("GET", "/api/connections");
    await api("GET", "/api/flows/pets");
    await page("/connections");
    await page("/catalog");
    expect(answers.flatMap(hits)).toEqual([]);
    expect(hits(log)).toEqual([]);
  });

  it("edits the token and the operations; a change that leaves the auth without its secret is a 400; removal takes the actions away", async () => {
    const edited = await api<Conn>("PUT", "/api/connections/pets", { config: { openapi: `${petsApi.url}/openapi.json`, auth: { type: "bearer" }, operations: ["listPets"] }, secrets: { token: API_TOKEN_2 } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body).toMatchObject({ status: "ok", secretNames: ["token"], actions: ["pets.listPets"] });
    const again = await runPlan([{ id: "list", action: "pets.listPets" }]);
    expect(again.status).toBe("succeeded");
    expect(petsApi.hits.at(-1)?.headers.authorization).toBe(`Bearer ${API_TOKEN_2}`);
    const noKey = await api<{ error: { message: string } }>("PUT", "/api/connections/pets", { config: { openapi: `${petsApi.url}/openapi.json`, auth: { type: "apiKey", header: "X-Api-Key" } } });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.message).toMatch(/secret "key"/);
    const wrongKind = await api("PUT", "/api/connections/pets", { config: { transport: "stdio", command: "true" } });
    expect(wrongKind.status).toBe(400);
    for (const timeoutMs of [99, 600_001]) {
      const tooLong = await api<{ error: { message: string } }>("PUT", "/api/connections/pets", { config: { openapi: `${petsApi.url}/openapi.json`, auth: { type: "bearer" }, timeoutMs } });
      expect(tooLong.status, String(timeoutMs)).toBe(400);
      expect(tooLong.body.error.message, String(timeoutMs)).toMatch(/timeoutMs/);
    }
    expect((await api("DELETE", "/api/connections/pets")).status).toBe(200);
    expect((await api("GET", "/api/flows/pets")).status).toBe(404);
    expect(answers.flatMap(hits)).toEqual([]);
    expect(hits(log)).toEqual([]);
  });

  it("a document that cannot be loaded is a status with its reason; a file path or a non-http URL is a 400", async () => {
    const missing = await api<Conn>("POST", "/api/connections", { kind: "openapi", name: "gone", config: { openapi: `${petsApi.url}/no-such.json` } });
    expect(missing.status).toBe(201);
    expect(missing.body).toMatchObject({ status: "unavailable", actions: [] });
    expect(missing.body.reason).toMatch(/HTTP 404/);
    const inside = await api<Conn>("POST", "/api/connections", { kind: "openapi", name: "inside", config: { openapi: "http://10.20.30.40/openapi.json" } });
    expect(inside.status).toBe(201);
    expect(inside.body).toMatchObject({ status: "unavailable" });
    expect(inside.body.reason).toMatch(/private-network address/);
    for (const openapi of ["/etc/passwd", "file:///etc/passwd", "ftp://example.com/openapi.json", "openapi.yaml"]) {
      const refused = await api<{ error: { message: string } }>("POST", "/api/connections", { kind: "openapi", name: "files", config: { openapi } });
      expect(refused.status, openapi).toBe(400);
      expect(refused.body.error.message, openapi).toMatch(/http\(s\) URL/);
    }
    const slow = await api<{ error: { message: string } }>("POST", "/api/connections", { kind: "openapi", name: "slow", config: { openapi: `${petsApi.url}/openapi.json`, timeoutMs: 600_001 } });
    expect(slow.status).toBe(400);
    expect(slow.body.error.message).toMatch(/timeoutMs/);
    const noSecret = await api("POST", "/api/connections", { kind: "openapi", name: "nosecret", config: { openapi: `${petsApi.url}/openapi.json`, auth: { type: "bearer" } } });
    expect(noSecret.status).toBe(400);
    const taken = await api("POST", "/api/connections", { kind: "openapi", name: "data", config: { openapi: `${petsApi.url}/openapi.json` } });
    expect(taken.status).toBe(409);
    const twice = await api("POST", "/api/connections", { kind: "openapi", name: "gone", config: { openapi: `${petsApi.url}/openapi.json` } });
    expect(twice.status).toBe(409);
    for (const name of ["gone", "inside"]) expect((await api("DELETE", `/api/connections/${name}`)).status).toBe(200);
  });
});
