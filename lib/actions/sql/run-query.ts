/**
 * The read-only query runner behind sql.query and sql.query_generated.
 *
 * Guards, in order: one statement only (lexical check, and PGlite's extended protocol
 * refuses several anyway); no transaction control; a planner-cost ceiling; then the
 * statement runs in a READ ONLY transaction that is always rolled back. Queries are
 * read through a cursor so only maxRows + 1 rows are ever materialized.
 *
 * Why a cost ceiling instead of `statement_timeout`: PGlite runs Postgres as WASM on
 * the JS thread with no timer signals, so statement_timeout is silently ignored (a
 * 200 ms timeout let pg_sleep(1) finish after 1001 ms) and nothing in JS can interrupt
 * a running statement. Refusing plans Postgres itself estimates as huge is the guard
 * that actually works here.
 */
import type { Transaction } from "@electric-sql/pglite";
import { ActionError } from "@/lib/core/action";
import { JSON_FRIENDLY_PARSERS, toJsonValue, uniqueColumnNames } from "./pg-values";
import { inReadOnlyTransaction, toSqlActionError } from "./read-only";
import { getSampleShopDb } from "./sample-shop";
import type { QueryOutput } from "./schemas";
import { isQueryKeyword, refuseUninterruptible, singleStatement } from "./statement";

/** Planner cost units. A 3-way self join of order_items (~3e9 rows) is far above; every real question on the sample shop is far below. */
export const MAX_PLAN_COST = 5_000_000;

const EXPLAIN_PREFIX = "EXPLAIN (FORMAT JSON) ";
const CURSOR_PREFIX = "DECLARE trellis_query NO SCROLL CURSOR FOR ";

export interface RunQueryOptions {
  maxRows: number;
  params?: unknown[];
  signal?: AbortSignal;
  maxCost?: number;
}

export async function runReadOnlyQuery(sql: string, options: RunQueryOptions): Promise<QueryOutput> {
  const stmt = singleStatement(sql);
  refuseUninterruptible(stmt);
  const params = options.params ?? [];
  options.signal?.throwIfAborted();
  const db = await getSampleShopDb();
  return inReadOnlyTransaction(db, async (tx) => {
    const run = async <T>(prefix: string, work: () => Promise<T>) => {
      options.signal?.throwIfAborted();
      try {
        return await work();
      } catch (error) {
        throw toSqlActionError(error, stmt.text, prefix.length);
      }
    };
    let result;
    if (isQueryKeyword(stmt.keyword)) {
      const cost = await run(EXPLAIN_PREFIX, () => planCost(tx, stmt.text, params));
      const maxCost = options.maxCost ?? MAX_PLAN_COST;
      if (cost > maxCost) {
        throw new ActionError(
          "query_too_expensive",
          `Refused: Postgres estimates this query at cost ${Math.round(cost)}, above the limit of ${maxCost}. Add join conditions or filters, or aggregate in SQL.`,
          { details: { estimatedCost: cost, maxCost } },
        );
      }
      await run(CURSOR_PREFIX, () => tx.query(CURSOR_PREFIX + stmt.text, params));
      result = await run("", () =>
        tx.query<unknown[]>(`FETCH FORWARD ${options.maxRows + 1} FROM trellis_query`, [], {
          rowMode: "array",
          parsers: JSON_FRIENDLY_PARSERS,
        }),
      );
    } else {
      // SHOW, EXPLAIN, … cannot sit behind a cursor; writes reach Postgres and are refused there
      result = await run("", () => tx.query<unknown[]>(stmt.text, params, { rowMode: "array", parsers: JSON_FRIENDLY_PARSERS }));
    }
    const columns = uniqueColumnNames(result.fields.map((f) => f.name));
    const truncated = result.rows.length > options.maxRows;
    const kept = truncated ? result.rows.slice(0, options.maxRows) : result.rows;
    const rows = kept.map((values) => Object.fromEntries(columns.map((c, i) => [c, toJsonValue(values[i])])));
    const columnTypes = await typeNames(tx, result.fields.map((f) => f.dataTypeID));
    return { table: { columns, rows }, rowCount: rows.length, truncated, columnTypes };
  });
}

/** The planner's total cost estimate for one query. */
export async function planCost(tx: Transaction, sql: string, params: unknown[] = []): Promise<number> {
  const plan = await explainJson(tx, sql, params);
  return Number(plan?.Plan?.["Total Cost"] ?? 0);
}

/** The parts of EXPLAIN (FORMAT JSON) output we read. */
export interface PlanTree {
  "Node Type"?: string;
  "Total Cost"?: number;
  Plans?: PlanTree[];
}
export type PlanNode = { Plan?: PlanTree };

export async function explainJson(tx: Transaction, sql: string, params: unknown[] = []): Promise<PlanNode | undefined> {
  const res = await tx.query<{ "QUERY PLAN": PlanNode[] }>(EXPLAIN_PREFIX + sql, params);
  return res.rows[0]?.["QUERY PLAN"]?.[0];
}

export { EXPLAIN_PREFIX };

async function typeNames(tx: Transaction, oids: number[]): Promise<string[]> {
  if (oids.length === 0) return [];
  const res = await tx.query<{ oid: number; name: string }>(
    "SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])",
    [oids],
  );
  const byOid = new Map(res.rows.map((r) => [r.oid, r.name]));
  return oids.map((oid) => byOid.get(oid) ?? `oid ${oid}`);
}
