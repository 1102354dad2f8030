/**
 * The read-only query runner behind sql.query and sql.query_generated.
 *
 * The gate (sql-gate.ts) decides what may run: one SELECT, WITH … SELECT or EXPLAIN,
 * parsed by the Postgres parser. What passes is then contained: a planner-cost
 * ceiling, a READ ONLY transaction that is always rolled back, statement_timeout and
 * temp_file_limit for the transaction, and a cursor so only maxRows + 1 rows are
 * ever materialized.
 *
 * Why a cost ceiling on top of statement_timeout: PGlite runs Postgres as WASM on the
 * JS thread with no timer signals, so statement_timeout is accepted but never fires
 * (a 200 ms timeout let pg_sleep(1) finish after 1001 ms) and nothing in JS can
 * interrupt a running statement. Refusing plans Postgres itself estimates as huge is
 * the guard that works here; the timeout is for a database that can enforce it.
 */
import type { Transaction } from "@electric-sql/pglite";
import { ActionError } from "@/lib/core/action";
import { JSON_FRIENDLY_PARSERS, toJsonValue, uniqueColumnNames } from "./pg-values";
import { inReadOnlyTransaction, toSqlActionError, untilAborted } from "./read-only";
import { SAMPLE_SHOP_INTERRUPTIBLE, getSampleShopDb } from "./sample-shop";
import type { QueryOutput } from "./schemas";
import { gateSql, type GatedText } from "./sql-gate";

/** Planner cost units. A 3-way self join of order_items (~3e9 rows) is far above; every real question on the sample shop is far below. */
export const MAX_PLAN_COST = 5_000_000;

const EXPLAIN_PREFIX = "EXPLAIN (FORMAT JSON) ";
const CURSOR_PREFIX = "DECLARE trellis_query NO SCROLL CURSOR FOR ";

export interface RunQueryOptions {
  maxRows: number;
  params?: unknown[];
  signal?: AbortSignal;
  maxCost?: number;
  /** the step's time limit: what is left of it becomes the statement timeout */
  timeoutMs?: number;
}

export async function runReadOnlyQuery(sql: string, options: RunQueryOptions): Promise<QueryOutput> {
  const started = performance.now();
  options.signal?.throwIfAborted();
  const gated = await gateSql(sql, { interruptible: SAMPLE_SHOP_INTERRUPTIBLE });
  const params = options.params ?? [];
  const db = await untilAborted(getSampleShopDb(), options.signal);
  const limits = { signal: options.signal, deadline: options.timeoutMs === undefined ? undefined : started + options.timeoutMs };
  return inReadOnlyTransaction(
    db,
    async (tx) => {
      /** run one statement of ours: `prefix` goes in front of `sql`, errors point into the caller's SQL */
      const run = async <T>(prefix: string, at: GatedText, work: () => Promise<T>) => {
        options.signal?.throwIfAborted();
        try {
          return await work();
        } catch (error) {
          throw toSqlActionError(error, sql, prefix.length - at.offset);
        }
      };
      if (gated.kind === "select" || gated.analyze) {
        // EXPLAIN ANALYZE executes its query, so it is held to the same ceiling
        const cost = await run(EXPLAIN_PREFIX, gated.query, () => planCost(tx, gated.query.text, params));
        const maxCost = options.maxCost ?? MAX_PLAN_COST;
        if (cost > maxCost) {
          throw new ActionError(
            "query_too_expensive",
            `Refused: Postgres estimates this query at cost ${Math.round(cost)}, above the limit of ${maxCost}. Add join conditions or filters, or aggregate in SQL.`,
            { details: { estimatedCost: cost, maxCost } },
          );
        }
      }
      let result;
      if (gated.kind === "select") {
        await run(CURSOR_PREFIX, gated, () => tx.query(CURSOR_PREFIX + gated.text, params));
        result = await run("", gated, () =>
          tx.query<unknown[]>(`FETCH FORWARD ${options.maxRows + 1} FROM trellis_query`, [], {
            rowMode: "array",
            parsers: JSON_FRIENDLY_PARSERS,
          }),
        );
      } else {
        // EXPLAIN cannot sit behind a cursor; its output is a few rows of plan
        result = await run("", gated, () => tx.query<unknown[]>(gated.text, params, { rowMode: "array", parsers: JSON_FRIENDLY_PARSERS }));
      }
      const columns = uniqueColumnNames(result.fields.map((f) => f.name));
      const truncated = result.rows.length > options.maxRows;
      const kept = truncated ? result.rows.slice(0, options.maxRows) : result.rows;
      const rows = kept.map((values) => Object.fromEntries(columns.map((c, i) => [c, toJsonValue(values[i])])));
      const columnTypes = await typeNames(tx, result.fields.map((f) => f.dataTypeID));
      return { table: { columns, rows }, rowCount: rows.length, truncated, columnTypes };
    },
    limits,
  );
}

/** The planner's total cost estimate for one query. */
export async function planCost(tx: Transaction, sql: string, params: unknown[] = []): Promise<number> {
  const plan = await explainJson(tx, sql, params);
  return Number(plan?.Plan?.["Total Cost"] ?? 0);
}

/** The part of EXPLAIN (FORMAT JSON) output we read. */
export type PlanNode = { Plan?: { "Total Cost"?: number } };

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
