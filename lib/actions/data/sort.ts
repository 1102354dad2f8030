import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { compareValues, isBlank } from "./compare";
import { cell, requireColumns, Table, type Row } from "./table";
import { TableOutput } from "./table-output";

export const SortKey = z.object({
  column: z.string().describe("Column to sort by"),
  direction: z.enum(["asc", "desc"]).default("asc").describe('"asc" (default, smallest first) or "desc"'),
});

export function sortRows(rows: readonly Row[], keys: readonly z.infer<typeof SortKey>[]): Row[] {
  // Array.prototype.sort is stable, so rows equal on every key keep their order.
  return [...rows].sort((a, b) => {
    for (const k of keys) {
      const va = cell(a, k.column);
      const vb = cell(b, k.column);
      const ba = isBlank(va);
      const bb = isBlank(vb);
      // Empty cells go last in either direction: they are "no data", not "smallest".
      if (ba || bb) {
        if (ba && bb) continue;
        return ba ? 1 : -1;
      }
      const c = compareValues(va, vb);
      if (c !== 0) return k.direction === "desc" ? -c : c;
    }
    return 0;
  });
}

export const sortAction = defineAction({
  id: "data.sort",
  title: "Sort rows",
  description:
    "Sort a table's rows by one or more columns, each ascending or descending; later keys break ties of earlier ones and equal rows keep their order. " +
    "Numbers sort numerically, text naturally (\"item2\" before \"item10\"), empty cells always last. " +
    'Example: { "table": …, "by": [{ "column": "revenue", "direction": "desc" }] }. Add "limit" to keep only the first N rows (a top-N). Returns { table, rowCount }.',
  flows: ["data"],
  effect: "pure",
  inlineSafe: () => true,
  input: z.object({
    table: Table.describe("The table to sort"),
    by: z.array(SortKey).min(1).describe("Sort keys, most significant first"),
    limit: z.number().int().min(0).optional().describe("Keep only the first N rows after sorting (optional)"),
  }),
  output: TableOutput,
  run(input) {
    requireColumns(input.table, input.by.map((k) => k.column));
    if (input.table.rows.length > 2_000_000) throw new ActionError("table_too_large", "The table has too many rows to sort in memory.");
    let rows = sortRows(input.table.rows, input.by);
    if (input.limit !== undefined) rows = rows.slice(0, input.limit);
    return { table: { columns: input.table.columns, rows }, rowCount: rows.length };
  },
});
