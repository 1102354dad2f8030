/**
 * sql.generate: a question in words → one read-only SQL query, written by the
 * configured LLM from the live schema, then checked with EXPLAIN. A query that does
 * not check gets one repair round with the Postgres error; it never runs here.
 */
import { z } from "zod";
import { ActionError, defineAction, requireLlm, type ActionContext } from "@/lib/core/action";
import { LLM_RETRY, LLM_TIMEOUT_MS, completeJson } from "../text-llm/llm-json";
import { checkSql } from "./check";
import { getSampleShopDb } from "./sample-shop";
import { schemaForPrompt } from "./schema-prompt";

export const SqlAnswer = z.object({
  sql: z.string().min(1).describe("one PostgreSQL query, no trailing semicolon"),
  explanation: z.string().describe("one or two sentences on how the query answers the question"),
});

export const SQL_WRITER_SYSTEM = [
  "You translate questions into one PostgreSQL query over the database schema given.",
  "Rules: a single read-only statement (SELECT or WITH … SELECT, not WITH RECURSIVE), no semicolon, no comments.",
  "Use only the tables and columns listed; qualify columns with table aliases when joining.",
  "Give computed columns short snake_case aliases; round money to 2 decimals; order the rows meaningfully.",
  "When the question asks for top/first N, use LIMIT N. Never invent values: use the listed values for text columns.",
  'Answer with JSON only: {"sql": "...", "explanation": "..."}.',
].join("\n");

export function sqlWriterPrompt(schema: string, question: string, previous?: { sql: string; error: string }): string {
  const parts = [`Schema:\n${schema}`, `Question: ${question}`];
  if (previous) {
    parts.push(`Your previous query failed to check:\n${previous.sql}\nError: ${previous.error}\nWrite a corrected query.`);
  }
  return parts.join("\n\n");
}

async function generate(question: string, ctx: ActionContext) {
  requireLlm(ctx); // fail before touching the database when no provider is configured
  const db = await getSampleShopDb();
  const schema = await schemaForPrompt(db);
  let answer = await completeJson(ctx, { system: SQL_WRITER_SYSTEM, prompt: sqlWriterPrompt(schema, question), name: "sql_query", answer: SqlAnswer });
  let check = await checkSql(answer.sql);
  if (!check.ok) {
    ctx.log("warn", "generated SQL did not check, asking for a fix", { sql: answer.sql, error: check.error });
    const previous = { sql: answer.sql, error: check.error ?? "invalid" };
    answer = await completeJson(ctx, { system: SQL_WRITER_SYSTEM, prompt: sqlWriterPrompt(schema, question, previous), name: "sql_query", answer: SqlAnswer });
    check = await checkSql(answer.sql);
  }
  if (!check.ok) {
    throw new ActionError("generated_sql_invalid", `The LLM could not write a valid query for this question: ${check.error}`, {
      details: { sql: answer.sql, error: check.error, errorCode: check.errorCode },
    });
  }
  return { sql: answer.sql.trim().replace(/;\s*$/, ""), explanation: answer.explanation };
}

export const generateAction = defineAction({
  id: "sql.generate",
  title: "Write SQL from a question (LLM)",
  description:
    "Writes one read-only PostgreSQL query that answers a question in plain words over the sample shop database (categories, products, customers, orders in 2025, order_items), using the configured LLM and the live schema. The query is checked with EXPLAIN (one automatic repair round) but not run: feed its `sql` to sql.query_generated, which asks a person to approve it and runs it.",
  flows: ["sql"],
  effect: "read",
  usesLlm: true,
  timeoutMs: LLM_TIMEOUT_MS * 2,
  retry: LLM_RETRY,
  input: z.object({
    question: z.string().min(3).describe("the question to answer, e.g. 'top 5 customers by revenue in Q4'"),
  }),
  output: z.object({
    sql: z.string().min(1).describe("one read-only PostgreSQL query that passed sql.check"),
    explanation: z.string().describe("how the query answers the question, in plain words"),
  }),
  async run(input, ctx) {
    return generate(input.question, ctx);
  },
});
