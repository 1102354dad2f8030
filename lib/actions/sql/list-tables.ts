import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { getSampleShopDb } from "./sample-shop";
import { listTables } from "./schema-info";

export const listTablesAction = defineAction({
  id: "sql.list_tables",
  title: "List tables",
  description:
    "Lists the tables of the sample shop database (categories, products, customers, orders, order_items) with their exact row counts and a one-line description. Use it first to see what data exists before describing a table or writing a query.",
  flows: ["sql"],
  effect: "read",
  timeoutMs: 20_000,
  input: z.object({}),
  output: z.object({
    tables: z
      .array(
        z.object({
          name: z.string().describe("table name, usable as-is in SQL"),
          rowCount: z.number().int().min(0).describe("exact number of rows"),
          comment: z.string().nullable().describe("what the table holds, or null"),
        }),
      )
      .describe("every table, sorted by name"),
  }),
  async run(_input, ctx) {
    const db = await getSampleShopDb();
    ctx.signal.throwIfAborted();
    return { tables: await listTables(db) };
  },
});
