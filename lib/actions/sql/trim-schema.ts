/**
 * sql.trim_schema: the schema of the sample shop database cut down to the tables a question
 * needs, as the compact text an LLM reads (columns, keys, the values of short text columns).
 * A smaller schema keeps a prompt short and the query to the tables a person confirmed.
 */
import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { getSampleShopDb } from "./sample-shop";
import { schemaForTables } from "./schema-prompt";

export const trimSchemaAction = defineAction({
  id: "sql.trim_schema",
  title: "Trim the schema to some tables",
  description:
    "Gives the schema of chosen tables of the sample shop database as text for an LLM prompt: each table's columns with types, keys, the tables they reference and the values of short text columns. Use it with the tables of sql.pick_tables, then draft SQL from its `schema` with sql.draft_query. An unknown table name fails with the list of tables.",
  flows: ["sql"],
  effect: "read",
  timeoutMs: 20_000,
  input: z.object({
    tables: z.array(z.string().min(1).max(200)).min(1).max(50).describe("the table names to keep (case-insensitive, `public.` prefix allowed)"),
  }),
  output: z.object({
    schema: z.string().describe("the schema of the kept tables, as text"),
    tables: z.array(z.string()).describe("the kept tables' exact names"),
  }),
  async run(input, ctx) {
    const db = await getSampleShopDb();
    ctx.signal.throwIfAborted();
    return schemaForTables(db, input.tables);
  },
});
