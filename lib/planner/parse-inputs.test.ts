import { afterEach, describe, expect, it } from "vitest";
import { OpenAiProvider } from "@/lib/llm/openai-provider";
import { reply, startOpenAiServer, type OpenAiTestServer } from "@/tests/support/openai-server/server";
import { parseInputs, type InputKey } from "./parse-inputs";

const keys: InputKey[] = [
  { name: "region", schema: { type: "string", enum: ["North", "South", "East", "West"] }, description: "the region to keep" },
  { name: "limit", schema: { type: "integer", minimum: 1 } },
  { name: "url", schema: { type: "string", format: "uri" } },
  { name: "email", schema: { type: "string", format: "email" } },
];

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("parseInputs", () => {
  it("extracts values with the LLM, checks them against their schemas, and keeps the rest missing", async () => {
    server = await startOpenAiServer([
      reply.json({ values: [
        { name: "region", found: true, value: "north" },
        { name: "limit", found: true, value: "10" },
        { name: "url", found: true, value: "not a url" },
        { name: "email", found: false, value: "" },
      ] }, { usage: { prompt: 120, completion: 40 } }),
    ]);
    const llm = new OpenAiProvider({ baseUrl: server.baseUrl, model: "gpt-4o-mini" });
    const out = await parseInputs("Use the north region, top 10, from not a url", keys, { llm });
    expect(out).toMatchObject({ values: { region: "North", limit: 10 }, missing: ["email"], invalid: [{ name: "url", value: "not a url" }], source: "llm", usage: { promptTokens: 120, completionTokens: 40 } });
    const sent = server.requests[0].body!;
    expect(sent.messages[1].content).toContain("- region: \"North\"|\"South\"|\"East\"|\"West\" — the region to keep");
    const nameEnum = ((sent.response_format!.json_schema!.schema.properties as Record<string, { items: { properties: { name: { enum: string[] } } } }>).values.items.properties.name.enum);
    expect(nameEnum).toEqual(["region", "limit", "url", "email"]);
  });

  it("reads pairs and unmistakable values without an LLM", async () => {
    const out = await parseInputs("region = South; send it to ops@acme.io from https://example.com/data.csv", keys);
    expect(out).toEqual({ values: { region: "South", email: "ops@acme.io", url: "https://example.com/data.csv" }, missing: ["limit"], invalid: [], source: "offline" });
  });

  it("tells the LLM which day it is, so it can read relative dates", async () => {
    server = await startOpenAiServer([reply.json({ values: [{ name: "due", found: true, value: "2025-08-05" }] })]);
    const llm = new OpenAiProvider({ baseUrl: server.baseUrl, model: "gpt-4o-mini" });
    const out = await parseInputs("due next Tuesday", [{ name: "due", schema: { type: "string", format: "date" } }], { llm, today: "2025-07-31" });
    expect(out.values).toEqual({ due: "2025-08-05" });
    expect(server.requests[0].body!.messages[1].content).toContain("Today is 2025-07-31 (Thursday).");
  });
});

/** Offline reading, on inputs of many shapes: every rule comes from the names and schemas. */
describe("parseInputs without an LLM", () => {
  const text = (name: string, description?: string): InputKey => ({ name, schema: { type: "string" }, ...(description ? { description } : {}) });
  const date = (name: string): InputKey => ({ name, schema: { type: "string", format: "date" } });
  const read = async (message: string, inputs: InputKey[], today = "2025-07-31") => (await parseInputs(message, inputs, { today })).values;

  it("reads a path after to, into or as for an input that holds a path", async () => {
    expect(await read("write the report to reports/from-text.md", [text("report_path")])).toEqual({ report_path: "reports/from-text.md" });
    expect(await read("save it into 'out/my report.md'", [text("output_file")])).toEqual({ output_file: "out/my report.md" });
    expect(await read("export as exports/q3.csv", [text("target", "the folder or file to write")])).toEqual({ target: "exports/q3.csv" });
    // Read from, written to: each path goes to the input it suits.
    expect(await read("load from data/sales.csv and write it to out/q4.md", [text("source_file"), text("report_path")])).toEqual({ source_file: "data/sales.csv", report_path: "out/q4.md" });
    // Not a path: a URL, an address, words; and not for an input that is no path.
    expect(await read("send it to ops@acme.io, to https://x.io/a and to the team", [text("report_path")])).toEqual({});
    expect(await read("write it to out/q4.md", [text("title")])).toEqual({});
  });

  it("reads <name> is/=/: <value> for every input named, each value up to the next", async () => {
    const two = [{ name: "key1", schema: { type: "number" } }, text("key2")];
    expect(await read("key1 = 0.1 and key2 = dummy string", two)).toEqual({ key1: 0.1, key2: "dummy string" });
    expect(await read("key2: dummy string, key1 is 7", two)).toEqual({ key1: 7, key2: "dummy string" });
    const mixed = [text("report_title"), { name: "maxRows", schema: { type: "integer" } }, { name: "region", schema: { type: "string", enum: ["North", "South"] } }, { name: "sameHost", schema: { type: "boolean" } }];
    expect(await read("report title is Q4 revenue and regions, max rows 50, region: south; same host = yes", mixed)).toEqual({ report_title: "Q4 revenue and regions", maxRows: 50, region: "South", sameHost: true });
    expect(await read('set max_rows to 1,500 and the report-title to "A, B and C"', mixed)).toEqual({ maxRows: 1500, report_title: "A, B and C" });
  });

  it("reports a value stated in a form that does not fit, instead of dropping it", async () => {
    const out = await parseInputs("limit = lots, due is someday", [{ name: "limit", schema: { type: "integer" } }, date("due")], { today: "2025-07-31" });
    expect(out.values).toEqual({});
    expect(out.invalid.map((i) => [i.name, i.value])).toEqual([["limit", "lots"], ["due", "someday"]]);
  });

  it("reads yes/no inputs named on their own, and numbers whose form points at one input", async () => {
    const flags = [{ name: "overwrite", schema: { type: "boolean" } }, { name: "dry_run", schema: { type: "boolean" } }, { name: "top", schema: { type: "integer" } }];
    expect(await read("do a dry run of the top 5 and don't overwrite", flags)).toEqual({ dry_run: true, top: 5, overwrite: false });
    expect(await read("keep 12 and overwrite", flags)).toEqual({ top: 12, overwrite: true });
  });

  it("reads dates as people write them, relative ones from the given day", async () => {
    expect(await read("the deadline is August 1, 2023", [date("deadline")])).toEqual({ deadline: "2023-08-01" });
    expect(await read("due next Tuesday", [date("due")])).toEqual({ due: "2025-08-05" });
    expect(await read("due next Tuesday", [date("due")], "2025-08-05")).toEqual({ due: "2025-08-12" });
    expect(await read("from August 1, 2023 to next Tuesday", [date("start_date"), date("end_date")])).toEqual({ start_date: "2023-08-01", end_date: "2025-08-05" });
    // The numbers inside a date are not numbers for other inputs.
    expect(await read("on 1 August 2023", [date("day"), { name: "limit", schema: { type: "integer" } }])).toEqual({ day: "2023-08-01" });
  });
});
