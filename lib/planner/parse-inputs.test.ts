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
});
