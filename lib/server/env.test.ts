import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./env";

describe("configuration", () => {
  it("has working defaults with nothing set", () => {
    const c = parseConfig({}, "/srv/trellis");
    expect(c).toMatchObject({ dataDir: "/srv/trellis/.data", port: 3000, databaseUrl: undefined, llm: { configured: false }, commitWindowMs: 2 });
  });
  it("treats blank values as unset", () => {
    expect(parseConfig({ PORT: " ", OPENAI_API_KEY: "" }).llm.configured).toBe(false);
  });
  it("configures an OpenAI-compatible server by base URL alone", () => {
    const c = parseConfig({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", OPENAI_MODEL: "llama3.1" });
    expect(c.llm).toMatchObject({ configured: true, model: "llama3.1", provider: "127.0.0.1:11434" });
  });
  it("names the variable and what it expects", () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: "abc" }, /PORT="abc": expected a port/],
      [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL="mysql:\/\/x": expected a PostgreSQL URL/],
      [{ OPENAI_BASE_URL: "localhost" }, /OPENAI_BASE_URL="localhost": expected an http\(s\) URL/],
      [{ TRELLIS_RUN_CONCURRENCY: "0" }, /TRELLIS_RUN_CONCURRENCY="0": expected at least 1/],
      [{ TRELLIS_COMMIT_WINDOW_MS: "500" }, /TRELLIS_COMMIT_WINDOW_MS="500": expected at most 100/],
    ];
    for (const [env, message] of cases) {
      expect(() => parseConfig(env)).toThrow(ConfigError);
      expect(() => parseConfig(env)).toThrow(message);
    }
  });
});

describe("imported catalogs", () => {
  it("resolves catalog files against the working directory", () => {
    expect(parseConfig({ TRELLIS_CATALOGS: "a/tool_desc.json, /b/tool_desc.json" }, "/srv").catalogFiles).toEqual(["/srv/a/tool_desc.json", "/b/tool_desc.json"]);
  });
});
