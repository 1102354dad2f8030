/**
 * sql.query and sql.query_generated: the same read-only runner, the second one behind
 * an approval because its SQL was written by an LLM and a person should see it first.
 */
import { defineAction, type ActionContext } from "@/lib/core/action";
import { runReadOnlyQuery, type RunQueryOptions } from "./run-query";
import { SAMPLE_SHOP_SCHEMA } from "./schema-summary";
import { QueryInput, QueryOutput } from "./schemas";

const QUERY_TIMEOUT_MS = 30_000;

const RUNS =
  "Runs one read-only SQL query (Postgres dialect) on the sample shop database (categories, products, customers, orders, order_items) and returns the result as `table` ({ columns, rows }: rows are objects keyed by column, ready for the data actions), with rowCount and truncated. " +
  "Only one SELECT, WITH … SELECT or EXPLAIN statement runs: Trellis reads the SQL with the PostgreSQL parser and refuses anything else before it reaches the database (writes, COPY, SET, transaction control, several statements, SELECT … INTO, FOR UPDATE, WITH RECURSIVE, and functions such as pg_sleep or pg_read_file); the query then runs in a READ ONLY transaction that is rolled back. " +
  "Rows are capped by maxRows (default 1000, `truncated` says when more existed); queries Postgres estimates as very expensive are refused. " +
  "Postgres errors (syntax, unknown column, …) fail the step with the Postgres message and position.";

export const queryAction = defineAction({
  id: "sql.query",
  title: "Run SQL query",
  description: `${RUNS} Use it for SQL written in the plan itself; for SQL produced by sql.generate use sql.query_generated instead. ${SAMPLE_SHOP_SCHEMA}`,
  flows: ["sql"],
  effect: "read",
  timeoutMs: QUERY_TIMEOUT_MS,
  input: QueryInput,
  output: QueryOutput,
  async run(input, ctx) {
    const result = await runReadOnlyQuery(input.sql, limitsFor(input, ctx));
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
  timeoutMs: QUERY_TIMEOUT_MS,
  input: QueryInput,
  output: QueryOutput,
  async run(input, ctx) {
    ctx.log("info", "running approved LLM-written SQL", { sql: input.sql });
    return runReadOnlyQuery(input.sql, limitsFor(input, ctx));
  },
});

function limitsFor(input: QueryInput, ctx: ActionContext): RunQueryOptions {
  return { maxRows: input.maxRows, params: input.params, signal: ctx.signal, timeoutMs: ctx.timeoutMs ?? QUERY_TIMEOUT_MS };
}
