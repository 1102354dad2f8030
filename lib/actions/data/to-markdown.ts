import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { tableToMarkdown } from "./markdown-table";
import { Table } from "./table";

export const toMarkdownAction = defineAction({
  id: "data.to_markdown",
  title: "Table to Markdown",
  description:
    "Render a table as a GitHub-flavoured Markdown table (header row, numeric columns right-aligned, pipes and newlines in cells escaped). " +
    "Optionally cap the rows shown (a note says how many were left out). Returns { markdown, shownRows, totalRows, truncated }; " +
    "wire `markdown` into text.markdown_report or files.write.",
  flows: ["data"],
  effect: "pure",
  inlineSafe: () => true,
  input: z.object({
    table: Table.describe("The table to render"),
    maxRows: z.number().int().min(0).optional().describe("Show at most this many rows (default: all)"),
  }),
  output: z.object({
    markdown: z.string().describe("The Markdown table"),
    shownRows: z.number().int().describe("Rows included"),
    totalRows: z.number().int().describe("Rows in the input table"),
    truncated: z.boolean().describe("True when rows were left out"),
  }),
  run(input) {
    const { markdown, shown, truncated } = tableToMarkdown(input.table, input.maxRows);
    return { markdown, shownRows: shown, totalRows: input.table.rows.length, truncated };
  },
});
