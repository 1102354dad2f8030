/**
 * The schema as compact text for an LLM prompt: tables, columns, keys, and the
 * values of short text columns (so `status = 'delivered'` is spelled right).
 */
import type { PGlite } from "@electric-sql/pglite";
import { describeTable, listTables, type TableInfo } from "./schema-info";

/** At most this many distinct values are listed for a text column. */
const MAX_LISTED_VALUES = 12;

// the sample database never changes (every query is rolled back), so one read per db is enough
const cache = new WeakMap<PGlite, Promise<string>>();

export function schemaForPrompt(db: PGlite): Promise<string> {
  let text = cache.get(db);
  if (!text) {
    text = buildSchemaText(db);
    cache.set(db, text);
    text.catch(() => cache.delete(db));
  }
  return text;
}

async function buildSchemaText(db: PGlite): Promise<string> {
  const tables = await listTables(db);
  const blocks: string[] = [];
  for (const t of tables) {
    const info = await describeTable(db, t.name);
    blocks.push(await tableBlock(db, info));
  }
  return blocks.join("\n\n");
}

/** The schema of some tables only, each named once, in the order given (names resolved as describeTable does). */
export async function schemaForTables(db: PGlite, names: readonly string[]): Promise<{ schema: string; tables: string[] }> {
  const blocks: string[] = [];
  const tables: string[] = [];
  for (const name of names) {
    const info = await describeTable(db, name);
    if (tables.includes(info.table)) continue;
    tables.push(info.table);
    blocks.push(await tableBlock(db, info));
  }
  return { schema: blocks.join("\n\n"), tables };
}

async function tableBlock(db: PGlite, info: TableInfo): Promise<string> {
  const lines = [`TABLE ${info.table} (${info.rowCount} rows)${info.comment ? ` -- ${info.comment}` : ""}`];
  for (const c of info.columns) {
    const parts = [`  ${c.name} ${c.type}`];
    if (c.primaryKey) parts.push("PRIMARY KEY");
    else if (!c.nullable) parts.push("NOT NULL");
    if (c.references) parts.push(`REFERENCES ${c.references.table}(${c.references.column})`);
    if (c.type === "text" && !c.primaryKey) {
      const values = await fewValues(db, info.table, c.name);
      if (values) parts.push(`-- values: ${values.map((v) => `'${v}'`).join(", ")}`);
    }
    lines.push(parts.join(" "));
  }
  return lines.join("\n");
}

async function fewValues(db: PGlite, table: string, column: string): Promise<string[] | null> {
  const col = `"${column.replace(/"/g, '""')}"`;
  const res = await db.query<{ v: string }>(
    `SELECT DISTINCT ${col} AS v FROM "${table.replace(/"/g, '""')}" WHERE ${col} IS NOT NULL ORDER BY 1 LIMIT ${MAX_LISTED_VALUES + 1}`,
  );
  return res.rows.length <= MAX_LISTED_VALUES ? res.rows.map((r) => r.v) : null;
}
