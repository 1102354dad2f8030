"use server";
/**
 * Signing in and out, the first-run owner setup, invitations and API tokens, as the pages' forms
 * call them. Tokens and invitations are their operations behind `action(op, fn)` (the same check
 * as their routes); signing in, setting up the owner and accepting an invitation are what a person
 * does before having a session.
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { TrellisError } from "@/lib/core/errors";
import { OPERATIONS } from "@/lib/contract/operations";
import { action } from "@/lib/server/route";
import { changePassword, createToken, inviteMember, removeMember, revokeInvitation, revokeToken, updateMember } from "@/lib/server/accounts";
import { getTrellis } from "@/lib/server/trellis";

export type FormState = { error?: string; email?: string; name?: string };

const text = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};

/** A path on this site to go to after signing in (never another site's address). */
function safeNext(next: string): string {
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

async function refusal(err: unknown): Promise<string> {
  if (TrellisError.isInstance(err)) return (err as Error).message;
  throw err;
}

export async function signInAction(_prev: FormState, form: FormData): Promise<FormState> {
  const email = text(form, "email");
  const { accounts } = await getTrellis();
  try {
    await accounts.signIn(email, text(form, "password"), new Headers(await headers()));
  } catch (err) {
    return { error: await refusal(err), email };
  }
  redirect(safeNext(text(form, "next")));
}

export async function signOutAction(): Promise<void> {
  const { accounts } = await getTrellis();
  await accounts.signOut(new Headers(await headers()));
  redirect("/login");
}

export async function setupOwnerAction(_prev: FormState, form: FormData): Promise<FormState> {
  const input = { name: text(form, "name"), email: text(form, "email"), password: text(form, "password"), code: text(form, "code") };
  const { accounts } = await getTrellis();
  try {
    if (input.password !== text(form, "confirm")) return { error: "The two passwords are not the same.", email: input.email, name: input.name };
    await accounts.createOwner(input);
    await accounts.signIn(input.email, input.password, new Headers(await headers()));
  } catch (err) {
    return { error: await refusal(err), email: input.email, name: input.name };
  }
  redirect("/settings");
}

export async function acceptInvitationAction(_prev: FormState, form: FormData): Promise<FormState> {
  const name = text(form, "name");
  const password = text(form, "password");
  const { accounts } = await getTrellis();
  try {
    if (password !== text(form, "confirm")) return { error: "The two passwords are not the same.", name };
    const { email } = await accounts.acceptInvitation(text(form, "secret"), { name, password });
    await accounts.signIn(email, password, new Headers(await headers()));
  } catch (err) {
    return { error: await refusal(err), name };
  }
  redirect("/");
}

const makeToken = action(OPERATIONS.createToken, ({ actor, body }) => createToken(actor, body));
const dropToken = action(OPERATIONS.revokeToken, ({ actor, params }) => revokeToken(actor, params.id));
const invite = action(OPERATIONS.inviteMember, ({ actor, body }) => inviteMember(actor, body));

export async function createTokenAction(body: unknown) {
  return makeToken({ body });
}
export async function revokeTokenAction(id: string) {
  return dropToken({ params: { id } });
}
export async function inviteMemberAction(body: unknown) {
  return invite({ body });
}

const setRole = action(OPERATIONS.updateMember, ({ actor, params, body }) => updateMember(actor, params.id, body));
const remove = action(OPERATIONS.removeMember, ({ actor, params }) => removeMember(actor, params.id));
const dropInvitation = action(OPERATIONS.revokeInvitation, ({ params }) => revokeInvitation(params.id));
const newPassword = action(OPERATIONS.changePassword, async ({ actor, body }) => changePassword(actor, body, new Headers(await headers())));

export async function updateMemberAction(id: string, role: string) {
  return setRole({ params: { id }, body: { role } });
}
export async function removeMemberAction(id: string) {
  return remove({ params: { id } });
}
export async function revokeInvitationAction(id: string) {
  return dropInvitation({ params: { id } });
}

/** The settings page's password form: the current password, the new one twice. */
export async function changePasswordAction(_prev: FormState & { done?: boolean }, form: FormData): Promise<FormState & { done?: boolean }> {
  const body = { currentPassword: text(form, "current"), newPassword: text(form, "password") };
  if (body.newPassword !== text(form, "confirm")) return { error: "The two new passwords are not the same." };
  const r = await newPassword({ body });
  return r.ok ? { done: true } : { error: r.error };
}
