import { z } from "zod";
import { defineAction, type ActionContext } from "@/lib/core/action";
import type { BasicActionOptions } from "../options";
import { describeSamples } from "../samples/catalog";
import { parseCsvStream } from "./csv";
import { openText, readsUrl, sourceFields } from "./source";
import { LoadedTableOutput } from "./table-output";

export function loadCsvAction(options: BasicActionOptions) {
  return defineAction({
    id: "data.load_csv",
    title: "Load CSV",
    description:
      "Load a CSV file into a table ({ columns, rows }) from the run's workspace, a bundled sample dataset, or an http(s) URL on the allowed-host list. " +
      "Parses RFC 4180 CSV (quoted fields, embedded commas/newlines, CRLF) and infers column types: numbers, true/false booleans, empty cells → null. " +
      `Bundled CSV samples: ${describeSamples("csv")}. ` +
      'Example input: { "source": "sample", "path": "sales.csv" }. Returns { table, rowCount, origin }.',
    flows: ["data"],
    effect: "read",
    egress: (input) => readsUrl(input),
    timeoutMs: 60_000,
    retry: { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 10_000 },
    input: z.object({
      ...sourceFields,
      delimiter: z.string().length(1).default(",").describe('Field separator, one character: "," (default), ";", "\\t" or "|"'),
      header: z.boolean().default(true).describe("Whether the first record holds column names (default true); if false columns are column_1, column_2, …"),
      inferTypes: z.boolean().default(true).describe("Convert numeric/boolean columns and empty cells to null (default true); false keeps every cell as text"),
    }),
    output: LoadedTableOutput,
    async run(input, ctx) {
      ctx.progress(0, "reading");
      const opened = await openText(input, "csv", ctx, options);
      // Parsed while it is read: the file's text is never whole in memory beside the rows.
      const table = await parseCsvStream(withProgress(opened.chunks, opened.bytes, ctx), { delimiter: input.delimiter, header: input.header, inferTypes: input.inferTypes, signal: ctx.signal });
      ctx.log("info", `Loaded ${table.rows.length} rows × ${table.columns.length} columns from ${opened.origin}`);
      return { table, rowCount: table.rows.length, origin: opened.origin };
    },
  });
}

/** Reports how much of the source was parsed (characters read against its size in bytes: close enough for progress). */
async function* withProgress(chunks: AsyncIterable<string>, bytes: number | undefined, ctx: ActionContext): AsyncGenerator<string> {
  let read = 0;
  for await (const chunk of chunks) {
    yield chunk;
    read += chunk.length;
    if (bytes) ctx.progress(0.9 * Math.min(1, read / bytes), "parsing");
  }
}
