/**
 * Who may do what: roles of people, scopes of API tokens, and the permission each operation
 * declares (OPERATIONS). A person's role grants permissions; a token acts for its person with at
 * most its scopes. With accounts off (one person on loopback) the actor is "local" and may do all.
 */
import { z } from "zod";

export const Role = z.enum(["owner", "editor", "approver", "viewer"]);
export type Role = z.infer<typeof Role>;

/**
 * read: see plans, runs, templates, flows · edit: plan, edit, import, delete, templates ·
 * run: start, cancel, retry runs · approve: approve and reject waiting steps ·
 * account: one's own API tokens · admin: members, roles, invitations
 */
export const Permission = z.enum(["read", "edit", "run", "approve", "account", "admin"]);
export type Permission = z.infer<typeof Permission>;

export const TokenScope = z.enum(["read", "run", "approve", "admin"]);
export type TokenScope = z.infer<typeof TokenScope>;

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: Permission.options,
  editor: ["read", "edit", "run", "account"],
  approver: ["read", "approve", "account"],
  viewer: ["read", "account"],
};

export const SCOPE_PERMISSIONS: Record<TokenScope, readonly Permission[]> = {
  read: ["read"],
  run: ["read", "edit", "run"],
  approve: ["read", "approve"],
  admin: Permission.options,
};

export const ROLE_TEXT: Record<Role, string> = {
  owner: "Owner: everything, and manages members",
  editor: "Editor: plans, edits and runs",
  approver: "Approver: approves and rejects waiting steps",
  viewer: "Viewer: sees plans and runs",
};

/** The scopes a person of this role may give a token: those that grant something the role has. */
export function scopesFor(role: Role): TokenScope[] {
  return TokenScope.options.filter((s) => (s === "admin" ? role === "owner" : s === "read" || SCOPE_PERMISSIONS[s].some((p) => p !== "read" && ROLE_PERMISSIONS[role].includes(p))));
}

/** Who makes a request. `label` is what audit records and pages show. */
export const Actor = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("local"), label: z.literal("local"), permissions: z.array(Permission) }),
  z.object({
    kind: z.literal("person"),
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    role: Role,
    /** set when the request came with an API token */
    tokenId: z.string().optional(),
    label: z.string(),
    permissions: z.array(Permission),
  }),
]);
export type Actor = z.infer<typeof Actor>;

export const LOCAL_ACTOR: Actor = { kind: "local", label: "local", permissions: [...Permission.options] };

/** A person's actor: the role's permissions, narrowed by a token's scopes when there is one. */
export function personActor(user: { id: string; name: string; email: string; role: string }, token?: { id: string; scopes: readonly string[] }): Actor {
  const role = Role.catch("viewer").parse(user.role);
  let permissions = [...ROLE_PERMISSIONS[role]];
  if (token) {
    const granted = new Set(token.scopes.flatMap((s) => (TokenScope.safeParse(s).success ? SCOPE_PERMISSIONS[s as TokenScope] : [])));
    permissions = permissions.filter((p) => granted.has(p));
  }
  return { kind: "person", userId: user.id, name: user.name, email: user.email, role, ...(token ? { tokenId: token.id } : {}), label: user.email, permissions };
}

export const can = (actor: Actor, permission: Permission): boolean => actor.permissions.includes(permission);
