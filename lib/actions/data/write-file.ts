import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { previewWorkspaceWrite } from "../files/preview-write";
import { undoWorkspaceWrite, writeWorkspaceFile } from "../files/undo-backup";
import { stringifyCsv } from "./csv";
import { Table } from "./table";

export const writeTableFileAction = defineAction({
  id: "data.write_file",
  title: "Write table to file",
  description:
    "Save a table into the run's workspace as CSV (RFC 4180, header row, CRLF) or JSON (a list of row objects). " +
    "The format comes from `format` or else the file extension (.csv, .tsv → tab-separated, .json). Parent folders are created; " +
    "an existing file is replaced unless overwrite is false, and undo restores it. Returns { path, bytes, rows, format, created }.",
  flows: ["data"],
  effect: "write",
  input: z.object({
    table: Table.describe("The table to save"),
    path: z.string().min(1).describe('File path relative to the run\'s workspace, e.g. "out/north.csv"'),
    format: z.enum(["csv", "tsv", "json"]).optional().describe("csv, tsv or json (default: from the extension)"),
    overwrite: z.boolean().default(true).describe("Replace an existing file (default true)"),
  }),
  output: z.object({
    path: z.string().describe("The workspace-relative path written"),
    bytes: z.number().int().describe("Size of the file in bytes"),
    rows: z.number().int().describe("Rows written"),
    format: z.enum(["csv", "tsv", "json"]).describe("Format used"),
    created: z.boolean().describe("True when the file did not exist before"),
  }),
  async run(input, ctx) {
    const { format, data } = encode(input);
    const written = await writeWorkspaceFile(ctx, input.path, data, { overwrite: input.overwrite });
    return { ...written, rows: input.table.rows.length, format };
  },
  async preview(input, ctx) {
    const { format, data } = encode(input);
    const p = await previewWorkspaceWrite(ctx, input.path, data, { overwrite: input.overwrite });
    return { effect: p.effect, output: { ...p.output!, rows: input.table.rows.length, format } };
  },
  files: (output) => [{ path: output.path, bytes: output.bytes }],
  async undo(input, output, ctx) {
    await undoWorkspaceWrite(ctx, output.path, output.created);
  },
});

function encode(input: { table: Table; path: string; format?: "csv" | "tsv" | "json" }): { format: "csv" | "tsv" | "json"; data: string } {
  const ext = /\.([a-z]+)$/i.exec(input.path)?.[1]?.toLowerCase();
  const format = input.format ?? (ext === "json" ? "json" : ext === "tsv" ? "tsv" : ext === "csv" ? "csv" : undefined);
  if (!format) {
    throw new ActionError("unknown_format", `Cannot tell the format of "${input.path}"; end the name with .csv, .tsv or .json, or set format.`);
  }
  const { table } = input;
  const data =
    format === "json"
      ? JSON.stringify(table.rows.map((row) => Object.fromEntries(table.columns.map((c) => [c, row[c] ?? null]))), null, 2) + "\n"
      : stringifyCsv(table, format === "tsv" ? "\t" : ",");
  return { format, data };
}
