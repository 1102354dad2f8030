import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { checkAborted } from "../abort";
import { compareValues, isBlank, valuesEqual } from "./compare";
import { cell, requireColumns, Table, type Row } from "./table";
import { TableOutput } from "./table-output";

export const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const FilterOp = z.enum(["eq", "ne", "gt", "gte", "lt", "lte", "contains", "starts_with", "ends_with", "in", "not_in", "is_null", "not_null"]);

export const Condition = z.object({
  column: z.string().describe("Column to test"),
  op: FilterOp.describe(
    "eq/ne: equal/not equal; gt/gte/lt/lte: ordered comparison (numbers numerically, text and ISO dates alphabetically); contains/starts_with/ends_with: text match; in/not_in: value is a list; is_null/not_null: no value needed",
  ),
  value: z.union([Scalar, z.array(Scalar)]).optional().describe("Value to compare with; a list for in/not_in; omitted for is_null/not_null"),
  caseSensitive: z.boolean().default(false).describe("For contains/starts_with/ends_with: match case exactly (default false)"),
});
export type Condition = z.infer<typeof Condition>;

function text(v: unknown, caseSensitive: boolean): string {
  const s = typeof v === "string" ? v : v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  return caseSensitive ? s : s.toLowerCase();
}

function checkCondition(c: Condition): void {
  const needsList = c.op === "in" || c.op === "not_in";
  const needsNone = c.op === "is_null" || c.op === "not_null";
  if (needsList && !Array.isArray(c.value)) {
    throw new ActionError("invalid_condition", `The "${c.op}" condition on "${c.column}" needs a list value, e.g. ["North", "East"].`);
  }
  if (!needsList && !needsNone && (c.value === undefined || Array.isArray(c.value))) {
    throw new ActionError("invalid_condition", `The "${c.op}" condition on "${c.column}" needs a single value.`);
  }
}

export function matches(row: Row, c: Condition): boolean {
  const v = cell(row, c.column);
  const target = c.value;
  switch (c.op) {
    case "eq":
      return valuesEqual(v, target);
    case "ne":
      return !valuesEqual(v, target);
    case "gt":
      return !isBlank(v) && compareValues(v, target) > 0;
    case "gte":
      return !isBlank(v) && compareValues(v, target) >= 0;
    case "lt":
      return !isBlank(v) && compareValues(v, target) < 0;
    case "lte":
      return !isBlank(v) && compareValues(v, target) <= 0;
    case "contains":
      return !isBlank(v) && text(v, c.caseSensitive).includes(text(target, c.caseSensitive));
    case "starts_with":
      return !isBlank(v) && text(v, c.caseSensitive).startsWith(text(target, c.caseSensitive));
    case "ends_with":
      return !isBlank(v) && text(v, c.caseSensitive).endsWith(text(target, c.caseSensitive));
    case "in":
      return (target as unknown[]).some((t) => valuesEqual(v, t));
    case "not_in":
      return !(target as unknown[]).some((t) => valuesEqual(v, t));
    case "is_null":
      return isBlank(v) || v === "";
    case "not_null":
      return !isBlank(v) && v !== "";
  }
}

export const filterAction = defineAction({
  id: "data.filter",
  title: "Filter rows",
  description:
    "Keep the rows of a table that satisfy conditions of the form { column, op, value }. Ops: eq, ne, gt, gte, lt, lte, contains, starts_with, ends_with, in, not_in, is_null, not_null. " +
    '`match: "all"` (default) keeps rows meeting every condition, "any" rows meeting at least one. Numbers compare numerically even when one side is text ("5" equals 5); ' +
    'dates in YYYY-MM-DD form compare correctly with gt/lt. Example: { "table": …, "conditions": [{ "column": "region", "op": "eq", "value": "North" }, { "column": "revenue", "op": "gt", "value": 1000 }] }. ' +
    "Returns { table, rowCount } with the same columns.",
  flows: ["data"],
  effect: "pure",
  // "in" and "not_in" compare every row with every listed value: rows times values, not linear.
  inlineSafe: (input) => input.conditions.every((c) => c.op !== "in" && c.op !== "not_in"),
  input: z.object({
    table: Table.describe("The table to filter"),
    conditions: z.array(Condition).describe("Conditions; an empty list keeps every row"),
    match: z.enum(["all", "any"]).default("all").describe('"all" (AND, default) or "any" (OR)'),
  }),
  output: TableOutput,
  run(input, ctx) {
    const { table, conditions, match } = input;
    requireColumns(table, conditions.map((c) => c.column));
    conditions.forEach(checkCondition);
    const rows = table.rows.filter((row, i) => {
      checkAborted(ctx.signal, i);
      if (conditions.length === 0) return true;
      return match === "all" ? conditions.every((c) => matches(row, c)) : conditions.some((c) => matches(row, c));
    });
    ctx.log("info", `Kept ${rows.length} of ${table.rows.length} rows`);
    return { table: { columns: table.columns, rows }, rowCount: rows.length };
  },
});
