/**
 * The data shapes sql.* actions exchange. `Table` is the `{ columns, rows }` shape
 * the data actions take as their `table` input (same JSON Schema, declared here so
 * this folder does not depend on theirs).
 */
import { z } from "zod";

export const Table = z.object({
  columns: z.array(z.string()).describe("column names, in result order"),
  rows: z.array(z.record(z.string(), z.unknown())).describe("one object per row, keyed by column name"),
});
export type Table = z.infer<typeof Table>;

export const SqlText = z
  .string()
  .min(1)
  .describe("exactly one read-only SQL statement in the Postgres dialect, usually a SELECT (a trailing ';' is fine)");

export const QueryInput = z.object({
  sql: SqlText,
  maxRows: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(1000)
    .describe("the most rows to return; more rows set `truncated` (default 1000)"),
  params: z
    .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
    .optional()
    .describe("values for $1, $2, … placeholders in the SQL"),
});
export type QueryInput = z.infer<typeof QueryInput>;

/**
 * Same layout as the data actions' table outputs (`{ table, rowCount }`), so
 * `${steps.query.output.table}` wires straight into any data action's `table` input.
 */
export const QueryOutput = z.object({
  table: Table.describe("the result: column names and rows"),
  rowCount: z.number().int().min(0).describe("number of rows returned (at most maxRows)"),
  truncated: z.boolean().describe("true when the query had more rows than maxRows"),
  columnTypes: z.array(z.string()).describe("Postgres type of each column, same order as table.columns"),
});
export type QueryOutput = z.infer<typeof QueryOutput>;
