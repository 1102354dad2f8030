import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import type { BasicActionOptions } from "../options";
import { describeSamples } from "../samples/catalog";
import { LoadedTableOutput } from "./table-output";
import { loadText, readsUrl, sourceFields } from "./source";
import { columnsFromRows, type Row, type Table } from "./table";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Follow a dot path such as "data.items" or "results.0.rows". */
function pick(value: unknown, dotted: string): unknown {
  let cur = value;
  for (const seg of dotted.split(".").filter(Boolean)) {
    if (Array.isArray(cur) && /^\d+$/.test(seg)) cur = cur[Number(seg)];
    else if (isPlainObject(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

export function jsonToTable(data: unknown, recordsPath?: string): { table: Table; usedPath?: string } {
  let records = data;
  let usedPath = recordsPath;
  if (recordsPath) {
    records = pick(data, recordsPath);
    if (records === undefined) throw new ActionError("records_path_not_found", `The JSON has nothing at "${recordsPath}".`);
  } else if (isPlainObject(data)) {
    // An API envelope like { "results": [...] } is common: use its only list of records.
    const arrays = Object.entries(data).filter(([, v]) => Array.isArray(v));
    if (arrays.length === 1) {
      usedPath = arrays[0][0];
      records = arrays[0][1];
    } else if (arrays.length > 1) {
      throw new ActionError(
        "ambiguous_records",
        `The JSON is an object with several lists (${arrays.map(([k]) => k).join(", ")}); set recordsPath to the one holding the records.`,
      );
    } else {
      records = [data];
    }
  }
  if (!Array.isArray(records)) {
    throw new ActionError("not_a_list", `Expected a list of records${usedPath ? ` at "${usedPath}"` : ""}, found ${records === null ? "null" : typeof records}.`);
  }
  const rows: Row[] = records.map((r) => (isPlainObject(r) ? { ...r } : { value: r }));
  return { table: { columns: columnsFromRows(rows), rows }, usedPath };
}

export function loadJsonAction(options: BasicActionOptions) {
  return defineAction({
    id: "data.load_json",
    title: "Load JSON",
    description:
      "Load JSON records into a table ({ columns, rows }) from the run's workspace, a bundled sample dataset, or an http(s) URL on the allowed-host list. " +
      "The JSON should be a list of objects (each becomes a row; columns are the union of keys, missing keys read as null), or an object holding such a list " +
      '(picked automatically when it is the only list, otherwise name it with recordsPath such as "data.items"). A list of plain values becomes a single "value" column. ' +
      `Bundled JSON samples: ${describeSamples("json")}. ` +
      'Example input: { "source": "sample", "path": "customers.json" }. Returns { table, rowCount, origin }.',
    flows: ["data"],
    effect: "read",
    egress: (input) => readsUrl(input),
    timeoutMs: 60_000,
    retry: { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 10_000 },
    input: z.object({
      ...sourceFields,
      recordsPath: z.string().optional().describe('Dot path to the list of records inside the JSON, e.g. "data.items" (optional)'),
    }),
    output: LoadedTableOutput,
    async run(input, ctx) {
      ctx.progress(0, "reading");
      const loaded = await loadText(input, "json", ctx, options);
      ctx.progress(0.6, "parsing");
      let data: unknown;
      try {
        data = JSON.parse(loaded.text.charCodeAt(0) === 0xfeff ? loaded.text.slice(1) : loaded.text);
      } catch (err) {
        throw new ActionError("invalid_json", `${loaded.origin} is not valid JSON: ${(err as Error).message}`, { cause: err });
      }
      const { table, usedPath } = jsonToTable(data, input.recordsPath);
      ctx.log("info", `Loaded ${table.rows.length} records from ${loaded.origin}${usedPath ? ` (at "${usedPath}")` : ""}`);
      return { table, rowCount: table.rows.length, origin: loaded.origin };
    },
  });
}
