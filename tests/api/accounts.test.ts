/**
 * Accounts on, in the BUILT app (run `npx next build` first): a data folder seeded with an owner,
 * an editor, an approver and a viewer (through invitations) and their API tokens, then `next start`
 * on it. Every operation of the contract answers 401 without credentials (the table is iterated,
 * so a new route cannot escape), 403 with a token whose scope or person's role lacks its
 * permission; decisions and starts are recorded with the person; the CLI works with a token
 * against --server.
 */
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Operation } from "../../lib/contract/operation";
import { OPERATIONS } from "../../lib/contract/operations";
import { Accounts } from "../../lib/server/auth/accounts";
import { openDatabase } from "../../lib/store/database";
import { startApp } from "../../scripts/bench/app-server";
import { NEEDS_BUILD } from "../support/built-app";
import { trellis, tempDir } from "../support/cli";
import { answerProblems, operation as docOperation, type Doc } from "../support/openapi-check";

const SECRET = "accounts-test-secret-0123456789abcdef0123456789";
const PASSWORD = "a long enough password";
const OPS = Object.values(OPERATIONS) as Operation[];

let app: { baseUrl: string; stop(): Promise<void> };
let dataDir: string;
const tokens: Record<"ownerAdmin" | "ownerRead" | "editorRun" | "approverApprove" | "viewerRead" | "viewerRevoked" | "goneRead", string> = {} as never;
/** the editor's session cookie (a password change needs a session, not a token) */
let editorCookie = "";

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "trellis-accounts-"));
  const db = await openDatabase({ dir: path.join(dataDir, "pglite") });
  try {
    const accounts = new Accounts(db.prisma, { secret: SECRET, required: false, loopback: true });
    await accounts.createOwner({ name: "Olive Owner", email: "olive@example.com", password: PASSWORD });
    const cookies: Record<string, string> = {};
    const signIn = async (email: string) => {
      const res = await accounts.auth.api.signInEmail({ body: { email, password: PASSWORD }, asResponse: true });
      cookies[email] = (res.headers.get("set-cookie") ?? "").split(";")[0];
      return accounts.authorize(new Headers({ cookie: cookies[email] }), "read");
    };
    const owner = await signIn("olive@example.com");
    for (const [email, role] of [["ed@example.com", "editor"], ["ann@example.com", "approver"], ["vic@example.com", "viewer"], ["gone@example.com", "viewer"]] as const) {
      const { link } = await accounts.invite(owner, email, role);
      await accounts.acceptInvitation(link.replace("/invite/", ""), { name: email.split("@")[0], password: PASSWORD });
    }
    tokens.ownerAdmin = (await accounts.createToken(owner, { name: "admin", scopes: ["admin"] })).token;
    tokens.ownerRead = (await accounts.createToken(owner, { name: "read", scopes: ["read"] })).token;
    tokens.editorRun = (await accounts.createToken(await signIn("ed@example.com"), { name: "cli", scopes: ["run"] })).token;
    editorCookie = cookies["ed@example.com"];
    tokens.goneRead = (await accounts.createToken(await signIn("gone@example.com"), { name: "cli", scopes: ["read"] })).token;
    tokens.approverApprove = (await accounts.createToken(await signIn("ann@example.com"), { name: "cli", scopes: ["approve"] })).token;
    const viewer = await signIn("vic@example.com");
    tokens.viewerRead = (await accounts.createToken(viewer, { name: "cli", scopes: ["read"] })).token;
    const revoked = await accounts.createToken(viewer, { name: "old", scopes: ["read"] });
    await accounts.revokeToken(viewer, revoked.info.id);
    tokens.viewerRevoked = revoked.token;
  } finally {
    await db.close();
  }
  try {
    app = await startApp({ dataDir, timeoutMs: 120_000, checkAnswers: true, env: { TRELLIS_SECRET_KEY: SECRET } });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${NEEDS_BUILD}`);
  }
}, 240_000);
afterAll(async () => {
  await app?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A request for an operation with placeholder parameters: the check comes before anything is read. */
function request(op: Operation, token?: string): Promise<Response> {
  const url = new URL(op.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === "sha256" ? "a".repeat(64) : "00000000-0000-4000-8000-000000000000")), app.baseUrl);
  const changes = op.method !== "GET";
  return fetch(url, {
    method: op.method,
    headers: { ...(changes ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: changes ? "{}" : undefined,
  });
}

async function api<T = Record<string, unknown>>(token: string, method: string, p: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(p, app.baseUrl), {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe("accounts on (built app)", { timeout: 180_000 }, () => {
  it("every operation answers 401 without a session or token, and with a revoked or made-up token", async () => {
    expect(OPS.length).toBeGreaterThan(30);
    for (const op of OPS) {
      for (const token of [undefined, tokens.viewerRevoked, "trl_made-up"]) {
        const res = await request(op, token);
        expect(res.status, `${op.method} ${op.path} ${token ? "with a bad token" : "without credentials"}`).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
      }
    }
    const mcp = await fetch(new URL("/api/mcp", app.baseUrl), { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }) });
    expect(mcp.status).toBe(401);
  });

  it("answers 403 to a token whose scope (or its person's role) lacks the operation's permission", async () => {
    const cases: [keyof typeof tokens, (op: Operation) => boolean][] = [
      ["viewerRead", (op) => op.permission !== "read"],
      ["ownerRead", (op) => op.permission !== "read"],
      ["approverApprove", (op) => !["read", "approve"].includes(op.permission)],
      ["editorRun", (op) => !["read", "edit", "run"].includes(op.permission)],
    ];
    for (const [who, refused] of cases) {
      for (const op of OPS) {
        const res = await request(op, tokens[who]);
        if (refused(op)) {
          expect(res.status, `${who}: ${op.method} ${op.path} (${op.permission})`).toBe(403);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe("forbidden");
        } else {
          expect([401, 403], `${who}: ${op.method} ${op.path} (${op.permission})`).not.toContain(res.status);
          await res.body?.cancel();
        }
      }
    }
  });

  it("records who created, ran, approved and cancelled, from the credentials (never from the body)", async () => {
    const plan = { goal: "accounts audit", flows: [], inputs: [], outputs: {}, steps: [{ id: "hold", action: "text.template", inputs: { template: { kind: "literal", value: "hi" }, values: { kind: "literal", value: {} } }, approval: true }] };
    const imported = await api<{ planId: string }>(tokens.editorRun, "POST", "/api/plans/import", { plan });
    expect(imported.status).toBe(201);
    const detail = await api<{ plan: { createdBy: string }; latest: { createdBy: string } }>(tokens.viewerRead, "GET", `/api/plans/${imported.body.planId}`);
    expect(detail.body.plan.createdBy).toBe("ed@example.com");
    expect(detail.body.latest.createdBy).toBe("ed@example.com");

    const started = await api<{ runId: string }>(tokens.editorRun, "POST", `/api/plans/${imported.body.planId}/runs`, {});
    expect(started.status).toBe(202);
    const runId = started.body.runId;
    await expect.poll(async () => (await api<{ run: { status: string } }>(tokens.viewerRead, "GET", `/api/runs/${runId}`)).body.run.status, { timeout: 60_000 }).toBe("awaiting_approval");

    expect((await api(tokens.viewerRead, "POST", `/api/runs/${runId}/approve`, { stepId: "hold" })).status).toBe(403);
    expect((await api(tokens.editorRun, "POST", `/api/runs/${runId}/approve`, { stepId: "hold" })).status).toBe(403);
    expect((await api(tokens.approverApprove, "POST", `/api/runs/${runId}/approve`, { stepId: "hold", by: "olive@example.com", comment: "looks right" })).status).toBe(200);
    await expect.poll(async () => (await api<{ run: { status: string } }>(tokens.viewerRead, "GET", `/api/runs/${runId}`)).body.run.status, { timeout: 60_000 }).toBe("succeeded");

    const second = (await api<{ runId: string }>(tokens.editorRun, "POST", `/api/plans/${imported.body.planId}/runs`, {})).body.runId;
    await expect.poll(async () => (await api<{ run: { status: string } }>(tokens.viewerRead, "GET", `/api/runs/${second}`)).body.run.status, { timeout: 60_000 }).toBe("awaiting_approval");
    expect((await api(tokens.approverApprove, "POST", `/api/runs/${second}/cancel`)).status).toBe(403);
    expect((await api(tokens.editorRun, "POST", `/api/runs/${second}/cancel`)).status).toBe(200);

    const page = await api<{ meta: { startedBy: string }; audit: { who: string; what: string; stepId?: string; comment?: string }[] }>(tokens.viewerRead, "GET", `/api/runs/${runId}/view`);
    expect(page.body.meta.startedBy).toBe("ed@example.com");
    expect(page.body.audit.map(({ who, what, stepId, comment }) => ({ who, what, stepId, comment }))).toEqual([
      { who: "ed@example.com", what: "started", stepId: undefined, comment: undefined },
      { who: "ann@example.com", what: "approved", stepId: "hold", comment: "looks right" },
    ]);
    const cancelled = await api<{ audit: { who: string; what: string }[] }>(tokens.viewerRead, "GET", `/api/runs/${second}/view`);
    expect(cancelled.body.audit.map((a) => `${a.who} ${a.what}`)).toEqual(["ed@example.com started", "ed@example.com cancelled"]);
  });

  it("accounts operations fit the OpenAPI document: the caller, tokens (last use, revoke) and members (invite)", async () => {
    const doc = (await api<Doc>(tokens.viewerRead, "GET", "/api/openapi.json")).body as unknown as Doc;
    const exercised = new Set<string>();
    const problems: string[] = [];
    const check = async <T>(token: string, method: string, template: string, p: string, body?: unknown) => {
      const r = await api<T>(token, method, p, body);
      const op = docOperation(doc, method, template);
      exercised.add(`${op.operationId} ${r.status}`);
      problems.push(...answerProblems(doc, op, r.status, "application/json", r.body));
      return r;
    };
    const me = await check<{ accounts: boolean; actor: { email: string; role: string }; permissions: string[] }>(tokens.approverApprove, "GET", "/api/me", "/api/me");
    expect(me.body).toMatchObject({ accounts: true, actor: { email: "ann@example.com", role: "approver" }, permissions: ["read", "approve"] });
    const listed = await check<{ tokens: { name: string; lastUsedAt: string | null; revokedAt: string | null }[] }>(tokens.ownerAdmin, "GET", "/api/tokens", "/api/tokens");
    expect(listed.body.tokens.map((t) => t.name).sort()).toEqual(["admin", "read"]);
    expect(listed.body.tokens.find((t) => t.name === "read")!.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(tokens.ownerRead);
    const made = await check<{ token: string; info: { id: string } }>(tokens.ownerAdmin, "POST", "/api/tokens", "/api/tokens", { name: "short", scopes: ["read"], expiresInDays: 1 });
    expect(made.status).toBe(201);
    expect((await api(made.body.token, "GET", "/api/runs")).status).toBe(200);
    expect((await check(tokens.ownerAdmin, "DELETE", "/api/tokens/{id}", `/api/tokens/${made.body.info.id}`)).status).toBe(200);
    expect((await api(made.body.token, "GET", "/api/runs")).status).toBe(401);
    // A viewer cannot give a token more than a viewer may do; a token without admin cannot make tokens.
    expect((await api(tokens.viewerRead, "POST", "/api/tokens", { name: "x", scopes: ["run"] })).status).toBe(403);
    const members = await check<{ members: { email: string; role: string }[] }>(tokens.ownerAdmin, "GET", "/api/members", "/api/members");
    expect(members.body.members.map((m) => `${m.email} ${m.role}`)).toEqual(["olive@example.com owner", "ed@example.com editor", "ann@example.com approver", "vic@example.com viewer", "gone@example.com viewer"]);
    const idOf = (email: string) => (members.body as unknown as { members: { id: string; email: string }[] }).members.find((m) => m.email === email)!.id;
    const invited = await check<{ link: string; invitation: { id: string } }>(tokens.ownerAdmin, "POST", "/api/members/invitations", "/api/members/invitations", { email: "new@example.com", role: "approver" });
    expect(invited.status).toBe(201);
    expect(invited.body.link).toMatch(/^\/invite\/[\w-]{20,}$/);
    expect((await fetch(new URL(invited.body.link, app.baseUrl))).status).toBe(200);

    // Member management: a role changed (acting at once through the member's token), the last
    // owner kept, a member removed (their token stops working), an invitation revoked.
    const promoted = await check<{ email: string; role: string }>(tokens.ownerAdmin, "PUT", "/api/members/{id}", `/api/members/${idOf("vic@example.com")}`, { role: "approver" });
    expect(promoted.body).toMatchObject({ email: "vic@example.com", role: "approver" });
    expect((await api<{ actor: { role: string } }>(tokens.viewerRead, "GET", "/api/me")).body.actor.role).toBe("approver");
    expect((await check(tokens.ownerAdmin, "PUT", "/api/members/{id}", `/api/members/${idOf("vic@example.com")}`, { role: "viewer" })).status).toBe(200);
    const lastOwner = await check<{ error: { code: string; message: string } }>(tokens.ownerAdmin, "PUT", "/api/members/{id}", `/api/members/${idOf("olive@example.com")}`, { role: "editor" });
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.body.error.message).toContain("only owner");
    expect((await check(tokens.ownerAdmin, "DELETE", "/api/members/{id}", `/api/members/${idOf("olive@example.com")}`)).status).toBe(409);
    expect((await check(tokens.ownerAdmin, "PUT", "/api/members/{id}", "/api/members/nobody", { role: "editor" })).status).toBe(404);
    expect((await api(tokens.ownerAdmin, "PUT", `/api/members/${idOf("vic@example.com")}`, { role: "boss" })).status).toBe(400);
    expect((await api(tokens.goneRead, "GET", "/api/runs")).status).toBe(200);
    expect((await check(tokens.ownerAdmin, "DELETE", "/api/members/{id}", `/api/members/${idOf("gone@example.com")}`)).status).toBe(200);
    expect((await api(tokens.goneRead, "GET", "/api/runs")).status).toBe(401);
    expect((await check(tokens.ownerAdmin, "DELETE", "/api/members/invitations/{id}", `/api/members/invitations/${invited.body.invitation.id}`)).status).toBe(200);
    expect(await (await fetch(new URL(invited.body.link, app.baseUrl))).text()).toContain("invitation-invalid");
    expect((await check(tokens.ownerAdmin, "DELETE", "/api/members/invitations/{id}", `/api/members/invitations/${invited.body.invitation.id}`)).status).toBe(404);

    // Changing one's password needs the session and the current password.
    const NEW_PASSWORD = "a different long password";
    const withSession = (body: unknown) => fetch(new URL("/api/me/password", app.baseUrl), { method: "POST", headers: { cookie: editorCookie, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect((await api(tokens.ownerAdmin, "POST", "/api/me/password", { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(403);
    const wrong = await withSession({ currentPassword: "not the password", newPassword: NEW_PASSWORD });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("wrong_password");
    const changed = await withSession({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    const changedBody = await changed.json();
    exercised.add(`changePassword ${changed.status}`);
    problems.push(...answerProblems(doc, docOperation(doc, "POST", "/api/me/password"), changed.status, "application/json", changedBody));
    expect(changed.status).toBe(200);
    // The editor's token is not a session: it keeps working.
    expect((await api(tokens.editorRun, "GET", "/api/me")).status).toBe(200);
    expect(problems).toEqual([]);
    const missing: string[] = [];
    for (const methods of Object.values(doc.paths)) {
      for (const op of Object.values(methods) as (Doc["paths"][string][string] & { tags?: string[] })[]) {
        if (!op.tags?.includes("accounts")) continue;
        for (const status of Object.keys(op.responses)) if (status.startsWith("2") && !exercised.has(`${op.operationId} ${status}`)) missing.push(`${op.operationId} ${status}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("/api/mcp takes an API token, and each tool needs its permission", async () => {
    const connect = async (token: string) => {
      const client = new Client({ name: "trellis-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${app.baseUrl}/api/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
      return client;
    };
    const viewer = await connect(tokens.viewerRead);
    try {
      expect((await viewer.listTools()).tools.length).toBe(5);
      const refused = (await viewer.callTool({ name: "approve_step", arguments: { runId: "00000000-0000-4000-8000-000000000000", stepId: "x" } })) as { isError?: boolean; content: { text?: string }[] };
      expect(refused.isError).toBe(true);
      expect(refused.content[0].text).toContain('needs the "approve" permission');
      const planned = (await viewer.callTool({ name: "plan_goal", arguments: { goal: "Load the sample sales CSV" } })) as { isError?: boolean; content: { text?: string }[] };
      expect(planned.isError).toBe(true);
      expect(planned.content[0].text).toContain('needs the "edit" permission');
    } finally {
      await viewer.close();
    }
    const approver = await connect(tokens.approverApprove);
    try {
      const missing = (await approver.callTool({ name: "approve_step", arguments: { runId: "00000000-0000-4000-8000-000000000000", stepId: "x" } })) as { isError?: boolean; content: { text?: string }[] };
      expect(missing.isError).toBe(true);
      expect(missing.content[0].text).not.toContain("permission");
    } finally {
      await approver.close();
    }
  });

  it("pages send a signed-out person to the sign-in page", async () => {
    for (const p of ["/", "/runs", "/templates", "/catalog", "/settings", "/plans/new"]) {
      const res = await fetch(new URL(p, app.baseUrl), { redirect: "manual" });
      expect([303, 307, 308], p).toContain(res.status);
      expect(res.headers.get("location"), p).toMatch(/\/login(\?|$)/);
    }
    expect((await fetch(new URL("/login", app.baseUrl))).status).toBe(200);
  });

  it("the CLI works against --server with a token from `trellis login` or TRELLIS_TOKEN, and says how to log in without one", async () => {
    const tmp = tempDir("trellis-cli-login-");
    try {
      const env = { TRELLIS_CONFIG_DIR: tmp.dir, TRELLIS_DATA_DIR: path.join(tmp.dir, "never-opened"), TRELLIS_TOKEN: "" };
      const without = await trellis(["runs", "--server", app.baseUrl], { env });
      expect(without.code).not.toBe(0);
      expect(without.stderr).toContain(`trellis login --server ${app.baseUrl}`);

      const bad = await trellis(["login", "--server", app.baseUrl, "--token", "trl_wrong"], { env });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain("does not accept this token");

      const login = await trellis(["login", "--server", app.baseUrl], { env, input: `${tokens.viewerRead}\n` });
      expect(login.code).toBe(0);
      expect(login.stdout).toContain("as vic@example.com (viewer)");
      const runs = await trellis(["runs", "--server", app.baseUrl, "--json"], { env });
      expect(runs.code).toBe(0);
      expect((JSON.parse(runs.stdout) as { runs: unknown[] }).runs.length).toBeGreaterThanOrEqual(1);
      const plan = path.join(process.cwd(), "examples", "revenue-by-region.json");
      const refused = await trellis(["run", plan, "--server", app.baseUrl], { env });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/may not do this/);

      // TRELLIS_TOKEN wins over the kept token.
      const ran = await trellis(["run", plan, "--server", app.baseUrl, "--json"], { env: { ...env, TRELLIS_TOKEN: tokens.editorRun } });
      expect(ran.code).toBe(0);
      const logout = await trellis(["logout", "--server", app.baseUrl], { env });
      expect(logout.stdout).toContain("Forgot the token");
      expect((await trellis(["runs", "--server", app.baseUrl], { env })).code).not.toBe(0);
    } finally {
      tmp.remove();
    }
  });
});
