import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { cell, requireColumns, Table, type Row } from "./table";
import { TableOutput } from "./table-output";

export const selectAction = defineAction({
  id: "data.select",
  title: "Select and rename columns",
  description:
    "Keep, reorder, drop and rename a table's columns. `columns` lists the columns to keep in the order wanted (omit to keep all); `exclude` drops columns; " +
    '`rename` maps old names to new ones, e.g. { "unit_price": "price" }. ' +
    'Example: { "table": …, "columns": ["date", "region", "revenue"], "rename": { "revenue": "Revenue (USD)" } }. Returns { table, rowCount }.',
  flows: ["data"],
  effect: "pure",
  inlineSafe: () => true,
  input: z.object({
    table: Table.describe("The source table"),
    columns: z.array(z.string()).optional().describe("Columns to keep, in output order (default: all, in current order)"),
    exclude: z.array(z.string()).optional().describe("Columns to drop (optional)"),
    rename: z.record(z.string(), z.string()).optional().describe("Old column name → new column name (optional)"),
  }),
  output: TableOutput,
  run(input) {
    const { table } = input;
    const rename = input.rename ?? {};
    requireColumns(table, [...(input.columns ?? []), ...(input.exclude ?? []), ...Object.keys(rename)]);
    const excluded = new Set(input.exclude ?? []);
    const kept = (input.columns ?? table.columns).filter((c) => !excluded.has(c));
    const dup = kept.find((c, i) => kept.indexOf(c) !== i);
    if (dup) throw new ActionError("duplicate_column", `The column "${dup}" is listed twice.`);
    const names = kept.map((c) => rename[c] ?? c);
    const clash = names.find((c, i) => names.indexOf(c) !== i);
    if (clash) throw new ActionError("duplicate_column", `Renaming would produce two columns named "${clash}".`);
    const rows = table.rows.map((row) => {
      const out: Row = {};
      kept.forEach((c, i) => {
        out[names[i]] = cell(row, c);
      });
      return out;
    });
    return { table: { columns: names, rows }, rowCount: rows.length };
  },
});
