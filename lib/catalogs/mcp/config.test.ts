import { describe, expect, it } from "vitest";
import { describeServer, parseMcpConfig } from "./config";
import { effectOf, toolOutput } from "./tool-action";

describe("the MCP configuration file", () => {
  it("reads stdio and streamable HTTP servers in the shared mcpServers format", () => {
    const r = parseMcpConfig(JSON.stringify({ mcpServers: { everything: { command: "npx", args: ["-y", "x"] }, remote: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer s3cret" } } } }));
    expect(r).toEqual({ ok: true, config: { mcpServers: { everything: { command: "npx", args: ["-y", "x"], env: {} }, remote: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer s3cret" } } } } });
    if (!r.ok) return;
    // What people see of a server never holds its headers or env.
    expect(describeServer(r.config.mcpServers.remote)).toBe("https://mcp.example.com/mcp");
    expect(describeServer({ url: "https://user:pw@h.example/mcp?key=1", headers: {} })).toBe("https://h.example/mcp");
  });

  it("says in one line what is wrong", () => {
    expect(parseMcpConfig("{")).toMatchObject({ ok: false, reason: expect.stringMatching(/^it is not JSON/) });
    expect(parseMcpConfig(JSON.stringify({ servers: {} }))).toMatchObject({ ok: false, reason: expect.stringMatching(/^mcpServers: /) });
    expect(parseMcpConfig(JSON.stringify({ mcpServers: { a: { comand: "x" } } }))).toEqual({ ok: false, reason: 'mcpServers.a: each server has either "command" (with "args" and "env") or "url" (with "headers")' });
    expect(parseMcpConfig(JSON.stringify({ mcpServers: { "a b": { command: "x" } } }))).toMatchObject({ ok: false, reason: expect.stringMatching(/"a b" is not a server name/) });
  });
});

describe("a tool as an action", () => {
  it("takes its effect from the annotations", () => {
    const tool = (annotations?: object) => ({ name: "t", inputSchema: { type: "object" }, annotations });
    expect(effectOf(tool({ readOnlyHint: true }))).toEqual({ effect: "read", approval: false });
    expect(effectOf(tool({ readOnlyHint: false, destructiveHint: true }))).toEqual({ effect: "write", approval: true });
    expect(effectOf(tool())).toEqual({ effect: "write", approval: false });
  });

  it("gives text, content and structured content, and fails with the tool's message on isError", () => {
    const tool = { name: "t", inputSchema: { type: "object" } };
    expect(toolOutput("s", tool, { content: [{ type: "text", text: "a" }, { type: "image", data: "AA==", mimeType: "image/png" }, { type: "text", text: "b" }], structuredContent: { n: 1 } })).toEqual({
      text: "a\n\nb",
      content: [{ type: "text", text: "a" }, { type: "image", data: "AA==", mimeType: "image/png" }, { type: "text", text: "b" }],
      structured: { n: 1 },
    });
    expect(() => toolOutput("s", tool, { content: [{ type: "text", text: "no such city" }], isError: true })).toThrow("no such city");
    expect(toolOutput("s", { ...tool, outputSchema: { type: "object" } }, { content: [], structuredContent: { n: 2 } })).toEqual({ n: 2 });
  });
});
