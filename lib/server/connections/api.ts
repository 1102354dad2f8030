/** What the connections routes and the Connections page call: the live stored connections of this process. */
import type { Actor } from "../../contract/access";
import type { Connection, ConnectionList, CreateConnectionBody, UpdateConnectionBody } from "../../contract/connections";
import { getTrellis } from "../trellis";

export async function listConnections(): Promise<ConnectionList> {
  const t = await getTrellis();
  const reserved = [...t.registry.takenNames(t.connections)].filter((n) => !t.connections.list().some((c) => c.name === n)).sort();
  return { connections: t.connections.list(), reserved };
}

export async function createConnection(actor: Actor, body: CreateConnectionBody): Promise<Connection> {
  return (await getTrellis()).connections.create(body, actor.label);
}

export async function updateConnection(actor: Actor, name: string, body: UpdateConnectionBody): Promise<Connection> {
  return (await getTrellis()).connections.update(name, body, actor.label);
}

export async function deleteConnection(actor: Actor, name: string): Promise<{ ok: true; name: string }> {
  return (await getTrellis()).connections.remove(name, actor.label);
}

export async function reconnectConnection(name: string): Promise<Connection> {
  return (await getTrellis()).connections.reconnect(name);
}
