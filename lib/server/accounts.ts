/** The accounts operations (lib/contract OPERATIONS getMe … changePassword), for routes and server actions. */
import type { Actor } from "../contract/access";
import type { z } from "zod";
import type { ChangePasswordBody, CreateTokenBody, InviteBody, UpdateMemberBody } from "../contract/accounts";
import { getTrellis } from "./trellis";

const accounts = async () => (await getTrellis()).accounts;

export const me = async (actor: Actor) => (await accounts()).me(actor);
export const listTokens = async (actor: Actor) => ({ tokens: await (await accounts()).listTokens(actor) });
export const createToken = async (actor: Actor, body: z.output<typeof CreateTokenBody>) => (await accounts()).createToken(actor, body);
export const revokeToken = async (actor: Actor, id: string) => {
  await (await accounts()).revokeToken(actor, id);
  return { ok: true as const };
};
export const listMembers = async () => (await accounts()).members();
export const inviteMember = async (actor: Actor, body: z.output<typeof InviteBody>) => (await accounts()).invite(actor, body.email, body.role);
export const updateMember = async (actor: Actor, id: string, body: z.output<typeof UpdateMemberBody>) => (await accounts()).changeRole(actor, id, body.role);
export const removeMember = async (actor: Actor, id: string) => {
  await (await accounts()).removeMember(actor, id);
  return { ok: true as const };
};
export const revokeInvitation = async (id: string) => {
  await (await accounts()).revokeInvitation(id);
  return { ok: true as const };
};
export const changePassword = async (actor: Actor, body: z.output<typeof ChangePasswordBody>, headers: Headers) => {
  await (await accounts()).changePassword(actor, body, headers);
  return { ok: true as const };
};
