/**
 * Accounts: whether they are on, who a request is (session cookie or API token), the first-run
 * owner setup, invitations and API tokens. One instance per process, on the Trellis composition
 * root (lib/server/trellis). Data flow: README.md in this folder.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { LOCAL_ACTOR, Role, TokenScope, personActor, scopesFor, type Actor, type Permission } from "../../contract/access";
import type { Me, TokenInfo } from "../../contract/accounts";
import { RequestError, badRequest, conflict, notFound } from "../../core/errors";
import type { Db } from "../../store/database";
import { MIN_PASSWORD_LENGTH, createAuth, type Auth } from "./better-auth";

export const TOKEN_PREFIX = "trl_";
const INVITATION_DAYS = 7;

export const unauthenticated = () => new RequestError(401, "unauthenticated", "Sign in, or send an API token (Authorization: Bearer trl_...).");
export const forbidden = (actor: Actor, permission: Permission) =>
  new RequestError(403, "forbidden", `${actor.kind === "person" ? `${actor.email} (${actor.role}${actor.tokenId ? ", with a token whose scopes do not grant it" : ""})` : "This caller"} may not do this: it needs the "${permission}" permission.`, { permission });

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export interface AccountsOptions {
  secret: string;
  publicUrl?: string;
  /** accounts on from the start, before any owner exists */
  required: boolean;
  /** the server is bound to loopback: the first-run setup needs no code (unless it is reached through a public URL) */
  loopback: boolean;
}

export class Accounts {
  readonly auth: Auth;
  /** once someone has an account, accounts stay on (no one can delete the last owner) */
  private knownOn = false;

  constructor(private readonly prisma: Db, private readonly options: AccountsOptions) {
    this.auth = createAuth(prisma, { secret: options.secret, publicUrl: options.publicUrl });
  }

  /** On when required, or once an owner has been set up. */
  async enabled(): Promise<boolean> {
    if (this.options.required || this.knownOn) return true;
    this.knownOn = (await this.prisma.user.count()) > 0;
    return this.knownOn;
  }

  async hasOwner(): Promise<boolean> {
    return (await this.prisma.user.count({ where: { role: "owner" } })) > 0;
  }

