/**
 * A small, deterministic writer of read-only SQL for ranking questions ("the 3 customers with
 * the highest total order value"), from a schema an action documents in its description:
 * `Schema: orders(id integer primary key, customer_id integer → customers.id, status text in
 * paid/cancelled) — comment | …`. A comment may name measures: `line total (order value,
 * revenue) = quantity * unit_price`. The entity is the table named after the number or "top";
 * the measure is the documented measure or numeric column the words name best; the tables are
 * joined along foreign keys. When the words do not make such a question, nothing is written:
 * the query then stays the person's to give.
 */
import { normalizeWord, terms, words } from "../text/tokens";

export interface SchemaColumn {
  name: string;
  type: string;
  primaryKey: boolean;
  ref?: { table: string; column: string };
  values: string[];
}

export interface SchemaTable {
  name: string;
  columns: SchemaColumn[];
  measures: { names: string[]; expr: string[] }[];
}

export interface WrittenSql {
  sql: string;
  /** what the query answers, in a few words */
  summary: string;
}

const NUMERIC = /^(integer|int|bigint|smallint|numeric|decimal|real|double|float|money)/i;

/** The tables a description documents after "Schema:", or none. */
export function schemaIn(text: string): SchemaTable[] {
  const at = text.indexOf("Schema:");
  if (at < 0) return [];
  const out: SchemaTable[] = [];
  for (const block of text.slice(at + 7).split(" | ")) {
    const m = /^\s*(\w+)\(([^)]*)\)(?:\s+—\s+(.*))?/.exec(block);
    if (!m) continue;
    const columns = m[2].split(/,\s*/).map((c): SchemaColumn | undefined => {
      const cm = /^(\w+)\s+([a-z ]+?)(?:\s+primary key)?(?:\s+→\s+(\w+)\.(\w+))?(?:\s+in\s+(\S+))?$/i.exec(c.trim());
      if (!cm) return undefined;
      return { name: cm[1], type: cm[2], primaryKey: /primary key/i.test(c), ref: cm[3] ? { table: cm[3], column: cm[4] } : undefined, values: cm[5] ? cm[5].split("/") : [] };
    }).filter((c): c is SchemaColumn => c !== undefined);
    const names = new Set(columns.map((c) => c.name));
    const measures: SchemaTable["measures"] = [];
    for (const part of (m[3] ?? "").split(";")) {
      const mm = /^\s*([A-Za-z][A-Za-z ]*?)\s*(?:\(([^)]*)\))?\s*=\s*([\w\s*+\-]+?)\s*(?:\(|\.?$)/.exec(part);
      if (!mm) continue;
      const expr = mm[3].trim().split(/\s+/);
      if (!expr.every((t) => names.has(t) || /^[*+\-]$/.test(t) || /^\d+(\.\d+)?$/.test(t))) continue;
      measures.push({ names: [mm[1].trim(), ...(mm[2] ? mm[2].split(",").map((s) => s.trim()).filter(Boolean) : [])], expr });
    }
    out.push({ name: m[1], columns, measures });
  }
  return out;
}

const DESC = /\b(top|highest|largest|biggest|most|best|greatest|max(?:imum)?)\b/i;
const ASC = /\b(lowest|smallest|least|fewest|bottom|worst|min(?:imum)?)\b/i;

