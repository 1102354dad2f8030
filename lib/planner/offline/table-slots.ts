/**
 * Filling column-shaped inputs of table actions from the goal's words: which column to group
 * by ("by region"), what to aggregate ("total revenue"), what to chart, sort or keep. Keyed on
 * the shape of the input (a property named groupBy, aggregates, x, y, column(s), by,
 * conditions), never on an action id, and only with columns the data is known to have.
 */
import type { JsonSchema } from "../../core/json-schema";
import { isObject } from "../../core/json-schema";
import { checkValue } from "../../core/check-value";
import { terms, words } from "../text/tokens";
import type { ColumnInfo } from "./examples";

export interface TableContext {
  columns: ColumnInfo[];
  /** columns the upstream step grouped by */
  groupColumns: string[];
  /** columns the upstream step computed (aggregates) */
  measureColumns: string[];
}

export const EMPTY_TABLE: TableContext = { columns: [], groupColumns: [], measureColumns: [] };

/** The terms of a table's column names and named values ("region", "west"). */
export function tableTerms(table: TableContext): Set<string> {
  return new Set(table.columns.flatMap((c) => terms(`${c.name.replace(/_/g, " ")} ${c.values.join(" ")}`)));
}

const FN_WORDS: [string, string[]][] = [
  ["sum", ["total", "totals", "sum", "sums", "overall"]],
  ["avg", ["average", "averages", "mean", "avg"]],
  ["count", ["count", "number", "how many", "counts"]],
  ["max", ["max", "maximum", "highest", "largest", "biggest", "peak"]],
  ["min", ["min", "minimum", "lowest", "smallest"]],
  ["median", ["median"]],
  ["count_distinct", ["distinct", "unique"]],
];
/** Words that ask to leave columns out rather than keep them. */
const REMOVE_WORDS = /\b(remove|drop|delete|exclude|omit|strip|without)\b/i;
/** Aggregates a ranking word also names ("highest"): chosen only when no other aggregate word is there ("the highest total revenue" is a sum). */
const RANKING_FNS = new Set(["max", "min"]);
const DESC_WORDS = /\b(top|highest|largest|biggest|most|best|descending|desc|decreasing)\b/i;

/** Columns the text mentions, in order of mention. */
export function mentionedColumns(text: string, columns: readonly ColumnInfo[]): string[] {
  const lower = ` ${words(text).join(" ")} `;
  const hits: { name: string; at: number }[] = [];
  for (const c of columns) {
    const spaced = words(c.name).join(" ");
    const variants = [spaced, `${spaced}s`, spaced.replace(/y$/, "ies")];
    let at = -1;
    for (const v of variants) {
      const i = lower.indexOf(` ${v} `);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    }
    if (at >= 0) hits.push({ name: c.name, at });
  }
  return hits.sort((a, b) => a.at - b.at).map((h) => h.name);
}

/** "the top 5 products by units sold": what is ranked (group 1), and where its "by" starts. */
const RANKED = /\b(?:top|bottom|best|worst|highest|lowest|largest|smallest|biggest)\s+(?:\d+\s+)?((?:[\w-]+\s+){0,2}?[\w-]+)\s+(?=by\s)/gi;

/**
 * Columns named right after "by", "per" or "for each"; in a ranking ("the top 5 products by units
 * sold") the column ranked, and the one after "by" is what it is ranked by.
 */
export function groupingColumns(text: string, columns: readonly ColumnInfo[]): string[] {
  const out: string[] = [];
  const rankedBy = new Set<number>();
  for (const m of text.matchAll(RANKED)) {
    const ranked = mentionedColumns(m[1], columns);
    if (!ranked.length) continue;
    for (const c of ranked) if (!out.includes(c)) out.push(c);
    rankedBy.add(m.index + m[0].length);
  }
  // "Which region has the highest total revenue": the column asked for is the one to group by.
  for (const m of text.matchAll(/\b(?:which|what)\s+([\w-]+)\s+(?:has|have|had|is|was|sells|sold|brings|brought|made|makes|earns|earned)\b/gi)) {
    for (const c of mentionedColumns(m[1], columns)) if (!out.includes(c)) out.push(c);
  }
  for (const m of text.matchAll(/\b(?:by|per|for each|across|grouped by)\s+((?:[\w-]+(?:\s+and\s+|,\s*|\s+)?){1,3})/gi)) {
    if (rankedBy.has(m.index)) continue;
    for (const c of mentionedColumns(m[1], columns)) if (!out.includes(c)) out.push(c);
  }
  return out;
}

/** The words that compare a column with a number, by filter operator. */
const COMPARE: Record<string, string[]> = {
  gt: ["over", "above", "more than", "greater than", "higher than", "exceeding", "exceeds", ">"],
  gte: ["at least", "no less than", ">="],
  lt: ["under", "below", "less than", "lower than", "fewer than", "<"],
  lte: ["at most", "no more than", "up to", "<="],
};
const OP_OF = new Map(Object.entries(COMPARE).flatMap(([op, list]) => list.map((w) => [w, op] as const)));
/** Every comparing phrase as one alternation, longest first (">=" before ">"). */
const COMPARING = [...OP_OF.keys()].sort((a, b) => b.length - a.length).join("|");

/** "revenue over 1000", "units at least 5": a column compared with a number. */
function comparisons(text: string, columns: readonly ColumnInfo[]): { column: string; op: string; value: number }[] {
  const out: { column: string; op: string; value: number }[] = [];
  for (const c of columns) {
    const spaced = words(c.name).join("\\s+");
    const re = new RegExp(`\\b(?:${spaced}|${spaced}s)\\s+(?:is\\s+|of\\s+|was\\s+)?(${COMPARING})\\s*\\$?(-?\\d[\\d,]*(?:\\.\\d+)?)`, "gi");
    for (const m of text.matchAll(re)) {
      const op = OP_OF.get(m[1].toLowerCase());
      const value = Number(m[2].replace(/,/g, ""));
      if (op && Number.isFinite(value)) out.push({ column: c.name, op, value });
    }
  }
  return out;
}

