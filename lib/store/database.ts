/**
 * Opens Trellis's database: PostgreSQL when a URL is given, otherwise the embedded
 * PGlite persisted in a folder (or in memory). Migrations run before the client is returned.
 */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client.ts";
import { migrate, readMigrations, type SqlRunner } from "./migrate";
import { lockDataDir } from "./data-dir-lock";

export type Db = PrismaClient;

export interface DatabaseOptions {
  /** postgresql://… ; when absent the embedded database is used */
  url?: string;
  /** folder of the embedded database; absent means in memory */
  dir?: string;
  /** start an embedded database from a dump (tests) */
  loadDataDir?: Blob | File;
  migrationsDir?: string;
  /** where warnings go (the server's log); default: the console */
  warn?: (message: string) => void;
  /** where this process serves Trellis, when it is the server: kept in the embedded database's lock, for commands refused the folder */
  serverUrl?: string;
}

export interface Database {
  prisma: Db;
  kind: "pglite" | "postgres";
  /** where the data lives, for people (never includes a password) */
  location: string;
  appliedMigrations: string[];
  /** the embedded instance, when there is one */
  pglite?: PGlite;
  /** PostgreSQL's connection pool (the one under `prisma`), for the few hot paths that skip the ORM */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const migrations = await readMigrations(options.migrationsDir);
  if (options.url) {
    // OID 19 (`name`) arrives as text, which Prisma's adapter expects (prisma#27403).
    const pool = new pg.Pool({ connectionString: options.url, max: 10, types: { getTypeParser: (oid: number, format?: "text" | "binary") => (oid === 19 ? (v: string) => v : pg.types.getTypeParser(oid, format as "text")) } as pg.CustomTypesConfig });
    // An idle connection the server closes (a restart, an admin) is dropped from the pool and
    // replaced on the next query; without a listener the pool's error would crash the process.
    const warn = options.warn ?? ((message: string) => console.warn(`[trellis] ${message}`));
    pool.on("error", (err) => warn(`a PostgreSQL connection closed: ${err.message}`));
    const client = await pool.connect();
    let applied: string[];
    try {
      applied = await migrate(pgRunner(client), migrations);
    } finally {
      client.release();
    }
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      prisma,
      kind: "postgres",
      pool,
      location: redactUrl(options.url),
      appliedMigrations: applied,
      async close() {
        await prisma.$disconnect();
        await pool.end().catch(() => undefined);
      },
    };
  }
  let unlock = () => {};
  if (options.dir) {
    await mkdir(options.dir, { recursive: true });
    unlock = lockDataDir(options.dir, options.serverUrl);
  }
  const pglite = options.dir
    ? new PGlite(options.dir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : undefined)
    : new PGlite(options.loadDataDir ? { loadDataDir: options.loadDataDir } : undefined);
  let applied: string[];
  try {
    await pglite.waitReady;
    applied = await migrate(pgliteRunner(pglite), migrations);
  } catch (err) {
    unlock();
    throw err;
  }
  // The adapter is built against an older adapter-utils type; its runtime contract is the same.
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) as unknown as PrismaPg });
  return {
    prisma,
    kind: "pglite",
    location: options.dir ?? "memory",
    appliedMigrations: applied,
    pglite,
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
      unlock();
    },
  };
}

function pgRunner(client: pg.PoolClient): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

function pgliteRunner(db: PGlite): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      return (await db.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgresql://(unparseable URL)";
  }
}
