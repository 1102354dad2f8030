/**
 * What the sample database looks like, read from the Postgres catalog (not from the
 * DDL text) so it stays true whatever the tables are.
 */
import type { PGlite } from "@electric-sql/pglite";
import { ActionError } from "@/lib/core/action";

export interface TableSummary {
  name: string;
  rowCount: number;
  comment: string | null;
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
  primaryKey: boolean;
  references: { table: string; column: string } | null;
  comment: string | null;
}

export interface ForeignKeyInfo {
  columns: string[];
  references: { table: string; columns: string[] };
}

export interface TableInfo {
  table: string;
  comment: string | null;
  rowCount: number;
  columns: ColumnInfo[];
  primaryKey: string[];
  foreignKeys: ForeignKeyInfo[];
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function listTables(db: PGlite): Promise<TableSummary[]> {
  const res = await db.query<{ name: string; comment: string | null }>(
    `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
      ORDER BY c.relname`,
  );
  if (res.rows.length === 0) return [];
  // exact counts: the sample tables are small, and estimates would confuse a planner
  const counts = await db.query<{ name: string; n: number }>(
    res.rows.map((t) => `SELECT ${quoteLiteral(t.name)} AS name, count(*)::int AS n FROM ${quoteIdent(t.name)}`).join(" UNION ALL "),
  );
  const byName = new Map(counts.rows.map((r) => [r.name, r.n]));
  return res.rows.map((t) => ({ name: t.name, rowCount: byName.get(t.name) ?? 0, comment: t.comment }));
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Resolve a table name the way a person or LLM may write it: any case, optional `public.` */
export async function resolveTable(db: PGlite, requested: string): Promise<TableSummary> {
  const tables = await listTables(db);
  const wanted = requested.trim().replace(/^public\./i, "").replace(/^"(.*)"$/, "$1");
  const found = tables.find((t) => t.name === wanted) ?? tables.find((t) => t.name.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    const names = tables.map((t) => t.name);
    throw new ActionError("unknown_table", `There is no table named "${requested}". The tables are: ${names.join(", ")}.`, {
      details: { table: requested, tables: names },
    });
  }
  return found;
}

export async function describeTable(db: PGlite, requested: string): Promise<TableInfo> {
  const table = await resolveTable(db, requested);
  const cols = await db.query<{ name: string; type: string; nullable: boolean; default: string | null; comment: string | null }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
            pg_get_expr(d.adbin, d.adrelid) AS default, col_description(c.oid, a.attnum) AS comment
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = 'public' AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table.name],
  );
  const cons = await db.query<{ kind: string; columns: string[]; ref_table: string | null; ref_columns: string[] }>(
    `SELECT con.contype::text AS kind,
            array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord) AS columns,
            fc.relname::text AS ref_table,
            array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord) AS ref_columns
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class fc ON fc.oid = con.confrelid
      WHERE n.nspname = 'public' AND c.relname = $1 AND con.contype IN ('p', 'f')
      ORDER BY con.conname`,
    [table.name],
  );
  const primaryKey = cons.rows.find((c) => c.kind === "p")?.columns ?? [];
  const foreignKeys: ForeignKeyInfo[] = cons.rows
    .filter((c) => c.kind === "f" && c.ref_table)
    .map((c) => ({ columns: c.columns, references: { table: c.ref_table as string, columns: c.ref_columns } }));
  const columns: ColumnInfo[] = cols.rows.map((c) => {
    // a single-column foreign key is shown on the column too, where a reader looks first
    const fk = foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === c.name);
    return {
      ...c,
      primaryKey: primaryKey.includes(c.name),
      references: fk ? { table: fk.references.table, column: fk.references.columns[0] } : null,
    };
  });
  return { table: table.name, comment: table.comment, rowCount: table.rowCount, columns, primaryKey, foreignKeys };
}