  /** Who sends these headers: "local" with accounts off; else the session's or the token's person, or undefined. */
  async actorFor(headers: Headers): Promise<Actor | undefined> {
    if (!(await this.enabled())) return LOCAL_ACTOR;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "")?.[1];
    if (bearer) return this.tokenActor(bearer);
    const session = await this.auth.api.getSession({ headers });
    if (!session) return undefined;
    return personActor(session.user as { id: string; name: string; email: string; role: string });
  }

  /** The actor, or 401; and 403 unless it has the permission. */
  async authorize(headers: Headers, permission: Permission): Promise<Actor> {
    const actor = await this.actorFor(headers);
    if (!actor) throw unauthenticated();
    if (!actor.permissions.includes(permission)) throw forbidden(actor, permission);
    return actor;
  }

  me(actor: Actor): Me {
    return {
      accounts: actor.kind === "person",
      actor: actor.kind === "person" ? { kind: "person", label: actor.label, name: actor.name, email: actor.email, role: actor.role, ...(actor.tokenId ? { tokenId: actor.tokenId } : {}) } : { kind: "local", label: "local" },
      permissions: actor.permissions,
    };
  }

  // ---- the first-run owner setup ----

  /**
   * The one-time code that claims the first owner on a server not bound to loopback: derived from
   * the secret key (the same in every process), printed in the server's log at start, useless once an owner exists.
   */
  setupCode(): string {
    const raw = createHmac("sha256", this.options.secret).update("trellis first-run owner setup").digest("base64url").replace(/[^A-Za-z0-9]/g, "").toUpperCase();
    return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
  }

  /** Whether the setup form must ask for the code. */
  get setupNeedsCode(): boolean {
    return !this.options.loopback || Boolean(this.options.publicUrl);
  }

  /** Makes the first owner; refused once there is one, or (off loopback) without the log's setup code. */
  async createOwner(input: { name: string; email: string; password: string; code?: string }, options: { trusted?: boolean } = {}): Promise<{ userId: string }> {
    if (await this.hasOwner()) throw conflict("Trellis already has an owner: sign in, or ask the owner for an invitation.");
    if (this.setupNeedsCode && !options.trusted && !sameText((input.code ?? "").trim().toUpperCase(), this.setupCode())) {
      throw new RequestError(403, "setup_code", "The setup code is not right. It is printed in the server's log when Trellis starts without an owner.");
    }
    const user = await this.createPerson(input, "owner");
    this.knownOn = true;
    return user;
  }

  // ---- signing in and out (server actions: better-auth sets the cookie through next/headers) ----

  async signIn(email: string, password: string, headers: Headers): Promise<void> {
    try {
      await this.auth.api.signInEmail({ body: { email: email.trim().toLowerCase(), password }, headers });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 401 || status === 400 || status === 403) throw new RequestError(401, "sign_in_failed", "The e-mail address or the password is not right.");
      throw err;
    }
  }

  async signOut(headers: Headers): Promise<void> {
    await this.auth.api.signOut({ headers }).catch(() => undefined);
  }

  // ---- invitations ----

  async invite(by: Actor, email: string, role: Role): Promise<{ invitation: { id: string; email: string; role: Role; expiresAt: string; invitedBy: string }; link: string }> {
    const normal = email.trim().toLowerCase();
    if (await this.prisma.user.findUnique({ where: { email: normal } })) throw conflict(`${normal} already has an account.`);
    const secret = randomBytes(24).toString("base64url");
    const row = await this.prisma.invitation.create({
      data: { id: randomUUID(), email: normal, role, tokenHash: sha256(secret), invitedById: by.kind === "person" ? by.userId : "local", expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000) },
    });
    return { invitation: { id: row.id, email: row.email, role, expiresAt: row.expiresAt.toISOString(), invitedBy: by.label }, link: `/invite/${secret}` };
  }

  /** The invitation a link's secret names, while it can still be used. */
  async openInvitation(secret: string): Promise<{ id: string; email: string; role: Role } | undefined> {
    const row = await this.prisma.invitation.findUnique({ where: { tokenHash: sha256(secret) } });
    if (!row || row.acceptedAt || row.revokedAt || row.expiresAt.getTime() < Date.now()) return undefined;
    return { id: row.id, email: row.email, role: Role.catch("viewer").parse(row.role) };
  }

  async acceptInvitation(secret: string, input: { name: string; password: string }): Promise<{ email: string }> {
    const open = await this.openInvitation(secret);
    if (!open) throw notFound("This invitation link is not valid: it was used, revoked or has expired. Ask the owner for a new one.");
    checkPerson({ ...input, email: open.email });
    // Claimed first, so one link makes one account even when sent twice at once.
    const claimed = await this.prisma.invitation.updateMany({ where: { id: open.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
    if (claimed.count !== 1) throw notFound("This invitation link was just used.");
    await this.createPerson({ name: input.name, email: open.email, password: input.password }, open.role);
    return { email: open.email };
  }

  async members() {
    const [users, invitations] = await Promise.all([
      this.prisma.user.findMany({ orderBy: { createdAt: "asc" } }),
      this.prisma.invitation.findMany({ where: { acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } }, orderBy: { createdAt: "asc" } }),
    ]);
    const names = new Map(users.map((u) => [u.id, u.email]));
    return {
      members: users.map((u) => ({ id: u.id, name: u.name, email: u.email, role: Role.catch("viewer").parse(u.role), createdAt: u.createdAt.toISOString() })),
      invitations: invitations.map((i) => ({ id: i.id, email: i.email, role: Role.catch("viewer").parse(i.role), expiresAt: i.expiresAt.toISOString(), invitedBy: names.get(i.invitedById) ?? i.invitedById })),
    };
  }

  /**
   * Gives a member another role. Trellis always keeps an owner: the last one cannot be given
   * another role (the owners are locked while this is decided, so two owners demoting each
   * other at once cannot leave none). Their sessions and tokens act with the new role at once.
   */
  async changeRole(by: Actor, userId: string, role: Role) {
    requirePerson(by, "Members exist once accounts are on.");
    const row = await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "auth_user" WHERE role = 'owner' FOR UPDATE`;
      const user = await tx.user.findUnique({ where: { id: userId } });
      if (!user) throw notFound(`There is no member ${userId}.`);
      if (user.role === "owner" && role !== "owner" && (await tx.user.count({ where: { role: "owner" } })) <= 1) {
        throw conflict(`${user.email} is the only owner: make another member an owner first.`);
      }
      return tx.user.update({ where: { id: userId }, data: { role } });
    });
    return { id: row.id, name: row.name, email: row.email, role: Role.catch("viewer").parse(row.role), createdAt: row.createdAt.toISOString() };
  }

  /**
   * Removes a member: their account, sessions and API tokens go (they are signed out at once);
   * what they did stays recorded under their e-mail. Never the last owner.
   */
  async removeMember(by: Actor, userId: string): Promise<void> {
    requirePerson(by, "Members exist once accounts are on.");
    await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "auth_user" WHERE role = 'owner' FOR UPDATE`;
      const user = await tx.user.findUnique({ where: { id: userId } });
      if (!user) throw notFound(`There is no member ${userId}.`);
      if (user.role === "owner" && (await tx.user.count({ where: { role: "owner" } })) <= 1) {
        throw conflict(`${user.email} is the only owner and cannot be removed: make another member an owner first.`);
      }
      await tx.user.delete({ where: { id: userId } });
    });
  }

  /** Revokes an invitation that has not been used: its link stops working. */
  async revokeInvitation(id: string): Promise<void> {
    const done = await this.prisma.invitation.updateMany({ where: { id, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    if (done.count === 0) throw notFound(`There is no pending invitation ${id}.`);
  }

  /**
   * Changes the signed-in person's password (better-auth's changePassword, which checks the
   * current one); their other sessions are signed out. A token cannot do it: it needs the session.
   */
  async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string }, headers: Headers): Promise<void> {
    const person = requirePerson(actor, "There is no password to change while accounts are off.");
    if (person.tokenId) throw new RequestError(403, "forbidden", "Change your password while signed in to Trellis, not with an API token.");
    if (input.newPassword.length < MIN_PASSWORD_LENGTH) throw badRequest(`The new password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
    if (input.newPassword.length > 256) throw badRequest("The new password is longer than 256 characters.");
    const session = await this.auth.api.getSession({ headers });
    if (!session || session.user.id !== person.userId) throw new RequestError(403, "forbidden", "Change your password while signed in to Trellis.");
    try {
      // This session stays as it is (its cookie unchanged); the person's other sessions end below.
      await this.auth.api.changePassword({ body: { currentPassword: input.currentPassword, newPassword: input.newPassword, revokeOtherSessions: false }, headers });
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 400 || status === 401 || status === 403) throw new RequestError(400, "wrong_password", "The current password is not right.");
      throw err;
    }
    await this.prisma.session.deleteMany({ where: { userId: person.userId, token: { not: session.session.token } } });
  }

  // ---- API tokens ----

  async createToken(actor: Actor, input: { name: string; scopes: TokenScope[]; expiresInDays?: number }): Promise<{ token: string; info: TokenInfo }> {
    const person = requirePerson(actor, "API tokens belong to a person: turn accounts on (set up an owner) first.");
    if (person.tokenId && !person.permissions.includes("admin")) throw new RequestError(403, "forbidden", "A token can make another token only with the admin scope.");
    const allowed = scopesFor(person.role);
    const refused = input.scopes.filter((s) => !allowed.includes(s));
    if (refused.length) throw new RequestError(403, "forbidden", `A ${person.role} cannot give a token the scope${refused.length > 1 ? "s" : ""} ${refused.join(", ")} (allowed: ${allowed.join(", ")}).`);
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const row = await this.prisma.apiToken.create({
      data: {
        id: randomUUID(),
        userId: person.userId,
        name: input.name,
        tokenHash: sha256(token),
        prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        scopes: [...new Set(input.scopes)],
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
      },
    });
    return { token, info: tokenInfo(row) };
  }

  async listTokens(actor: Actor): Promise<TokenInfo[]> {
    const person = requirePerson(actor, "API tokens belong to a person: turn accounts on (set up an owner) first.");
    const rows = await this.prisma.apiToken.findMany({ where: { userId: person.userId }, orderBy: { createdAt: "desc" } });
    return rows.map(tokenInfo);
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    const person = requirePerson(actor, "API tokens belong to a person: turn accounts on (set up an owner) first.");
    const done = await this.prisma.apiToken.updateMany({ where: { id, userId: person.userId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (done.count === 0) throw notFound(`You have no token ${id} that is still valid.`);
  }

  private async tokenActor(token: string): Promise<Actor | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const row = await this.prisma.apiToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined;
    // Last use to the minute: a busy client does not write on every request.
    if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
      await this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    }
    return personActor(row.user, { id: row.id, scopes: row.scopes });
  }

  // ---- people ----

  /** A person with a password, through better-auth's adapter and hashing (there is no public sign-up). */
  private async createPerson(input: { name: string; email: string; password: string }, role: Role): Promise<{ userId: string }> {
    const { name, email } = checkPerson(input);
    if (await this.prisma.user.findUnique({ where: { email } })) throw conflict(`${email} already has an account.`);
    const ctx = await this.auth.$context;
    const user = await ctx.internalAdapter.createUser({ name, email, emailVerified: false, role }, { method: "admin" });
    await ctx.internalAdapter.linkAccount({ userId: user.id, providerId: "credential", accountId: user.id, password: await ctx.password.hash(input.password) });
    // The role is Trellis's own field (not an input better-auth takes from people): set it here too.
    await this.prisma.user.update({ where: { id: user.id }, data: { role } });
    return { userId: user.id };
  }
}

function checkPerson(input: { name: string; email: string; password: string }): { name: string; email: string } {
  const name = input.name.trim();
  const email = input.email.trim().toLowerCase();
  if (!name) throw badRequest("Give a name.");
  if (name.length > 100) throw badRequest("The name is longer than 100 characters.");
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) throw badRequest(`"${input.email}" is not an e-mail address.`);
  if (input.password.length < MIN_PASSWORD_LENGTH) throw badRequest(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (input.password.length > 256) throw badRequest("The password is longer than 256 characters.");
  return { name, email };
}

function requirePerson(actor: Actor, message: string) {
  if (actor.kind !== "person") throw conflict(message);
  return actor;
}

function tokenInfo(row: { id: string; name: string; prefix: string; scopes: string[]; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null; revokedAt: Date | null }): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter((s): s is TokenScope => TokenScope.safeParse(s).success),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
