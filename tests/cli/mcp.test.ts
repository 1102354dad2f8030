/**
 * The CLI with an MCP server configured (TRELLIS_MCP_CONFIG): the real server-everything over
 * stdio, started by Trellis. Its tools are actions; a one-step plan on one of them runs.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, json, tempDir, trellis } from "../support/cli";

const EVERYTHING = path.join(ROOT, "node_modules/@modelcontextprotocol/server-everything/dist/index.js");

let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;
let plan: string;

beforeAll(() => {
  tmp = tempDir("trellis-cli-mcp-");
  const config = path.join(tmp.dir, "mcp.json");
  writeFileSync(config, JSON.stringify({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, "stdio"] } } }));
  plan = path.join(tmp.dir, "sum.json");
  writeFileSync(plan, JSON.stringify({
    goal: "Add 2 and 3",
    flows: ["everything"],
    inputs: [],
    steps: [{ id: "sum", action: "everything.get-sum", inputs: { a: 2, b: 3 } }],
    outputs: { sum: "${steps.sum.output.text}" },
  }));
  env = { TRELLIS_DATA_DIR: path.join(tmp.dir, "data"), TRELLIS_MCP_CONFIG: config };
});
afterAll(() => tmp.remove());

describe("trellis with an MCP server", { timeout: 120_000 }, () => {
  it("lists the server's tools as actions and runs everything.get-sum with a=2, b=3", async () => {
    const listed = json<{ actions: { id: string; flows: string[]; effect: string; source?: string }[] }>(await trellis(["actions", "--json"], { env }));
    const sum = listed.actions.find((a) => a.id === "everything.get-sum");
    expect(sum).toMatchObject({ flows: ["everything"], effect: "read", source: "mcp:everything" });
    expect(listed.actions.filter((a) => a.id.startsWith("everything."))).toHaveLength(13);
    expect(listed.actions.map((a) => a.id)).toContain("data.load_csv");

    const run = await trellis(["run", plan, "--json"], { env });
    expect(run.code).toBe(0);
    const done = json<{ status: string; outputs: { sum: string } }>(run);
    expect(done.status).toBe("succeeded");
    expect(done.outputs.sum).toMatch(/\b5\b/);
  });

  it("refuses to start with a malformed MCP configuration, in one line that says what is wrong", async () => {
    const bad = path.join(tmp.dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ mcpServers: { everything: { comand: "node" } } }));
    for (const args of [["run", plan], ["actions"]]) {
      const r = await trellis(args, { env: { ...env, TRELLIS_MCP_CONFIG: bad } });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n").filter((l) => l.includes("TRELLIS_MCP_CONFIG"))).toHaveLength(1);
      expect(r.stderr).toMatch(/Trellis cannot start: TRELLIS_MCP_CONFIG names .*bad\.json, which is not an MCP configuration: mcpServers\.everything: each server has either "command"/);
    }
  });
});
