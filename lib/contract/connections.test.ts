import { describe, expect, it } from "vitest";
import { CreateConnectionBody, OpenApiConnectionAuth, OpenApiConnectionConfig, UpdateConnectionBody } from "./connections";

const DOC = "https://api.example.com/openapi.json";
const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) => r.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

describe("the connections contract: HTTP APIs", () => {
  it("a timeoutMs is a whole number of ms from 100 to 600000; anything else is refused, on create and on edit", () => {
    for (const ok of [100, 30_000, 600_000]) expect(OpenApiConnectionConfig.safeParse({ openapi: DOC, timeoutMs: ok }).success, String(ok)).toBe(true);
    expect(issues(OpenApiConnectionConfig.safeParse({ openapi: DOC, timeoutMs: 99 }))).toEqual(["timeoutMs: Too small: expected number to be >=100"]);
    expect(issues(OpenApiConnectionConfig.safeParse({ openapi: DOC, timeoutMs: 600_001 }))).toEqual(["timeoutMs: Too big: expected number to be <=600000"]);
    for (const bad of [0, -1, 1500.5, "30000", null]) expect(OpenApiConnectionConfig.safeParse({ openapi: DOC, timeoutMs: bad }).success, String(bad)).toBe(false);
    const create = CreateConnectionBody.safeParse({ kind: "openapi", name: "pets", config: { openapi: DOC, timeoutMs: 600_001 } });
    expect(issues(create)).toEqual(["config.timeoutMs: Too big: expected number to be <=600000"]);
    // An edit's config (an MCP server's or an HTTP API's) keeps the HTTP API's limits.
    expect(UpdateConnectionBody.safeParse({ config: { openapi: DOC, timeoutMs: 600_001 } }).success).toBe(false);
    expect(UpdateConnectionBody.safeParse({ config: { openapi: DOC, timeoutMs: 50 } }).success).toBe(false);
    expect(UpdateConnectionBody.safeParse({ config: { openapi: DOC, timeoutMs: 600_000 } }).success).toBe(true);
  });

  it("an apiKey auth names a header (an HTTP header name, at most 128 characters) or a query parameter, exactly one", () => {
    expect(OpenApiConnectionAuth.safeParse({ type: "apiKey", header: "X-Api-Key" }).success).toBe(true);
    expect(OpenApiConnectionAuth.safeParse({ type: "apiKey", query: "api_key" }).success).toBe(true);
    expect(issues(OpenApiConnectionAuth.safeParse({ type: "apiKey", header: "X Key" }))).toEqual(["header: an HTTP header name"]);
    expect(issues(OpenApiConnectionAuth.safeParse({ type: "apiKey", header: "k".repeat(129) }))).toEqual(["header: an HTTP header name"]);
    expect(issues(OpenApiConnectionAuth.safeParse({ type: "apiKey", header: "X-Api-Key", query: "api_key" }))).toEqual([': an apiKey auth names either "header" or "query", not both']);
    expect(issues(OpenApiConnectionAuth.safeParse({ type: "apiKey" }))).toEqual([': an apiKey auth names either "header" or "query", not both']);
  });
});
