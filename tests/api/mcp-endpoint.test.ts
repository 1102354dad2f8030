/**
 * Trellis as an MCP server: the official SDK's client, over streamable HTTP, against the built
 * app's /api/mcp (run `npx next build` first). It lists Trellis's tools, plans a goal, runs the
 * plan, and decides a step that waits for a person; a published plan is a tool of its own, and a
 * plan that uses another plan as a step runs it as a child run.
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

  it("lists a published plan as a tool of its own and runs it; a plan using it as a step runs it as a child run", async () => {
    const api = createClient({ baseUrl: app.baseUrl });
    const child = {
      goal: "Count the words of a text", flows: ["text"],
      inputs: [{ name: "text", schema: { type: "string" }, description: "the text" }],
      steps: [{ id: "count", action: "text.count_words", inputs: { text: { kind: "input", name: "text" } } }],
      outputs: { words: { kind: "step", step: "count", path: ["total"] }, distinct: { kind: "step", step: "count", path: ["distinct"] } },
    };
    const { planId } = await api.call("importPlan", { body: { plan: child } });
    const published = await api.call("publishPlan", { params: { id: planId } });
    expect(published).toMatchObject({ published: true, slug: "count-the-words-of-a-text", tool: "count-the-words-of-a-text" });

    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === "count-the-words-of-a-text")!;
    expect(tool.inputSchema).toMatchObject({ type: "object", properties: { text: { type: "string" } }, required: ["text"] });
    expect(tool.outputSchema).toMatchObject({ type: "object", properties: { words: { type: "integer" }, distinct: { type: "integer" } } });
    const ran = await call("count-the-words-of-a-text", { text: "the cat and the hat" });
    expect(ran.isError).toBeFalsy();
    expect(ran.structuredContent).toEqual({ words: 5, distinct: 4 });
    const bad = await call("count-the-words-of-a-text", { text: 42 });
    expect(bad.isError).toBe(true);

    // The same plan as a step of another plan: a child run, linked to the parent's step.
    const parent = {
      goal: "Count words through a saved plan", flows: [],
      inputs: [{ name: "text", schema: { type: "string" } }],
      steps: [{ id: "inner", action: "plan.count-the-words-of-a-text", inputs: { text: { kind: "input", name: "text" } } }],
      outputs: { words: { kind: "step", step: "inner", path: ["words"] } },
    };
    const imported = await api.call("importPlan", { body: { plan: parent } });
    expect(imported.issues.filter((i) => i.severity === "error")).toEqual([]);
    const parentRun = await call("run_plan", { planId: imported.planId, inputs: { text: "one two three" } });
    expect(parentRun.structuredContent).toMatchObject({ status: "succeeded", outputs: { words: 3 } });
    const runs = await api.call("listRuns", { query: { planId } });
    expect(runs.runs.find((r) => r.parentRunId === parentRun.structuredContent!.runId)).toMatchObject({ parentStepId: "inner", status: "succeeded" });

    await api.call("unpublishPlan", { params: { id: planId } });
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain("count-the-words-of-a-text");
  });
});
