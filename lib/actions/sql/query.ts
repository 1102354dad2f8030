/**
 * sql.query and sql.query_generated: the same read-only runner, the second one behind
 * an approval because its SQL was written by an LLM and a person should see it first.
 */
import { defineAction } from "@/lib/core/action";
import { runReadOnlyQuery } from "./run-query";
import { QueryInput, QueryOutput } from "./schemas";

const RUNS =
  "Runs one read-only SQL query (Postgres dialect) on the sample shop database (categories, products, customers, orders, order_items) and returns the result as `table` ({ columns, rows }: rows are objects keyed by column, ready for the data actions), with rowCount and truncated. " +
  "Writes are impossible: the query runs in a READ ONLY transaction that is rolled back, and several statements at once are refused. " +
  "Rows are capped by maxRows (default 1000, `truncated` says when more existed); queries Postgres estimates as very expensive are refused. " +
  "Postgres errors (syntax, unknown column, …) fail the step with the Postgres message and position.";

export const queryAction = defineAction({
  id: "sql.query",
  title: "Run SQL query",
  description: `${RUNS} Use it for SQL written in the plan itself; for SQL produced by sql.generate use sql.query_generated instead.`,
  flows: ["sql"],
  effect: "read",
  timeoutMs: 30_000,
  input: QueryInput,
  output: QueryOutput,
  async run(input, ctx) {
    const result = await runReadOnlyQuery(input.sql, { maxRows: input.maxRows, params: input.params, signal: ctx.signal });
    ctx.log("info", `query returned ${result.rowCount} row(s)${result.truncated ? " (truncated)" : ""}`);
    return result;
  },
});

export const queryGeneratedAction = defineAction({
  id: "sql.query_generated",
  title: "Run LLM-written SQL (approval)",
  description: `${RUNS} This is the action to run SQL that an LLM wrote (the \`sql\` output of sql.generate): it waits for a person to approve the SQL before running it.`,
  flows: ["sql"],
  effect: "read",
  approval: true,
  timeoutMs: 30_000,
  input: QueryInput,
  output: QueryOutput,
  async run(input, ctx) {
    ctx.log("info", "running approved LLM-written SQL", { sql: input.sql });
    return runReadOnlyQuery(input.sql, { maxRows: input.maxRows, params: input.params, signal: ctx.signal });
  },
});
