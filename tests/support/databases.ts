/**
 * Databases for integration tests: the embedded one always, and a throwaway database on
 * the PostgreSQL at 127.0.0.1:5432 when it answers. With CI=true PostgreSQL is required.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../../lib/store/database";

export const PG_ADMIN_URL = process.env.TRELLIS_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

let reachable: Promise<boolean> | undefined;

export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return reachable;
}

/** Decide once per file whether the PostgreSQL variant runs; never skip on CI. */
export async function postgresAvailability(): Promise<{ run: boolean; reason?: string }> {
  if (await postgresReachable()) return { run: true };
  if (process.env.CI === "true") {
    throw new Error(`PostgreSQL is required when CI=true but ${PG_ADMIN_URL} does not answer. Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`);
  }
  const reason = `PostgreSQL at ${PG_ADMIN_URL} is not reachable: skipping the PostgreSQL variant of these integration tests.`;
  console.warn(`\n⚠ ${reason}\n`);
  return { run: false, reason };
}

/** A fresh PostgreSQL database, dropped by the returned cleanup. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `trellis_test_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export type DbKind = "pglite" | "postgres";

const beforeClose = new WeakMap<Database, (() => Promise<void>)[]>();

/**
 * Something to do before a fresh database closes: an engine a test made on it stops first
 * (its last writes stored, its claims released), so closing never waits on a transaction
 * that engine still has open.
 */
export function closeFirst(db: Database, stop: () => Promise<void>): void {
  beforeClose.get(db)?.push(stop);
}

/** Opens a fresh database of the given kind; close() stops what was registered with closeFirst, then closes it and drops a PostgreSQL one. */
export async function freshDatabase(kind: DbKind, options: { dir?: string } = {}): Promise<Database> {
  const created = kind === "postgres" ? await createPostgresDatabase() : undefined;
  const db = await openDatabase(created ? { url: created.url } : { dir: options.dir });
  const stops: (() => Promise<void>)[] = [];
  const fresh: Database = {
    ...db,
    close: async () => {
      await Promise.allSettled(stops.splice(0).map((stop) => stop()));
      await db.close();
      await created?.drop();
    },
  };
  beforeClose.set(fresh, stops);
  return fresh;
}