/** SQL for a ranking question over the schema, or undefined when the words do not make one. */
export function writeRankingSql(text: string, tables: readonly SchemaTable[]): WrittenSql | undefined {
  if (!tables.length) return undefined;
  const direction = ASC.test(text) ? "ASC" : DESC.test(text) ? "DESC" : undefined;
  if (!direction) return undefined;
  const ws = words(text);
  const stems = ws.map(normalizeWord);
  // The entity: a table named after a number or a ranking word ("3 customers", "top products").
  let entity: SchemaTable | undefined;
  let limit: number | undefined;
  for (let i = 0; i < ws.length && !entity; i++) {
    const t = tables.find((tb) => tableNamedAt(tb, stems, i));
    if (!t) continue;
    const before = ws.slice(Math.max(0, i - 3), i);
    const n = before.map(Number).find((x) => Number.isInteger(x) && x > 0);
    if (n !== undefined || before.some((w) => DESC.test(w) || ASC.test(w))) {
      entity = t;
      limit = n;
    }
  }
  if (!entity) return undefined;
  const entityTerms = new Set(terms(entity.name.replace(/_/g, " ")));
  const rest = new Set(terms(text).filter((t) => !entityTerms.has(t)));

  // The measure: a documented one or a numeric column, by the words they share with the question.
  let best: { table: SchemaTable; expr: string[]; label: string; score: number } | undefined;
  for (const table of tables) {
    const tableBonus = terms(table.name.replace(/_/g, " ")).some((t) => rest.has(t)) ? 0.5 : 0;
    for (const m of table.measures) {
      for (const name of m.names) {
        const nt = terms(name);
        const shared = nt.filter((t) => rest.has(t)).length;
        if (!shared) continue;
        const score = shared / nt.length + shared * 0.5 + tableBonus;
        if (!best || score > best.score) best = { table, expr: m.expr, label: name, score };
      }
    }
    for (const c of table.columns) {
      if (c.primaryKey || c.ref || !NUMERIC.test(c.type)) continue;
      const ct = terms(c.name.replace(/_/g, " "));
      const shared = ct.filter((t) => rest.has(t)).length;
      if (!shared) continue;
      const score = shared / ct.length + shared * 0.5 + tableBonus;
      if (!best || score > best.score) best = { table, expr: [c.name], label: c.name.replace(/_/g, " "), score };
    }
  }
  const countOf = /\b(?:most|fewest|number of|count)\s+(\w+)/i.exec(text);
  const counted = countOf ? tables.find((t) => t !== entity && terms(t.name.replace(/_/g, " ")).every((x) => terms(countOf[1]).includes(x))) : undefined;
  const fn = counted && (!best || best.score < 1) ? "COUNT" : /\b(average|mean|avg)\b/i.test(text) ? "AVG" : "SUM";
  const target = fn === "COUNT" ? counted! : best?.table;
  if (!target) return undefined;

  const found = joinPath(tables, entity, target);
  if (!found) return undefined;
  const path = [...found, ...voidingParents(tables, [entity, ...found.map((j) => j.table)])];
  const alias = new Map<string, string>();
  const aliasOf = (t: SchemaTable) => {
    let a = alias.get(t.name);
    if (!a) {
      const base = t.name.split("_").map((p) => p[0]).join("");
      a = base;
      for (let k = 2; [...alias.values()].includes(a); k++) a = `${base}${k}`;
      alias.set(t.name, a);
    }
    return a;
  };
  const e = aliasOf(entity);
  const joins = path.map((j) => `JOIN ${j.table.name} ${aliasOf(j.table)} ON ${aliasOf(j.table)}.${j.on[0]} = ${aliasOf(j.from)}.${j.on[1]}`);
  const pk = entity.columns.find((c) => c.primaryKey)?.name ?? entity.columns[0]?.name;
  const shown = entity.columns.filter((c) => /name|title|label/i.test(c.name) && !NUMERIC.test(c.type));
  const display = shown.length ? shown : entity.columns.filter((c) => !c.primaryKey && !c.ref).slice(0, 1);
  const t = aliasOf(target);
  const measureSql = fn === "COUNT" ? `COUNT(DISTINCT ${t}.${target.columns.find((c) => c.primaryKey)?.name ?? "*"})` : `ROUND(${fn}(${best!.expr.map((x) => (/^\w+$/.test(x) && !/^\d/.test(x) ? `${t}.${x}` : x)).join(" ")}), 2)`;
  const label = fn === "COUNT" ? `${target.name.replace(/_/g, " ")} count` : `${fn === "AVG" ? "average" : "total"} ${phraseIn(text, best!) ?? best!.label}`;
  const as = label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "");
  const filters = enumFilters(text, [entity, ...path.map((j) => j.table)], aliasOf);
  const cols = [`${e}.${pk}`, ...display.map((c) => `${e}.${c.name}`)];
  const sql = [
    `SELECT ${[...cols, `${measureSql} AS ${as}`].join(", ")}`,
    `FROM ${entity.name} ${e}`,
    ...joins,
    ...(filters.length ? [`WHERE ${filters.join(" AND ")}`] : []),
    `GROUP BY ${cols.join(", ")}`,
    `ORDER BY ${as} ${direction}`,
    ...(limit ? [`LIMIT ${limit}`] : []),
  ].join("\n");
  const summary = `${limit ? `${direction === "DESC" ? "top" : "bottom"} ${limit} ` : ""}${entity.name.replace(/_/g, " ")} by ${label}`;
  return { sql, summary };
}

