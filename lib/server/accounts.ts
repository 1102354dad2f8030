/** The accounts operations (lib/contract OPERATIONS getMe … inviteMember), for routes and server actions. */
import type { Actor } from "../contract/access";
import type { z } from "zod";
import type { CreateTokenBody, InviteBody } from "../contract/accounts";
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
