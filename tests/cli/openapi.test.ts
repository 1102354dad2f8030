/**
 * The CLI with an HTTP API in the sources file (TRELLIS_MCP_CONFIG's `apis`): an OpenAPI document
 * read from a file next to it lists its operations as actions; a malformed entry stops start-up in
 * one line naming the field.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, tempDir, trellis } from "../support/cli";

let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;

beforeAll(() => {
  tmp = tempDir("trellis-cli-openapi-");
  writeFileSync(path.join(tmp.dir, "notes.yaml"), [
    "openapi: 3.1.0",
    "info: { title: Notes, version: '1' }",
    "paths:",
    "  /notes:",
    "    get: { operationId: listNotes, summary: List the notes, responses: { '200': { description: ok, content: { application/json: { schema: { type: array, items: { type: string } } } } } } }",
    "    post: { operationId: addNote, requestBody: { required: true, content: { application/json: { schema: { type: object, properties: { text: { type: string } }, required: [text] } } } }, responses: { '201': { description: added } } }",
  ].join("\n"));
  const config = path.join(tmp.dir, "sources.json");
  writeFileSync(config, JSON.stringify({ apis: { notes: { openapi: "notes.yaml", baseUrl: "https://notes.example.com/v1", auth: { type: "bearer", token: "${NOTES_TOKEN}" } } } }));
  env = { TRELLIS_DATA_DIR: path.join(tmp.dir, "data"), TRELLIS_MCP_CONFIG: config, NOTES_TOKEN: "t0ken-abc" };
});
afterAll(() => tmp.remove());

describe("trellis with an HTTP API", { timeout: 400_000 }, () => {
  it("lists the API's operations as actions", async () => {
    const r = await trellis(["actions", "--json"], { env, timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    const listed = json<{ actions: { id: string; flows: string[]; effect: string; source?: string; input: { required?: string[] } }[] }>(r);
    expect(listed.actions.find((a) => a.id === "notes.listNotes")).toMatchObject({ flows: ["notes"], effect: "read", source: "openapi:notes" });
    expect(listed.actions.find((a) => a.id === "notes.addNote")).toMatchObject({ effect: "write", input: { required: ["body"] } });
    expect(r.stdout + r.stderr).not.toContain("t0ken-abc");
  });

  it("refuses to start with a malformed API entry, in one line that names the field", async () => {
    const bad = path.join(tmp.dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ apis: { notes: { openapi: "notes.yaml", auth: { type: "apiKey", value: "x" } } } }));
    const r = await trellis(["actions"], { env: { ...env, TRELLIS_MCP_CONFIG: bad }, timeoutMs: 170_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Trellis cannot start: TRELLIS_MCP_CONFIG names .*bad\.json, whose HTTP APIs are not right: apis\.notes\.auth: an apiKey auth names either "header" or "query"/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