/**
 * SQL for a question the writer understands: a ranking (writeRankingSql), the newest or oldest
 * rows of a table ("the 10 most recent orders"), or how many rows a table has ("how many
 * customers", "how many orders were cancelled"); undefined otherwise.
 */
export function writeSql(text: string, tables: readonly SchemaTable[]): WrittenSql | undefined {
  return writeRankingSql(text, tables) ?? writeLatestSql(text, tables) ?? writeCountSql(text, tables);
}

const NEWEST = /\b(most recent|latest|newest|last)\b/i;
const OLDEST = /\b(oldest|earliest|first)\b/i;
const TIME = /^(date|timestamp|time)/i;

/** "the 10 most recent orders": a table named after the words, ordered by its date or time column. */
export function writeLatestSql(text: string, tables: readonly SchemaTable[]): WrittenSql | undefined {
  const newest = NEWEST.exec(text);
  const oldest = newest ? null : OLDEST.exec(text);
  const cue = newest ?? oldest;
  if (!cue) return undefined;
  const ws = words(text);
  const cueAt = words(text.slice(0, cue.index)).length;
  const entity = tableNamedAfter(ws, cueAt, 4, tables);
  const time = entity?.columns.find((c) => TIME.test(c.type));
  if (!entity || !time) return undefined;
  const n = ws.slice(Math.max(0, cueAt - 2), cueAt + 4).map(Number).find((x) => Number.isInteger(x) && x > 0);
  const direction = newest ? "DESC" : "ASC";
  const filters = namedValueFilters(text, entity);
  const sql = [`SELECT *`, `FROM ${entity.name}`, ...(filters.length ? [`WHERE ${filters.join(" AND ")}`] : []), `ORDER BY ${time.name} ${direction}`, `LIMIT ${n ?? 1}`].join("\n");
  return { sql, summary: `${newest ? "newest" : "oldest"} ${n ?? 1} ${entity.name.replace(/_/g, " ")} by ${time.name.replace(/_/g, " ")}` };
}

/** "how many customers", "the number of orders that were cancelled": a count of a table's rows. */
export function writeCountSql(text: string, tables: readonly SchemaTable[]): WrittenSql | undefined {
  const cue = /\b(how many|number of|count(?: of| the)?)\s+/i.exec(text);
  if (!cue) return undefined;
  const entity = tableNamedAfter(words(text), words(text.slice(0, cue.index + cue[0].length)).length, 3, tables);
  if (!entity) return undefined;
  const filters = namedValueFilters(text, entity);
  const as = `${entity.name}_count`;
  const sql = [`SELECT COUNT(*) AS ${as}`, `FROM ${entity.name}`, ...(filters.length ? [`WHERE ${filters.join(" AND ")}`] : [])].join("\n");
  return { sql, summary: `number of ${entity.name.replace(/_/g, " ")}${filters.length ? ` where ${filters.join(" and ").replace(new RegExp(`${entity.name}\\.`, "g"), "")}` : ""}` };
}

/** The first table named within `span` words from word `at` of `ws`. */
function tableNamedAfter(ws: readonly string[], at: number, span: number, tables: readonly SchemaTable[]): SchemaTable | undefined {
  const stems = ws.map(normalizeWord);
  for (let i = at; i < Math.min(ws.length, at + span); i++) {
    const t = tables.find((tb) => tableNamedAt(tb, stems, i));
    if (t) return t;
  }
  return undefined;
}

