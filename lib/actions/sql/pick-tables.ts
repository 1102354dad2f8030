/**
 * sql.pick_tables: the tables a question needs, chosen by the configured LLM from a list
 * (sql.list_tables' `tables`). The answer is limited to the names listed, so a made-up table
 * never reaches the steps after it; a person usually confirms the choice before the schema is
 * trimmed to it (sql.trim_schema with approval).
 */
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { LLM_RETRY, LLM_TIMEOUT_MS, completeJson } from "../text-llm/llm-json";

const MAX_TABLES = 200;

const ListedTable = z.object({
  name: z.string().min(1).max(200),
  comment: z.string().max(2000).nullable().optional(),
  rowCount: z.number().int().min(0).optional(),
});

export const pickTablesAction = defineAction({
  id: "sql.pick_tables",
  title: "Pick the tables a question needs (LLM)",
  description:
    "Chooses, with the configured LLM, which tables of a list (the `tables` output of sql.list_tables) a question in plain words needs, including the tables needed only to join them. The answer only names listed tables. Feed its `tables` to sql.trim_schema.",
  flows: ["sql"],
  effect: "pure",
  usesLlm: true,
  timeoutMs: LLM_TIMEOUT_MS,
  retry: LLM_RETRY,
  input: z.object({
    question: z.string().min(3).max(4000).describe("the question to answer"),
    tables: z.array(ListedTable).min(1).max(MAX_TABLES).describe("the tables to choose from: name, optional comment and row count (sql.list_tables' tables)"),
  }),
  output: z.object({
    tables: z.array(z.string()).min(1).describe("the names of the chosen tables, as listed"),
    reason: z.string().describe("why these tables, in a sentence"),
  }),
  async run(input, ctx) {
    const names = [...new Set(input.tables.map((t) => t.name))];
    const byKey = new Map(names.map((n) => [n.toLowerCase(), n]));
    const answer = z.object({
      tables: z.array(z.enum(names as [string, ...string[]])).min(1).describe("the tables the question needs"),
      reason: z.string(),
    });
    const result = await completeJson(ctx, {
      name: "table_choice",
      answer,
      normalize: (value) => {
        if (typeof value !== "object" || value === null || !Array.isArray((value as { tables?: unknown }).tables)) return value;
        const v = value as { tables: unknown[] };
        return { ...v, tables: v.tables.map((t) => (typeof t === "string" ? (byKey.get(t.trim().replace(/^public\./i, "").toLowerCase()) ?? t) : t)) };
      },
      system: [
        "You choose the database tables needed to answer a question with SQL.",
        "Choose only from the tables listed, spelled exactly as listed: every table the query reads, and the tables needed to join them. Leave out the others.",
        'Answer with JSON only: {"tables": [...], "reason": "..."}.',
      ].join("\n"),
      prompt: [
        "Tables:",
        ...input.tables.map((t) => `- ${t.name}${t.rowCount !== undefined ? ` (${t.rowCount} rows)` : ""}${t.comment ? `: ${t.comment}` : ""}`),
        `Question: ${input.question}`,
      ].join("\n"),
    });
    const tables = [...new Set(result.tables)];
    if (!tables.length) throw new ActionError("no_tables_chosen", "The LLM chose no table for this question.");
    return { tables, reason: result.reason };
  },
});
