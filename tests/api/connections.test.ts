/**
 * Connections on the BUILT app (run `npx next build` first): a stdio server-everything stored with
 * an env secret, and an HTTP one with an Authorization header secret, added through the API. A plan
 * whose tools print the secret (`get-env`) and echo it (`echo`) runs; then every API answer (run,
 * view, events, runs, plan, flows, connections), the pages (run, catalog, connections) and the
 * server's whole log are searched for the secrets and their encoded forms: zero hits, while
 * `[redacted]` shows where they were. Edits keep secrets unsaid; removal takes the tools away live.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../../scripts/bench/app-server";
import { NEEDS_BUILD } from "../support/built-app";

const EVERYTHING = path.join(process.cwd(), "node_modules/@modelcontextprotocol/server-everything/dist/index.js");
const SECRET = "env-secret-4c1d9e7b2a65f083";
const HEADER_SECRET = "Bearer hdr-secret-91e2f7a0c3b8d456";
const HTTP_PORT = Number(process.env.CONNECTIONS_TEST_HTTP_PORT ?? 3221);

let app: { baseUrl: string; stop(): Promise<void> };
let httpServer: ChildProcess | undefined;
let log = "";

beforeAll(async () => {
  httpServer = spawn(process.execPath, [EVERYTHING, "streamableHttp"], { env: { ...process.env, PORT: String(HTTP_PORT) }, stdio: "ignore" });
  try {
    app = await startApp({ timeoutMs: 120_000, checkAnswers: true, env: { TRELLIS_SECRET_KEY: "connections-test-key-0123456789abcdef", TRELLIS_LOG_LEVEL: "debug" }, output: (t) => { log += t; } });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${NEEDS_BUILD}`);
  }
}, 180_000);
afterAll(async () => {
  await app?.stop();
  httpServer?.kill();
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
  return [SECRET, HEADER_SECRET, "hdr-secret-91e2f7a0c3b8d456"].flatMap(forms).filter((f) => text.includes(f));
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
