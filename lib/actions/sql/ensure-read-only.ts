/**
 * sql.ensure_read_only: the gate of sql.check as a step that stops the run. The SQL must be
 * exactly one read-only query (read by the PostgreSQL parser, libpg-query: a SELECT, WITH …
 * SELECT or EXPLAIN; no writes, no second statement, no dangerous function) that Postgres can
 * plan under the cost ceiling; otherwise the step fails with the reason, before anything runs
 * it. Its `sql` output is what the query step should run, so nothing reaches it unchecked.
 */
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { checkSql } from "./check";
import { SqlText } from "./schemas";

const TIMEOUT_MS = 20_000;

export const ensureReadOnlyAction = defineAction({
  id: "sql.ensure_read_only",
  title: "Check SQL is one read-only query",
  description:
    "Stops the run unless the SQL is exactly one read-only query on the sample shop database (one SELECT, WITH … SELECT or EXPLAIN, read by the PostgreSQL parser; no INSERT, UPDATE, DELETE, DDL, second statement or dangerous function) that Postgres can plan. Passes the checked SQL on as `sql`: bind sql.query's sql to it, so only checked SQL runs. Use it after SQL an LLM drafted (sql.draft_query).",
  flows: ["sql"],
  effect: "read",
  timeoutMs: TIMEOUT_MS,
  input: z.object({ sql: SqlText }),
  output: z.object({
    sql: z.string().min(1).describe("the checked SQL (a trailing ';' removed)"),
    plan: z.string().describe("the Postgres query plan (EXPLAIN text)"),
    estimatedCost: z.number().describe("the planner's total cost estimate"),
  }),
  async run(input, ctx) {
    const check = await checkSql(input.sql, [], { signal: ctx.signal, timeoutMs: ctx.timeoutMs ?? TIMEOUT_MS });
    if (!check.ok) {
      throw new ActionError(check.errorCode ?? "sql_refused", `Refused before it ran: ${check.error ?? "the SQL is not one read-only query"}`, {
        details: { sql: input.sql, errorCode: check.errorCode, position: check.position },
      });
    }
    ctx.log("info", "the SQL is one read-only query", { estimatedCost: check.estimatedCost });
    return { sql: input.sql.trim().replace(/;\s*$/, ""), plan: check.plan ?? "", estimatedCost: check.estimatedCost ?? 0 };
  },
});
