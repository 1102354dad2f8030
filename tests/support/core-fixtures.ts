/** A small catalog of made-up actions (load_csv, sum_column, format_number, send_email) for validator and editor tests. */
import { z } from "zod";
import { defineAction } from "../../lib/core/action";
import { Catalog } from "../../lib/core/catalog";

const Table = z.object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())) });

export const loadCsv = defineAction({
  id: "load_csv", title: "Load CSV", description: "Load a CSV file", flows: ["data"], effect: "read",
  input: z.object({ path: z.string(), delimiter: z.string().default(",") }),
  output: z.object({ table: Table, rowCount: z.number().int() }),
  run: () => ({ table: { columns: [], rows: [] }, rowCount: 0 }),
});
export const sumColumn = defineAction({
  id: "sum_column", title: "Sum column", description: "Sum a numeric column", flows: ["data"], effect: "pure",
  input: z.object({ table: Table, column: z.string() }),
  output: z.object({ total: z.number() }),
  run: () => ({ total: 0 }),
});
export const formatNumber = defineAction({
  id: "format_number", title: "Format number", description: "Format a number", effect: "pure",
  input: z.object({ value: z.number(), decimals: z.number().int().min(0).max(10).optional() }),
  output: z.string(),
  run: () => "",
});
export const sendEmail = defineAction({
  id: "send_email", title: "Send email", description: "Send an email", flows: ["comms"], effect: "write", approval: true,
  input: z.object({ to: z.email(), subject: z.string(), body: z.string(), priority: z.enum(["low", "high"]).optional() }),
  output: z.object({ messageId: z.string() }),
  run: () => ({ messageId: "x" }),
});

export const catalog = new Catalog([loadCsv.spec, sumColumn.spec, formatNumber.spec, sendEmail.spec]);
