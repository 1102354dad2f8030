/**
 * sql.check: would this query run? It goes through the same gate as sql.query, then
 * is EXPLAINed (planned, not executed) in a read-only transaction; every problem is
 * reported in the output rather than thrown, so a plan can branch on `ok` or feed the
 * error back to an LLM.
 */
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { describePgError, errorPosition, inReadOnlyTransaction, isPgError, untilAborted } from "./read-only";
import { EXPLAIN_PREFIX, MAX_PLAN_COST, explainJson } from "./run-query";
import { SAMPLE_SHOP_INTERRUPTIBLE, getSampleShopDb } from "./sample-shop";
import { SqlText } from "./schemas";
import { gateSql, type GateRule } from "./sql-gate";

export const CheckOutput = z.object({
  ok: z.boolean().describe("true when sql.query would accept and run this query"),
  error: z.string().optional().describe("why not, with the Postgres message and position when Postgres found it"),
  errorCode: z
    .string()
    .optional()
    .describe("machine code: sql_syntax_error, sql_error, multiple_statements, writes_data, not_a_query, query_refused, query_too_expensive, …"),
  position: z.number().int().optional().describe("1-based character position of the error in the SQL, when known"),
  plan: z.string().optional().describe("the Postgres query plan (EXPLAIN text) when the query is valid"),
  estimatedCost: z.number().optional().describe("the planner's total cost estimate"),
});
export type CheckOutput = z.infer<typeof CheckOutput>;

/** sql.check's own names for some of the gate's refusals */
const CHECK_CODES: Partial<Record<GateRule, string>> = {
  statement: "not_a_query",
  explain: "not_a_query",
  data_modifying_cte: "writes_data",
  select_into: "writes_data",
};

export interface CheckOptions {
  signal?: AbortSignal;
  /** the step's time limit, for statement_timeout */
  timeoutMs?: number;
}

export async function checkSql(sql: string, params: unknown[] = [], options: CheckOptions = {}): Promise<CheckOutput> {
  const started = performance.now();
  options.signal?.throwIfAborted();
  let gated;
  try {
    gated = await gateSql(sql, { interruptible: SAMPLE_SHOP_INTERRUPTIBLE });
  } catch (error) {
    if (!(error instanceof ActionError)) throw error;
    const details = (error.details ?? {}) as { rule?: GateRule; position?: number };
    return {
      ok: false,
      error: error.message,
      errorCode: (details.rule && CHECK_CODES[details.rule]) || error.code,
      ...(details.position !== undefined ? { position: details.position } : {}),
    };
  }
  // an EXPLAIN is checked through the statement it explains
  const query = gated.query;
  const prefixLength = EXPLAIN_PREFIX.length - query.offset;
  const db = await untilAborted(getSampleShopDb(), options.signal);
  const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs;
  try {
    return await inReadOnlyTransaction(
      db,
      async (tx) => {
        const json = await explainJson(tx, query.text, params);
        const estimatedCost = Number(json?.Plan?.["Total Cost"] ?? 0);
        const text = await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${query.text}`, params);
        const plan = text.rows.map((r) => r["QUERY PLAN"]).join("\n");
        // sql.query holds what it executes to the ceiling; a plain EXPLAIN executes nothing
        if (estimatedCost > MAX_PLAN_COST && (gated.kind === "select" || gated.analyze)) {
          return {
            ok: false,
            errorCode: "query_too_expensive",
            error: `Postgres estimates this query at cost ${Math.round(estimatedCost)}, above the limit of ${MAX_PLAN_COST}; sql.query would refuse it.`,
            plan,
            estimatedCost,
          };
        }
        return { ok: true, plan, estimatedCost };
      },
      { signal: options.signal, deadline },
    );
  } catch (error) {
    if (!isPgError(error)) throw error;
    return {
      ok: false,
      errorCode: error.code === "42601" ? "sql_syntax_error" : "sql_error",
      error: describePgError(error, sql, prefixLength),
      position: errorPosition(error, prefixLength),
    };
  }
}

const CHECK_TIMEOUT_MS = 20_000;

export const checkAction = defineAction({
  id: "sql.check",
  title: "Check SQL",
  description:
    "Checks a SQL query against the sample shop database without running it: Postgres parses and plans it (EXPLAIN, read-only). Returns ok, or the error with the Postgres message and position; never fails for bad SQL. Use it to validate SQL before sql.query / sql.query_generated, or to branch on whether a query is valid.",
  flows: ["sql"],
  effect: "read",
  timeoutMs: CHECK_TIMEOUT_MS,
  input: z.object({
    sql: SqlText,
    params: z
      .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .describe("values for $1, $2, … placeholders in the SQL"),
  }),
  output: CheckOutput,
  async run(input, ctx) {
    return checkSql(input.sql, input.params, { signal: ctx.signal, timeoutMs: ctx.timeoutMs ?? CHECK_TIMEOUT_MS });
  },
});
