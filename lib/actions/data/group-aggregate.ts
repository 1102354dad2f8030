import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { checkAborted } from "../abort";
import { asNumber, compareValues, isBlank, valueKey } from "./compare";
import { median, tidy } from "./numbers";
import { cell, requireColumns, Table, type Row } from "./table";
import { TableOutput } from "./table-output";

export const AggregateFn = z.enum(["sum", "avg", "min", "max", "count", "count_distinct", "median"]);
type AggregateFn = z.infer<typeof AggregateFn>;

export const Aggregate = z.object({
  fn: AggregateFn.describe("sum, avg, median (numeric columns), min, max (numbers or text), count (non-empty cells, or rows when no column), count_distinct"),
  column: z.string().optional().describe("Column to aggregate; omit only for count, which then counts rows"),
  as: z.string().optional().describe('Name of the output column (default "<fn>_<column>", or "count" for a row count)'),
});
type Aggregate = z.infer<typeof Aggregate>;

function numericValues(values: unknown[], column: string, fn: AggregateFn): number[] {
  const out: number[] = [];
  for (const v of values) {
    if (isBlank(v)) continue;
    const n = asNumber(v);
    if (n === null || typeof v === "boolean") {
      throw new ActionError("not_numeric", `Cannot ${fn} the column "${column}": it holds non-numeric values such as ${JSON.stringify(v)}.`);
    }
    out.push(n);
  }
  return out;
}

export function aggregate(fn: AggregateFn, rows: readonly Row[], column: string | undefined): unknown {
  if (fn === "count" && column === undefined) return rows.length;
  const col = column as string;
  const values = rows.map((r) => cell(r, col));
  const present = values.filter((v) => !isBlank(v));
  switch (fn) {
    case "count":
      return present.length;
    case "count_distinct":
      return new Set(present.map(valueKey)).size;
    case "min":
    case "max": {
      if (present.length === 0) return null;
      return present.reduce((best, v) => {
        const c = compareValues(v, best);
        return (fn === "min" ? c < 0 : c > 0) ? v : best;
      });
    }
    case "sum": {
      const nums = numericValues(values, col, fn);
      return nums.length ? tidy(nums.reduce((a, b) => a + b, 0)) : null;
    }
    case "avg": {
      const nums = numericValues(values, col, fn);
      return nums.length ? tidy(nums.reduce((a, b) => a + b, 0) / nums.length) : null;
    }
    case "median": {
      const nums = numericValues(values, col, fn).sort((a, b) => a - b);
      const m = median(nums);
      return m === null ? null : tidy(m);
    }
  }
}

function outputName(a: Aggregate): string {
  if (a.as) return a.as;
  return a.column === undefined ? "count" : `${a.fn}_${a.column}`;
}

export const groupAggregateAction = defineAction({
  id: "data.group_aggregate",
  title: "Group and aggregate",
  description:
    "Group a table's rows by zero or more columns and compute aggregates per group (like SQL GROUP BY): sum, avg, median, min, max, count, count_distinct. " +
    "The result has one row per distinct combination of the group columns, in order of first appearance, with the group columns followed by one column per aggregate. " +
    "With no groupBy columns it returns a single totals row. Empty cells are ignored; an aggregate over no values is null (count is 0). " +
    'Example: { "table": …, "groupBy": ["region"], "aggregates": [{ "fn": "sum", "column": "revenue", "as": "total_revenue" }, { "fn": "count" }] }. Returns { table, rowCount }.',
  flows: ["data"],
  effect: "pure",
  input: z.object({
    table: Table.describe("The table to group"),
    groupBy: z.array(z.string()).default([]).describe("Columns whose values define the groups (empty: one group of all rows)"),
    aggregates: z.array(Aggregate).min(1).describe("Aggregates to compute for each group"),
  }),
  output: TableOutput,
  run(input, ctx) {
    const { table, groupBy, aggregates } = input;
    requireColumns(table, groupBy, "group column");
    for (const a of aggregates) {
      if (a.column === undefined && a.fn !== "count") throw new ActionError("invalid_aggregate", `The "${a.fn}" aggregate needs a column.`);
    }
    requireColumns(table, aggregates.flatMap((a) => (a.column === undefined ? [] : [a.column])), "aggregate column");
    const names = aggregates.map(outputName);
    const columns = [...groupBy, ...names];
    const dup = columns.find((c, i) => columns.indexOf(c) !== i);
    if (dup) throw new ActionError("duplicate_column", `Two output columns would be named "${dup}"; give the aggregates distinct "as" names.`);

    const groups = new Map<string, Row[]>();
    table.rows.forEach((row, i) => {
      checkAborted(ctx.signal, i);
      const key = groupBy.map((g) => valueKey(cell(row, g))).join("\u0001");
      const list = groups.get(key);
      if (list) list.push(row);
      else groups.set(key, [row]);
    });
    if (groupBy.length === 0 && groups.size === 0) groups.set("", []);

    const rows: Row[] = [...groups.values()].map((members) => {
      const out: Row = {};
      for (const g of groupBy) out[g] = cell(members[0], g);
      aggregates.forEach((a, i) => {
        out[names[i]] = aggregate(a.fn, members, a.column);
      });
      return out;
    });
    ctx.log("info", `${table.rows.length} rows → ${rows.length} groups`);
    return { table: { columns, rows }, rowCount: rows.length };
  },
});