/**
 * `status = 'cancelled'` for a value of one of the table's columns the question names; rows that
 * undo themselves are not left out here (they are still rows to count or list).
 */
function namedValueFilters(text: string, table: SchemaTable): string[] {
  return enumFilters(text, [table], () => table.name).filter((f) => !/ NOT IN /.test(f));
}

function tableNamedAt(table: SchemaTable, stems: readonly string[], i: number): boolean {
  const name = table.name.split("_").map(normalizeWord);
  return name.every((n, k) => stems[i + k] === n);
}

/** The name of the measure as the question words it ("order value"), when it does. */
function phraseIn(text: string, m: { label: string }): string | undefined {
  return ` ${words(text).join(" ")} `.includes(` ${words(m.label).join(" ")} `) ? m.label : undefined;
}

interface Join {
  table: SchemaTable;
  from: SchemaTable;
  /** [column of table, column of from] */
  on: [string, string];
}

/** The shortest chain of foreign keys from one table to another (either direction). */
function joinPath(tables: readonly SchemaTable[], from: SchemaTable, to: SchemaTable): Join[] | undefined {
  if (from === to) return [];
  const prev = new Map<string, Join>();
  const queue = [from];
  const seen = new Set([from.name]);
  while (queue.length) {
    const cur = queue.shift()!;
    for (const next of tables) {
      if (seen.has(next.name)) continue;
      const forward = cur.columns.find((c) => c.ref?.table === next.name);
      const backward = next.columns.find((c) => c.ref?.table === cur.name);
      const on: [string, string] | undefined = backward ? [backward.name, backward.ref!.column] : forward ? [forward.ref!.column, forward.name] : undefined;
      if (!on) continue;
      seen.add(next.name);
      prev.set(next.name, { table: next, from: cur, on });
      if (next === to) {
        const path: Join[] = [];
        for (let j = prev.get(to.name); j; j = prev.get(j.from.name)) path.unshift(j);
        return path;
      }
      queue.push(next);
    }
  }
  return undefined;
}

/**
 * Parents the joined rows belong to that can be cancelled or refunded (an order line's order),
 * joined along their foreign key so that `enumFilters` can leave such rows out. A row has one
 * parent, so the join repeats no row.
 */
function voidingParents(tables: readonly SchemaTable[], joined: readonly SchemaTable[]): Join[] {
  const out: Join[] = [];
  const seen = new Set(joined.map((t) => t.name));
  for (const from of joined) {
    for (const c of from.columns) {
      const parent = c.ref && !seen.has(c.ref.table) ? tables.find((t) => t.name === c.ref!.table) : undefined;
      if (!parent?.columns.some((pc) => pc.values.some((v) => VOID_VALUE.test(v)))) continue;
      seen.add(parent.name);
      out.push({ table: parent, from, on: [c.ref!.column, c.name] });
    }
  }
  return out;
}

/** Values that undo a row (an order cancelled or refunded): it counts toward no total unless the question names them. */
const VOID_VALUE = /^(cancell?ed|refunded|voided|void)$/i;

const quoted = (v: string) => `'${v.replace(/'/g, "''")}'`;

/**
 * `status = 'delivered'` when the question names a value a column is documented to take; else,
 * when a column can take values that undo a row (cancelled, refunded), those rows are left out.
 */
function enumFilters(text: string, tables: readonly SchemaTable[], aliasOf: (t: SchemaTable) => string): string[] {
  const ws = new Set(words(text));
  const out: string[] = [];
  for (const t of tables) {
    for (const c of t.columns) {
      const named = c.values.filter((v) => ws.has(v.toLowerCase()));
      const voided = c.values.filter((v) => VOID_VALUE.test(v));
      if (named.length === 1) out.push(`${aliasOf(t)}.${c.name} = ${quoted(named[0])}`);
      else if (named.length > 1) out.push(`${aliasOf(t)}.${c.name} IN (${named.map(quoted).join(", ")})`);
      else if (voided.length) out.push(`${aliasOf(t)}.${c.name} NOT IN (${voided.map(quoted).join(", ")})`);
    }
  }
  return out;
}
