/**
 * sql.check: would this query run? It is EXPLAINed (planned, not executed) in a
 * read-only transaction, and every problem is reported in the output rather than
 * thrown, so a plan can branch on `ok` or feed the error back to an LLM.
 */
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { describePgError, errorPosition, inReadOnlyTransaction, isPgError } from "./read-only";
import { EXPLAIN_PREFIX, MAX_PLAN_COST, explainJson, type PlanTree } from "./run-query";
import { getSampleShopDb } from "./sample-shop";
import { SqlText } from "./schemas";
import { isQueryKeyword, refuseUninterruptible, singleStatement } from "./statement";

export const CheckOutput = z.object({
  ok: z.boolean().describe("true when sql.query would accept and run this query"),
  error: z.string().optional().describe("why not, with the Postgres message and position when Postgres found it"),
  errorCode: z.string().optional().describe("machine code: sql_syntax_error, sql_error, multiple_statements, writes_data, not_a_query, query_too_expensive, …"),
  position: z.number().int().optional().describe("1-based character position of the error in the SQL, when known"),
  plan: z.string().optional().describe("the Postgres query plan (EXPLAIN text) when the query is valid"),
  estimatedCost: z.number().optional().describe("the planner's total cost estimate"),
});
export type CheckOutput = z.infer<typeof CheckOutput>;

export async function checkSql(sql: string, params: unknown[] = []): Promise<CheckOutput> {
  let stmt;
  try {
    stmt = singleStatement(sql);
    refuseUninterruptible(stmt);
  } catch (error) {
    if (error instanceof ActionError) return { ok: false, error: error.message, errorCode: error.code };
    throw error;
  }
  if (!isQueryKeyword(stmt.keyword)) {
    return {
      ok: false,
      errorCode: "not_a_query",
      error: `Only queries (SELECT, WITH, VALUES, TABLE) can be checked and run read-only; this statement starts with ${stmt.keyword || "nothing recognisable"}.`,
    };
  }
  const db = await getSampleShopDb();
  try {
    return await inReadOnlyTransaction(db, async (tx) => {
      const json = await explainJson(tx, stmt.text, params);
      if (json?.Plan && modifiesData(json.Plan)) {
        return { ok: false, errorCode: "writes_data", error: "This query changes data (INSERT/UPDATE/DELETE inside WITH); only read-only queries can run." };
      }
      const estimatedCost = Number(json?.Plan?.["Total Cost"] ?? 0);
      const text = await tx.query<{ "QUERY PLAN": string }>(`EXPLAIN ${stmt.text}`, params);
      const plan = text.rows.map((r) => r["QUERY PLAN"]).join("\n");
      if (estimatedCost > MAX_PLAN_COST) {
        return {
          ok: false,
          errorCode: "query_too_expensive",
          error: `Postgres estimates this query at cost ${Math.round(estimatedCost)}, above the limit of ${MAX_PLAN_COST}; sql.query would refuse it.`,
          plan,
          estimatedCost,
        };
      }
      return { ok: true, plan, estimatedCost };
    });
  } catch (error) {
    if (!isPgError(error)) throw error;
    return {
      ok: false,
      errorCode: error.code === "42601" ? "sql_syntax_error" : "sql_error",
      error: describePgError(error, stmt.text, EXPLAIN_PREFIX.length),
      position: errorPosition(error, EXPLAIN_PREFIX.length),
    };
  }
}

function modifiesData(node: PlanTree): boolean {
  return node["Node Type"] === "ModifyTable" || (node.Plans ?? []).some(modifiesData);
}

export const checkAction = defineAction({
  id: "sql.check",
  title: "Check SQL",
  description:
    "Checks a SQL query against the sample shop database without running it: Postgres parses and plans it (EXPLAIN, read-only). Returns ok, or the error with the Postgres message and position; never fails for bad SQL. Use it to validate SQL before sql.query / sql.query_generated, or to branch on whether a query is valid.",
  flows: ["sql"],
  effect: "read",
  timeoutMs: 20_000,
  input: z.object({
    sql: SqlText,
    params: z
      .array(z.union([z.string(), z.number(), z.boolean(), z.null()]))
      .optional()
      .describe("values for $1, $2, … placeholders in the SQL"),
  }),
  output: CheckOutput,
  async run(input, ctx) {
    ctx.signal.throwIfAborted();
    return checkSql(input.sql, input.params);
  },
});