/** Whether the text asks how many rows there are ("count the orders per category"). */
export function countsRows(text: string): boolean {
  return fnFor(text)?.fn === "count";
}

function fnFor(text: string): { fn: string; word: string } | undefined {
  const lower = ` ${words(text).join(" ")} `;
  let best: { fn: string; word: string; at: number } | undefined;
  for (const [fn, list] of FN_WORDS) {
    for (const w of list) {
      const at = lower.indexOf(` ${w} `);
      if (at < 0) continue;
      // The first aggregate word, but one that is not a ranking word before one that is.
      const ranks = (f: string) => (RANKING_FNS.has(f) ? 1 : 0);
      if (!best || ranks(fn) < ranks(best.fn) || (ranks(fn) === ranks(best.fn) && at < best.at)) best = { fn, word: w.replace(/\s+/g, "_"), at };
    }
  }
  return best;
}

function isStringArray(s: unknown): boolean {
  return isObject(s) && s.type === "array" && isObject(s.items) && s.items.type === "string";
}

function itemProps(s: unknown): Record<string, unknown> | undefined {
  if (!isObject(s) || s.type !== "array" || !isObject(s.items)) return undefined;
  return isObject(s.items.properties) ? s.items.properties : undefined;
}

/**
 * A value for a column-shaped input, or undefined when the goal does not say. The value is
 * checked against the input's schema before it is returned.
 */
export function fillTableSlot(name: string, schema: JsonSchema, clause: string, ctx: TableContext): unknown {
  const cols = ctx.columns;
  if (!cols.length) return undefined;
  const mentioned = mentionedColumns(clause, cols);
  const grouping = groupingColumns(clause, cols);
  const lname = name.toLowerCase();
  let value: unknown;
  const props = itemProps(schema);

  if (props && "fn" in props && "column" in props) {
    // aggregates: [{ fn, column, as }]
    const f = fnFor(clause);
    const measures = mentioned.filter((c) => !grouping.includes(c));
    if (f || measures.length) {
      const fn = f?.fn ?? "sum";
      const column = measures[0];
      if (fn === "count" && !column) value = [{ fn: "count", as: "count" }];
      else if (column) value = [{ fn, column, as: `${f?.word ?? fn}_${column}` }];
    }
  } else if (props && "column" in props && "op" in props) {
    // conditions: [{ column, op, value }] from column values the goal names (region North)
    const conds: Record<string, unknown>[] = [];
    const lower = ` ${words(clause).join(" ")} `;
    for (const c of cols) {
      for (const v of c.values) {
        if (lower.includes(` ${words(v).join(" ")} `)) conds.push({ column: c.name, op: "eq", value: v });
      }
    }
    conds.push(...comparisons(clause, cols));
    if (conds.length) value = conds;
  } else if (props && "column" in props) {
    // sort keys: [{ column, direction }]
    const column = mentioned.find((c) => ctx.measureColumns.includes(c)) ?? ctx.measureColumns[0] ?? mentioned[0];
    if (column) value = [{ column, direction: DESC_WORDS.test(clause) ? "desc" : "asc" }];
  } else if (lname === "groupby" || (lname === "by" && isStringArray(schema))) {
    if (grouping.length) value = grouping;
  } else if (lname === "x") {
    const x = ctx.groupColumns[0] ?? grouping[0] ?? mentioned[0];
    if (x) value = x;
  } else if (lname === "y") {
    const y = ctx.measureColumns.length ? ctx.measureColumns : mentioned.filter((c) => !ctx.groupColumns.includes(c) && !grouping.includes(c));
    if (y.length) value = y.length === 1 ? y[0] : y;
  } else if (lname === "column" && mentioned.length) {
    value = mentioned[0];
  } else if (lname === "columns" && isStringArray(schema) && REMOVE_WORDS.test(clause)) {
    // "remove the unit_price column": the columns named are the ones not kept (see "exclude")
  } else if (lname === "exclude" && isStringArray(schema) && REMOVE_WORDS.test(clause) && mentioned.length) {
    value = mentioned;
  } else if ((lname === "columns" || lname === "on") && isStringArray(schema) && mentioned.length) {
    value = mentioned;
  }
  if (value === undefined) return undefined;
  return checkValue(value, schema).length === 0 ? value : undefined;
}

/** The table context after a step: grouped and computed columns when it aggregated, else unchanged. */
export function tableAfter(inputs: Record<string, unknown>, upstream: TableContext): TableContext {
  const groupBy = Array.isArray(inputs.groupBy) ? inputs.groupBy.filter((x): x is string => typeof x === "string") : [];
  const aggs = Array.isArray(inputs.aggregates) ? inputs.aggregates.filter(isObject) : [];
  if (aggs.length) {
    const measures = aggs.map((a) => (typeof a.as === "string" ? a.as : `${a.fn}_${a.column ?? ""}`));
    return {
      columns: [...groupBy.map((n) => upstream.columns.find((c) => c.name === n) ?? { name: n, values: [] }), ...measures.map((m) => ({ name: m, values: [] }))],
      groupColumns: groupBy,
      measureColumns: measures,
    };
  }
  if (Array.isArray(inputs.columns) && inputs.columns.every((c) => typeof c === "string")) {
    const keep = inputs.columns as string[];
    return { ...upstream, columns: upstream.columns.filter((c) => keep.includes(c.name)) };
  }
  return upstream;
}
