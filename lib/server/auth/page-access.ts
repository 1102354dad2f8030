/**
 * The pages' side of the one check: every page calls `pageActor` (a signed-out person is sent to
 * /login, or to /setup while accounts are required and no owner exists); the layout reads
 * `currentAccess` to show who is signed in and what the UI may offer.
 */
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { Actor, Permission } from "../../contract/access";
import type { Me } from "../../contract/accounts";
import { getTrellis } from "../trellis";

/** The actor of this page's request; redirects when there is none (or when it lacks `permission`, to the home page). */
export async function pageActor(path: string, permission: Permission = "read"): Promise<Actor> {
  const { accounts } = await getTrellis();
  const actor = await accounts.actorFor(new Headers(await headers()));
  if (!actor) {
    if (!(await accounts.hasOwner())) redirect("/setup");
    redirect(`/login?next=${encodeURIComponent(path)}`);
  }
  if (!actor.permissions.includes(permission)) redirect("/?denied=1");
  return actor;
}

/** Who is signed in, for the layout (undefined on the sign-in pages before anyone is). */
export async function currentAccess(): Promise<Me | undefined> {
  const { accounts } = await getTrellis();
  const actor = await accounts.actorFor(new Headers(await headers()));
  return actor ? accounts.me(actor) : undefined;
}
