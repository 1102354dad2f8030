"use server";
/** The Connections page's forms: the connections operations behind `action(op, fn)`, the same check as their routes. */
import { OPERATIONS } from "@/lib/contract/operations";
import { action } from "@/lib/server/route";
import { createConnection, deleteConnection, reconnectConnection, updateConnection } from "@/lib/server/connections/api";

const create = action(OPERATIONS.createConnection, ({ actor, body }) => createConnection(actor, body));
const update = action(OPERATIONS.updateConnection, ({ actor, params, body }) => updateConnection(actor, params.name, body));
const remove = action(OPERATIONS.deleteConnection, ({ actor, params }) => deleteConnection(actor, params.name));
const reconnect = action(OPERATIONS.reconnectConnection, ({ params }) => reconnectConnection(params.name));

export async function createConnectionAction(body: unknown) {
  return create({ body });
}
export async function updateConnectionAction(name: string, body: unknown) {
  return update({ params: { name }, body });
}
export async function deleteConnectionAction(name: string) {
  return remove({ params: { name } });
}
export async function reconnectConnectionAction(name: string) {
  return reconnect({ params: { name } });
}
