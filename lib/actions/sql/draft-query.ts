/**
 * sql.draft_query: one SQL query for a question, drafted by the configured LLM from a schema
 * given as text (sql.trim_schema's `schema`). It touches no database and checks nothing: the
 * step after it (sql.ensure_read_only) decides whether the query may run.
 */
import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { LLM_RETRY, LLM_TIMEOUT_MS, completeJson } from "../text-llm/llm-json";
import { SQL_WRITER_SYSTEM, SqlAnswer, sqlWriterPrompt } from "./generate";

export const draftQueryAction = defineAction({
  id: "sql.draft_query",
  title: "Draft SQL from a schema (LLM)",
  description:
    "Drafts one PostgreSQL query that answers a question in plain words, with the configured LLM, from a schema given as text (the `schema` of sql.trim_schema). It does not check or run the query: feed its `sql` to sql.ensure_read_only, then to sql.query.",
  flows: ["sql"],
  effect: "pure",
  usesLlm: true,
  timeoutMs: LLM_TIMEOUT_MS,
  retry: LLM_RETRY,
  input: z.object({
    question: z.string().min(3).max(4000).describe("the question to answer"),
    schema: z.string().min(1).max(100_000).describe("the tables the query may use, as text (sql.trim_schema's schema)"),
  }),
  output: z.object({
    sql: z.string().min(1).describe("the query as the LLM drafted it, not yet checked"),
    explanation: z.string().describe("how the query answers the question, in plain words"),
  }),
  async run(input, ctx) {
    const answer = await completeJson(ctx, { system: SQL_WRITER_SYSTEM, prompt: sqlWriterPrompt(input.schema, input.question), name: "sql_query", answer: SqlAnswer });
    return { sql: answer.sql.trim(), explanation: answer.explanation };
  },
});
