/**
 * Stored connections (the Connections page): their shown configuration, the names of their
 * secrets, and the secrets sealed (lib/server/connections/secret-box.ts). This module never
 * sees a secret in clear.
 */
import type { Db } from "./database";

export interface ConnectionRow {
  name: string;
  kind: string;
  config: unknown;
  secretNames: string[];
  /** sealed secrets, or null when it has none */
  secrets: string | null;
  createdBy: string | null;
  updatedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export async function listConnectionRows(db: Db): Promise<ConnectionRow[]> {
  return db.connection.findMany({ orderBy: { name: "asc" } }) as Promise<ConnectionRow[]>;
}

export async function getConnectionRow(db: Db, name: string): Promise<ConnectionRow | null> {
  return db.connection.findUnique({ where: { name } }) as Promise<ConnectionRow | null>;
}

export async function insertConnectionRow(db: Db, row: Omit<ConnectionRow, "createdAt" | "updatedAt" | "updatedBy">): Promise<ConnectionRow> {
  return db.connection.create({ data: { ...row, config: row.config as object, updatedBy: row.createdBy } }) as Promise<ConnectionRow>;
}

export async function updateConnectionRow(db: Db, name: string, change: Pick<ConnectionRow, "config" | "secretNames" | "secrets" | "updatedBy">): Promise<ConnectionRow> {
  return db.connection.update({ where: { name }, data: { ...change, config: change.config as object } }) as Promise<ConnectionRow>;
}

/** Whether a row was deleted. */
export async function deleteConnectionRow(db: Db, name: string): Promise<boolean> {
  const { count } = await db.connection.deleteMany({ where: { name } });
  return count > 0;
}
