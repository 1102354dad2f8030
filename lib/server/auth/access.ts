/**
 * The one check every route, server action, page and the MCP endpoint make (lib/server/route,
 * ./page-access): who is asking, and may they. The accounts come from the Trellis instance of the
 * process; a process that is not a server (the CLI on the data folder) names its actor up front.
 */
import { LOCAL_ACTOR, type Actor, type Permission } from "../../contract/access";
import type { Accounts } from "./accounts";

/** What the wrappers ask of the accounts. */
export type Gate = Pick<Accounts, "authorize">;

/** Accounts off: everyone is "local" (one person on loopback). For tests of the wrappers alone. */
export const ACCOUNTS_OFF: Gate = { authorize: async () => LOCAL_ACTOR };

const KEY = Symbol.for("trellis.access");
type Holder = { [KEY]?: { gate?: Gate; processActor?: Actor } };
const state = () => ((globalThis as Holder)[KEY] ??= {});

/** The process's accounts (tests of the wrappers alone may give ACCOUNTS_OFF). */
async function gate(): Promise<Gate> {
  const given = state().gate;
  if (given) return given;
  const { getTrellis } = await import("../trellis");
  return (await getTrellis()).accounts;
}

export function useGate(given: Gate | undefined): void {
  state().gate = given;
}

/**
 * The CLI working on the data folder directly is whoever can read that folder: it acts as this
 * actor, without a request. A server never sets it.
 */
export function actAsProcess(actor: Actor | undefined): void {
  state().processActor = actor;
}

/** The actor of a request with these headers, if it may do `permission`; else a 401 or 403 RequestError. */
export async function authorize(headers: Headers, permission: Permission): Promise<Actor> {
  return (await gate()).authorize(headers, permission);
}

/** The same check for a server action: the request's headers come from Next (or the CLI's actor). */
export async function authorizeAction(permission: Permission): Promise<Actor> {
  const given = state().processActor;
  if (given) return given;
  return authorize(await requestHeaders(), permission);
}

/** The server action's request headers; outside a request (a test of the wrapper) none, which is no credentials. */
async function requestHeaders(): Promise<Headers> {
  const { headers } = await import("next/headers");
  try {
    return new Headers(await headers());
  } catch {
    return new Headers();
  }
}
