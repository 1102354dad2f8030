/** The caller, API tokens, members and invitations, as the API answers them. */
import { z } from "zod";
import { Permission, Role, TokenScope } from "./access";

export const Me = z.object({
  /** false: one person on loopback, no sign-in (the actor is "local") */
  accounts: z.boolean(),
  actor: z.object({ label: z.string(), kind: z.enum(["local", "person"]), name: z.string().optional(), email: z.string().optional(), role: Role.optional(), tokenId: z.string().optional() }),
  permissions: z.array(Permission),
});
export type Me = z.infer<typeof Me>;

export const TokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  /** the first characters, to tell tokens apart */
  prefix: z.string(),
  scopes: z.array(TokenScope),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenInfo = z.infer<typeof TokenInfo>;
export const TokenList = z.object({ tokens: z.array(TokenInfo) });

export const CreateTokenBody = z.object({
  name: z.string().trim().min(1, "give the token a name").max(80),
  scopes: z.array(TokenScope).min(1, "choose at least one scope"),
  /** days until it expires; 0 or absent: never */
  expiresInDays: z.number().int().min(0).max(3650).optional(),
});
export const CreatedToken = z.object({ token: z.string().describe("the token itself: shown once, only its hash is kept"), info: TokenInfo });

export const TokenParams = z.object({ id: z.string().min(1).max(200).describe("a token id") });

export const Member = z.object({ id: z.string(), name: z.string(), email: z.string(), role: Role, createdAt: z.string() });
export const PendingInvitation = z.object({ id: z.string(), email: z.string(), role: Role, expiresAt: z.string(), invitedBy: z.string() });
export const MemberList = z.object({ members: z.array(Member), invitations: z.array(PendingInvitation) });

export const MemberParams = z.object({ id: z.string().min(1).max(200).describe("a member's id") });
export const InvitationParams = z.object({ id: z.string().min(1).max(200).describe("an invitation's id") });
export const UpdateMemberBody = z.object({ role: Role });
export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1, "give your current password").max(256),
  newPassword: z.string().min(10, "the new password needs at least 10 characters").max(256),
});

export const InviteBody = z.object({ email: z.email("an e-mail address").max(254), role: Role });
export const Invited = z.object({ invitation: PendingInvitation, link: z.string().describe("the path of the invitation page, with its secret: shown once") });
