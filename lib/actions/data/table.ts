/**
 * The one table shape every data action takes and returns, so any table output can be
 * wired into any table input and the validator sees identical JSON Schemas.
 */
import { z } from "zod";
import { ActionError } from "@/lib/core/action";

export const Row = z
  .record(z.string(), z.unknown())
  .describe("One row: column name → value (number, string, boolean, null, or nested JSON for JSON sources)");
export type Row = z.infer<typeof Row>;

export const Table = z
  .object({
    columns: z.array(z.string()).describe("Column names in display order"),
    rows: z.array(Row).describe("The rows; each is an object keyed by column name"),
  })
  .describe("A table: ordered column names and rows keyed by those names");
export type Table = z.infer<typeof Table>;

/** Throws a helpful error naming the available columns when one is missing. */
export function requireColumns(table: Table, names: readonly string[], role = "column"): void {
  const known = new Set(table.columns);
  const missing = names.filter((n) => !known.has(n));
  if (missing.length === 0) return;
  const list = missing.map((m) => `"${m}"`).join(", ");
  throw new ActionError(
    "unknown_column",
    `Unknown ${role}${missing.length > 1 ? "s" : ""} ${list}. The table has: ${table.columns.join(", ") || "(no columns)"}.`,
    { details: { missing, available: table.columns } },
  );
}

/** Column names in first-seen order across rows, for tables built from loose objects. */
export function columnsFromRows(rows: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/** Missing keys read as null so that ragged JSON rows behave like empty cells. */
export function cell(row: Row, column: string): unknown {
  const v = row[column];
  return v === undefined ? null : v;
}
