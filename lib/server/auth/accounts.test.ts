/**
 * Accounts on a real embedded database: off until an owner is set up; the setup code off
 * loopback; sessions through better-auth's sign-in (an HttpOnly, SameSite=Lax cookie); roles
 * and token scopes narrowing what a request may do; invitations used once; tokens hashed at
 * rest, expiring and revocable.
 */
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../store/database";
import { Accounts } from "./accounts";

let db: Database;
beforeEach(async () => {
  db = await openDatabase({});
}, 60_000);
afterEach(async () => {
  await db.close();
});

const SECRET = "a-test-secret-that-is-long-enough-0123456789";
const open = (options: Partial<{ required: boolean; loopback: boolean }> = {}) => new Accounts(db.prisma, { secret: SECRET, required: false, loopback: true, ...options });
const bearer = (token: string) => new Headers({ authorization: `Bearer ${token}` });

/** Signs in through better-auth and answers the session cookie it sets. */
async function signIn(accounts: Accounts, email: string, password: string): Promise<{ cookie: string; setCookie: string }> {
  const res = await accounts.auth.api.signInEmail({ body: { email, password }, asResponse: true });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { cookie: setCookie.split(";")[0], setCookie };
}

describe("accounts", () => {
  it("are off until an owner is set up: every request is the local actor with every permission", async () => {
    const accounts = open();
    expect(await accounts.enabled()).toBe(false);
    const actor = await accounts.authorize(new Headers(), "admin");
    expect(actor).toMatchObject({ kind: "local", label: "local" });
    await accounts.createOwner({ name: "Olive Owner", email: "Olive@Example.com", password: "correct horse battery" });
    expect(await accounts.enabled()).toBe(true);
    await expect(accounts.authorize(new Headers(), "read")).rejects.toMatchObject({ status: 401, code: "unauthenticated" });
    await expect(accounts.createOwner({ name: "Mallory", email: "m@example.com", password: "correct horse battery" })).rejects.toMatchObject({ status: 409 });
  });

  it("when required, are on with no one set up yet; off loopback the owner needs the setup code", async () => {
    const accounts = open({ required: true, loopback: false });
    expect(await accounts.enabled()).toBe(true);
    await expect(accounts.authorize(new Headers(), "read")).rejects.toMatchObject({ status: 401 });
    expect(accounts.setupCode()).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(new Accounts(db.prisma, { secret: `${SECRET}x`, required: true, loopback: false }).setupCode()).not.toBe(accounts.setupCode());
    const owner = { name: "Olive", email: "olive@example.com", password: "correct horse battery" };
    await expect(accounts.createOwner(owner)).rejects.toMatchObject({ status: 403, code: "setup_code" });
    await expect(accounts.createOwner({ ...owner, code: "AAAA-BBBB-CCCC" })).rejects.toMatchObject({ status: 403 });
    expect(await accounts.hasOwner()).toBe(false);
    await accounts.createOwner({ ...owner, code: accounts.setupCode().toLowerCase() });
    expect(await accounts.hasOwner()).toBe(true);
  });

  it("signs a person in with a session cookie (HttpOnly, SameSite=Lax) that carries their role; a wrong password is a 401", async () => {
    const accounts = open();
    await accounts.createOwner({ name: "Olive", email: "olive@example.com", password: "correct horse battery" });
    const { cookie, setCookie } = await signIn(accounts, "olive@example.com", "correct horse battery");
    expect(setCookie).toMatch(/^trellis\.session_token=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    const actor = await accounts.authorize(new Headers({ cookie }), "admin");
    expect(actor).toMatchObject({ kind: "person", email: "olive@example.com", role: "owner", label: "olive@example.com" });
    await expect(accounts.signIn("olive@example.com", "wrong password!", new Headers())).rejects.toMatchObject({ status: 401, code: "sign_in_failed" });
    await expect(accounts.authorize(new Headers({ cookie: "trellis.session_token=forged.value" }), "read")).rejects.toMatchObject({ status: 401 });
  });

  it("sets Secure cookies behind TLS (an https public URL)", async () => {
    const accounts = new Accounts(db.prisma, { secret: SECRET, required: false, loopback: true, publicUrl: "https://trellis.example.com" });
    // behind a public URL the first owner needs the setup code from the server's log
    await expect(accounts.createOwner({ name: "Olive", email: "olive@example.com", password: "correct horse battery" })).rejects.toMatchObject({ status: 403 });
    await accounts.createOwner({ name: "Olive", email: "olive@example.com", password: "correct horse battery", code: accounts.setupCode() });
    const res = await accounts.auth.api.signInEmail({ body: { email: "olive@example.com", password: "correct horse battery" }, asResponse: true });
    expect(res.headers.get("set-cookie")).toMatch(/^__Secure-trellis\.session_token=.*;\s*Secure/i);
  });

  it("invites with a role by a link that works once; the role decides what the person may do", async () => {
    const accounts = open();
    await accounts.createOwner({ name: "Olive", email: "olive@example.com", password: "correct horse battery" });
    const owner = await accounts.authorize(new Headers({ cookie: (await signIn(accounts, "olive@example.com", "correct horse battery")).cookie }), "admin");
    const { link, invitation } = await accounts.invite(owner, "Vic@Example.com", "viewer");
    expect(invitation).toMatchObject({ email: "vic@example.com", role: "viewer", invitedBy: "olive@example.com" });
    const secret = link.replace("/invite/", "");
    const stored = await db.prisma.invitation.findFirstOrThrow();
    expect(stored.tokenHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(secret);
    // A password too short is refused before the link is used up.
    await expect(accounts.acceptInvitation(secret, { name: "Vic", password: "short" })).rejects.toMatchObject({ status: 400 });
    expect(await accounts.openInvitation(secret)).toMatchObject({ email: "vic@example.com", role: "viewer" });
    await accounts.acceptInvitation(secret, { name: "Vic", password: "a long enough password" });
    await expect(accounts.acceptInvitation(secret, { name: "Eve", password: "a long enough password" })).rejects.toMatchObject({ status: 404 });
    const viewer = new Headers({ cookie: (await signIn(accounts, "vic@example.com", "a long enough password")).cookie });
    expect(await accounts.authorize(viewer, "read")).toMatchObject({ role: "viewer" });
    for (const p of ["edit", "run", "approve", "admin"] as const) await expect(accounts.authorize(viewer, p)).rejects.toMatchObject({ status: 403, code: "forbidden" });
    await expect(accounts.invite(owner, "vic@example.com", "editor")).rejects.toMatchObject({ status: 409 });
  });

  it("API tokens: hashed at rest, narrowed by scope and role, expiring, revocable, with their last use", async () => {
    const accounts = open();
    await accounts.createOwner({ name: "Olive", email: "olive@example.com", password: "correct horse battery" });
    const owner = await accounts.authorize(new Headers({ cookie: (await signIn(accounts, "olive@example.com", "correct horse battery")).cookie }), "admin");
    const invited = await accounts.invite(owner, "ann@example.com", "approver");
    await accounts.acceptInvitation(invited.link.replace("/invite/", ""), { name: "Ann", password: "a long enough password" });
    const ann = await accounts.authorize(new Headers({ cookie: (await signIn(accounts, "ann@example.com", "a long enough password")).cookie }), "approve");

    await expect(accounts.createToken(ann, { name: "too much", scopes: ["run"] })).rejects.toMatchObject({ status: 403 });
    await expect(accounts.createToken(ann, { name: "too much", scopes: ["admin"] })).rejects.toMatchObject({ status: 403 });
    const { token, info } = await accounts.createToken(ann, { name: "ci", scopes: ["approve"] });
    expect(token).toMatch(/^trl_/);
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: info.id } });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token.slice(10));
    expect(info.lastUsedAt).toBeNull();

    expect(await accounts.authorize(bearer(token), "approve")).toMatchObject({ email: "ann@example.com", tokenId: info.id });
    await expect(accounts.authorize(bearer(token), "run")).rejects.toMatchObject({ status: 403 });
    expect((await accounts.listTokens(ann))[0].lastUsedAt).not.toBeNull();

    const read = await accounts.createToken(owner, { name: "read only", scopes: ["read"] });
    expect(await accounts.authorize(bearer(read.token), "read")).toMatchObject({ role: "owner" });
    await expect(accounts.authorize(bearer(read.token), "edit")).rejects.toMatchObject({ status: 403 });
    const readActor = await accounts.authorize(bearer(read.token), "read");
    await expect(accounts.createToken(readActor, { name: "escalate", scopes: ["admin"] })).rejects.toMatchObject({ status: 403 });

    await accounts.revokeToken(ann, info.id);
    await expect(accounts.authorize(bearer(token), "approve")).rejects.toMatchObject({ status: 401 });
    // An id that is not a token's: the last character changed (a uuid may already end in "0").
    const madeUp = read.info.id.slice(0, -1) + (read.info.id.endsWith("0") ? "1" : "0");
    await expect(accounts.revokeToken(owner, madeUp)).rejects.toMatchObject({ status: 404 });
    await expect(accounts.revokeToken(ann, read.info.id)).rejects.toMatchObject({ status: 404 });

    const short = await accounts.createToken(owner, { name: "short", scopes: ["read"], expiresInDays: 1 });
    await db.prisma.apiToken.update({ where: { id: short.info.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(accounts.authorize(bearer(short.token), "read")).rejects.toMatchObject({ status: 401 });
    await expect(accounts.authorize(bearer("trl_not-a-token"), "read")).rejects.toMatchObject({ status: 401 });
  });
});
