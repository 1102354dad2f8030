import { afterEach, describe, expect, it } from "vitest";
import { openAiProviderFromConfig } from "../llm/openai-provider";
import { planGoal } from "../planner/plan-goal";
import { builtinRegistry } from "../../tests/support/planner-catalogs";
import { reply, startOpenAiServer, type OpenAiTestServer } from "../../tests/support/openai-server/server";
import { ConfigError, localServerUrl, parseConfig } from "./env";

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
      [{ TRELLIS_LOG_LEVEL: "loud" }, /TRELLIS_LOG_LEVEL="loud": expected one of debug, info, warn, error/],
      [{ OPENAI_TEMPERATURE: "warm" }, /OPENAI_TEMPERATURE="warm": expected a number from 0 to 2/],
      [{ OPENAI_TEMPERATURE: "2.5" }, /OPENAI_TEMPERATURE="2.5": expected a number from 0 to 2/],
    ];
    for (const [env, message] of cases) {
      expect(() => parseConfig(env)).toThrow(ConfigError);
      expect(() => parseConfig(env)).toThrow(message);
    }
  });
});

describe("the server's URL on this machine", () => {
  it("is on PORT, at localhost unless the server listens on one other address", () => {
    expect(localServerUrl(parseConfig({}))).toBe("http://localhost:3000");
    expect(localServerUrl(parseConfig({ PORT: "3200" }))).toBe("http://localhost:3200");
    for (const HOST of ["127.0.0.1", "0.0.0.0", "::", "[::]", "localhost"]) expect(localServerUrl(parseConfig({ PORT: "3200", HOST })), HOST).toBe("http://localhost:3200");
    expect(localServerUrl(parseConfig({ PORT: "3200", HOST: "192.168.1.20" }))).toBe("http://192.168.1.20:3200");
    expect(localServerUrl(parseConfig({ PORT: "3200", HOST: "::1" }))).toBe("http://[::1]:3200");
  });
});

describe("imported catalogs", () => {
  it("resolves catalog files against the working directory", () => {
    expect(parseConfig({ TRELLIS_CATALOGS: "a/tool_desc.json, /b/tool_desc.json" }, "/srv").catalogFiles).toEqual(["/srv/a/tool_desc.json", "/b/tool_desc.json"]);
  });
});

describe("MCP servers", () => {
  it("resolves the MCP configuration file against the working directory; unset, there is none", () => {
    expect(parseConfig({ TRELLIS_MCP_CONFIG: "mcp.json" }, "/srv").mcpConfigFile).toBe("/srv/mcp.json");
    expect(parseConfig({ TRELLIS_MCP_CONFIG: " " }, "/srv").mcpConfigFile).toBeUndefined();
  });
});

describe("the planner's temperature", () => {
  let server: OpenAiTestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const planWith = async (env: Record<string, string>) => {
    server = await startOpenAiServer([reply.json({ inputs: [], steps: [{ id: "load", action: "data.load_csv", label: "Load", inputs: [{ name: "path", value: "sample:sales.csv" }], after: [] }], outputs: [{ name: "table", value: "${steps.load.output.table}" }] })]);
    const llm = openAiProviderFromConfig(parseConfig({ OPENAI_BASE_URL: server.baseUrl, ...env }).llm);
    await planGoal({ goal: "Load the sample sales CSV" }, { catalog: builtinRegistry().catalog, llm });
    return server.requests[0].body!;
  };

  it("OPENAI_TEMPERATURE is read, and sent with the planner's LLM requests", async () => {
    expect(parseConfig({ OPENAI_TEMPERATURE: "0.2" }).llm.temperature).toBe(0.2);
    expect((await planWith({ OPENAI_TEMPERATURE: "0" })).temperature).toBe(0);
  });

  it("unset, no temperature is sent: the model's own default holds", async () => {
    expect(parseConfig({}).llm.temperature).toBeUndefined();
    expect(await planWith({})).not.toHaveProperty("temperature");
  });
});
