import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { asNumber, compareValues, isBlank, valueKey } from "./compare";
import { median, sampleStddev, tidy } from "./numbers";
import { cell, requireColumns, Table, type Row } from "./table";

const Extreme = z.union([z.number(), z.string(), z.boolean(), z.null()]);

export const ColumnStat = z.object({
  column: z.string().describe("Column name"),
  type: z.enum(["number", "string", "date", "boolean", "object", "mixed", "empty"]).describe('Kind of the non-empty values ("date" = YYYY-MM-DD text, "empty" = all null)'),
  count: z.number().int().describe("Number of non-empty values"),
  nulls: z.number().int().describe("Number of empty (null) cells"),
  distinct: z.number().int().describe("Number of distinct non-empty values"),
  min: Extreme.describe("Smallest value (numbers numerically, text alphabetically), null when empty"),
  max: Extreme.describe("Largest value, null when empty"),
  mean: z.number().nullable().describe("Arithmetic mean for number columns, else null"),
  median: z.number().nullable().describe("Median for number columns, else null"),
  stddev: z.number().nullable().describe("Sample standard deviation (n − 1) for number columns with 2+ values, else null"),
});
export type ColumnStat = z.infer<typeof ColumnStat>;

const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function kindOf(v: unknown): string {
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "string") return DATE.test(v) ? "date" : "string";
  return "object";
}

export function statsFor(rows: readonly Row[], column: string): ColumnStat {
  const present = rows.map((r) => cell(r, column)).filter((v) => !isBlank(v));
  const kinds = new Set(present.map(kindOf));
  let type: ColumnStat["type"] = "empty";
  if (kinds.size === 1) type = [...kinds][0] as ColumnStat["type"];
  else if (kinds.size === 2 && kinds.has("date") && kinds.has("string")) type = "string";
  else if (kinds.size > 1) type = "mixed";

  const comparable = present.filter((v) => typeof v !== "object");
  let min: ColumnStat["min"] = null;
  let max: ColumnStat["max"] = null;
  for (const v of comparable as (number | string | boolean)[]) {
    if (min === null || compareValues(v, min) < 0) min = v;
    if (max === null || compareValues(v, max) > 0) max = v;
  }

  let mean: number | null = null;
  let med: number | null = null;
  let stddev: number | null = null;
  if (type === "number") {
    const nums = present.map((v) => asNumber(v) as number).sort((a, b) => a - b);
    mean = tidy(nums.reduce((a, b) => a + b, 0) / nums.length);
    med = median(nums);
    const sd = sampleStddev(nums);
    stddev = sd === null ? null : tidy(sd);
  }
  return {
    column,
    type,
    count: present.length,
    nulls: rows.length - present.length,
    distinct: new Set(present.map(valueKey)).size,
    min,
    max,
    mean,
    median: med,
    stddev,
  };
}

const STAT_COLUMNS = ["column", "type", "count", "nulls", "distinct", "min", "max", "mean", "median", "stddev"] as const;

export const columnStatsAction = defineAction({
  id: "data.column_stats",
  title: "Column statistics",
  description:
    "Describe each column of a table: its type (number, string, date, boolean, mixed, empty), count of non-empty values, nulls, distinct values, min and max, " +
    "and for numeric columns the mean, median and sample standard deviation. Optionally restrict to some columns. " +
    "Returns { stats: one object per column, table: the same statistics as a table (one row per column, ready for data.to_markdown) }.",
  flows: ["data"],
  effect: "pure",
  input: z.object({
    table: Table.describe("The table to describe"),
    columns: z.array(z.string()).optional().describe("Columns to describe (default: all)"),
  }),
  output: z.object({
    stats: z.array(ColumnStat).describe("Statistics, one entry per column"),
    table: Table.describe("The statistics as a table with columns column, type, count, nulls, distinct, min, max, mean, median, stddev"),
  }),
  run(input) {
    const cols = input.columns ?? input.table.columns;
    requireColumns(input.table, cols);
    const stats = cols.map((c) => statsFor(input.table.rows, c));
    const rows: Row[] = stats.map((s) => Object.fromEntries(STAT_COLUMNS.map((k) => [k, s[k]])));
    return { stats, table: { columns: [...STAT_COLUMNS], rows } };
  },
});
