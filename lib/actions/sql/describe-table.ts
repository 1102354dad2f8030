import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { getSampleShopDb } from "./sample-shop";
import { describeTable } from "./schema-info";

const Column = z.object({
  name: z.string(),
  type: z.string().describe("Postgres type, e.g. integer, text, numeric(10,2), timestamp without time zone"),
  nullable: z.boolean(),
  default: z.string().nullable().describe("default expression, or null"),
  primaryKey: z.boolean(),
  references: z
    .object({ table: z.string(), column: z.string() })
    .nullable()
    .describe("the table and column this column points to (single-column foreign key), or null"),
  comment: z.string().nullable(),
});

export const describeTableAction = defineAction({
  id: "sql.describe_table",
  title: "Describe table",
  description:
    "Describes one table of the sample shop database: its columns with types and nullability, its primary key and its foreign keys (which columns join to which tables), plus its row count. Use it before writing a query that joins tables. An unknown table name fails with the list of existing tables.",
  flows: ["sql"],
  effect: "read",
  timeoutMs: 20_000,
  input: z.object({
    table: z.string().min(1).describe("table name, e.g. orders (case-insensitive, `public.` prefix allowed)"),
  }),
  output: z.object({
    table: z.string().describe("the table's exact name"),
    comment: z.string().nullable().describe("what the table holds, or null"),
    rowCount: z.number().int().min(0),
    columns: z.array(Column).describe("columns in table order"),
    primaryKey: z.array(z.string()).describe("primary key columns, empty when none"),
    foreignKeys: z
      .array(
        z.object({
          columns: z.array(z.string()),
          references: z.object({ table: z.string(), columns: z.array(z.string()) }),
        }),
      )
      .describe("foreign keys: these columns reference those columns of that table"),
  }),
  async run(input, ctx) {
    const db = await getSampleShopDb();
    ctx.signal.throwIfAborted();
    return describeTable(db, input.table);
  },
});
