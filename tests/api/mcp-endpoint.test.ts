/**
 * Trellis as an MCP server: the official SDK's client, over streamable HTTP, against the built
 * app's /api/mcp (run `npx next build` first). It lists Trellis's tools, plans a goal, runs the
 * plan, and decides a step that waits for a person.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../lib/contract/client";
import { startBuiltApp } from "../support/built-app";

let app: Awaited<ReturnType<typeof startBuiltApp>>;
let client: Client;

beforeAll(async () => {
  app = await startBuiltApp();
  client = new Client({ name: "trellis-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${app.baseUrl}/api/mcp`)));
}, 180_000);
afterAll(async () => {
  await client?.close();
  await app?.stop();
});

type Answer = { structuredContent?: Record<string, unknown>; isError?: boolean; content: Array<{ type: string; text?: string }> };
const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as Answer;

describe("Trellis at /api/mcp, through the official MCP client", { timeout: 180_000 }, () => {
  it("lists its tools with their input schemas", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["approve_step", "get_run", "plan_goal", "reject_step", "run_plan"]);
    expect(tools.find((t) => t.name === "plan_goal")!.inputSchema).toMatchObject({ type: "object", properties: { goal: { type: "string" } }, required: ["goal"] });
    expect(tools.find((t) => t.name === "get_run")!.annotations).toMatchObject({ readOnlyHint: true });
  });

  it("plans a goal and runs the plan to its outputs", async () => {
    const planned = await call("plan_goal", { goal: "Load the sample sales CSV and total revenue by region", flows: ["data"] });
    expect(planned.isError).toBeFalsy();
    expect(planned.structuredContent).toMatchObject({ status: "ready", valid: true, planId: expect.any(String) });
    const ran = await call("run_plan", { planId: planned.structuredContent!.planId });
    expect(ran.structuredContent).toMatchObject({ status: "succeeded", failure: null });
    expect(Object.keys(ran.structuredContent!.outputs as object).length).toBeGreaterThan(0);
    const read = await call("get_run", { runId: ran.structuredContent!.runId });
    expect(read.structuredContent).toEqual(ran.structuredContent);
  });

  it("approves a step that waits for a person, and says what is wrong with a bad request", async () => {
    const api = createClient({ baseUrl: app.baseUrl });
    const { planId } = await api.call("importPlan", { body: { plan: JSON.parse(readFileSync(path.join(process.cwd(), "examples", "shop-review.json"), "utf8")) } });
    const waiting = await call("run_plan", { planId });
    expect(waiting.structuredContent).toMatchObject({ status: "awaiting_approval" });
    const runId = waiting.structuredContent!.runId as string;
    const step = (waiting.structuredContent!.steps as { stepId: string; status: string }[]).find((s) => s.status === "awaiting_approval")!;
    const decided = await call("approve_step", { runId, stepId: step.stepId, comment: "fine" });
    expect(decided.structuredContent).toMatchObject({ ok: true, decision: "approve" });
    await expect.poll(async () => (await call("get_run", { runId })).structuredContent!.status, { timeout: 120_000 }).toBe("succeeded");

    const missing = await call("get_run", { runId: "00000000-0000-0000-0000-000000000000" });
    expect(missing.isError).toBe(true);
    expect(missing.content[0].text).toMatch(/no run/i);
  });
});
