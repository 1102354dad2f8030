import { describe, expect, it } from "vitest";
import { parseApisConfig, redact, resolveRefs, secretsOf } from "./config";
import { parseDocument } from "./load-document";
import { readOperations, slugOf } from "./operations";
import { toJsonSchema } from "./schema";

describe("the apis section of the sources file", () => {
  it("reads each API and names the field that is wrong", () => {
    expect(parseApisConfig({ mcpServers: {} })).toEqual({ ok: true, apis: {} });
    expect(parseApisConfig({ apis: { gh: { openapi: "https://api.example.com/openapi.json", auth: { type: "bearer", token: "${GH_TOKEN}" }, operations: ["listRepos"] } } })).toEqual({
      ok: true,
      apis: { gh: { openapi: "https://api.example.com/openapi.json", auth: { type: "bearer", token: "${GH_TOKEN}" }, operations: ["listRepos"] } },
    });
    expect(parseApisConfig({ apis: { gh: {} } })).toMatchObject({ ok: false, reason: expect.stringMatching(/^apis\.gh\.openapi: /) });
    expect(parseApisConfig({ apis: { gh: { openapi: "x", auth: { type: "oauth" } } } })).toMatchObject({ ok: false, reason: expect.stringMatching(/^apis\.gh\.auth(\.type)?: auth\.type is "bearer"/) });
    expect(parseApisConfig({ apis: { gh: { openapi: "x", auth: { type: "apiKey", header: "X Key", value: "v" } } } })).toMatchObject({ ok: false, reason: expect.stringMatching(/^apis\.gh\.auth\.header: an HTTP header name/) });
    expect(parseApisConfig({ apis: { gh: { openapi: "x", auth: { type: "apiKey", query: "api_key", value: "v" } } } })).toMatchObject({ ok: true });
    expect(parseApisConfig({ apis: { gh: { openapi: "x", auth: { type: "apiKey", header: "X-Key", query: "api_key", value: "v" } } } })).toMatchObject({ ok: false, reason: expect.stringMatching(/either "header" or "query"/) });
    expect(parseApisConfig({ apis: { gh: { openapi: "x", url: "y" } } })).toMatchObject({ ok: false, reason: expect.stringMatching(/^apis\.gh: .*url/) });
    expect(parseApisConfig({ apis: { "g h": { openapi: "x" } } })).toMatchObject({ ok: false, reason: expect.stringMatching(/"g h" is not an API name/) });
  });

  it("resolves ${NAME} from the given values, and says which field names one that is not set", () => {
    const entry = { openapi: "https://${HOST}/openapi.json", auth: { type: "basic" as const, username: "ada", password: "${PW}" } };
    expect(resolveRefs("a", entry, { HOST: "api.example.com", PW: "s3cret" })).toEqual({ ok: true, entry: { openapi: "https://api.example.com/openapi.json", auth: { type: "basic", username: "ada", password: "s3cret" } } });
    expect(resolveRefs("a", entry, { HOST: "h" })).toEqual({ ok: false, reason: "apis.a.auth.password names ${PW}, which is not set" });
  });

  it("redacts a secret and its encoded form", () => {
    const secrets = secretsOf({ type: "basic", username: "ada", password: "s3cret" });
    expect(redact("Basic YWRhOnMzY3JldA== or s3cret", secrets)).toBe("Basic [redacted] or [redacted]");
    // A key sent in the query may travel encoded.
    const key = secretsOf({ type: "apiKey", query: "k", value: "a b+c/d" });
    expect(redact("?k=a+b%2Bc%2Fd or a%20b%2Bc%2Fd or a b+c/d", key)).toBe("?k=[redacted] or [redacted] or [redacted]");
  });
});

describe("an OpenAPI document", () => {
  it("3.0 schemas become JSON Schema: nullable, boolean exclusive bounds, OpenAPI-only keywords", () => {
    expect(toJsonSchema({ type: "number", minimum: 0, exclusiveMinimum: true, nullable: true, example: 3, "x-extra": 1 }, "response")).toEqual({ type: ["number", "null"], exclusiveMinimum: 0 });
    expect(toJsonSchema({ type: "object", required: ["id", "secret"], properties: { id: { type: "integer", readOnly: true }, secret: { type: "string", writeOnly: true } } }, "response")).toEqual({ type: "object", required: ["id"], properties: { id: { type: "integer", readOnly: true } } });
    expect(toJsonSchema({ $ref: "#/components/schemas/Node" }, "response")).toEqual({ description: "(recursive: Node)" });
    // Shared references are copied: a document whose schemas double at every level stays bounded.
    let wide: object = { type: "string" };
    for (let i = 0; i < 30; i++) wide = { allOf: [wide, wide] };
    expect(JSON.stringify(toJsonSchema(wide, "response")).length).toBeLessThan(2_000_000);
  });

  it("refuses Swagger 2.0 and other versions, reads YAML, and does not follow references to other files or URLs", async () => {
    await expect(parseDocument('{"swagger": "2.0"}')).rejects.toThrow("the document is Swagger 2.0; Trellis reads OpenAPI 3.0 and 3.1");
    await expect(parseDocument("openapi: 4.0.0\n")).rejects.toThrow('the document\'s "openapi" version is "4.0.0"');
    await expect(parseDocument("a: [")).rejects.toThrow(/neither JSON nor YAML/);
    const doc = await parseDocument(["openapi: 3.1.0", "info: {title: t, version: '1'}", "paths:", "  /x:", "    get:", "      responses:", "        '200': {$ref: 'http://169.254.169.254/latest/meta-data'}"].join("\n"));
    expect(doc.paths!["/x"].get).toEqual({ responses: { 200: { $ref: "http://169.254.169.254/latest/meta-data" } } });
  });

  it("names operations without an operationId by method and path, and caps how many are offered", () => {
    expect(slugOf("get", "/pets/{petId}/photos")).toBe("get_pets_petId_photos");
    const paths = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`/p${i}`, { get: { responses: {} } }]));
    const read = readOperations({ openapi: "3.1.0", paths }, { maxOperations: 3 });
    expect(read.operations.map((o) => o.key)).toEqual(["get_p0", "get_p1", "get_p2"]);
    expect(read.notes).toEqual(['2 operations beyond the first 3 left out: list the ones wanted in "operations"']);
  });
});
