/**
 * LLM planning through the real SDK against the local OpenAI-compatible server: structured
 * output, the fallbacks, repair rounds, retries, failures, and what gets recorded.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { PlanningEvent } from "@/lib/core/events";
import { OpenAiProvider } from "@/lib/llm/openai-provider";
import { reply, startOpenAiServer, type OpenAiTestServer } from "@/tests/support/openai-server/server";
import { planGoal } from "./plan-goal";
import { builtinRegistry } from "../../tests/support/planner-catalogs";
import type { WireAnswer } from "./wire-plan";

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const GOAL = "Load the sample sales CSV, total revenue by region, chart it and save the chart";
const good: WireAnswer = {
  inputs: [],
  steps: [
    { id: "load", action: "data.load_csv", label: "Load sales", inputs: [{ name: "path", value: "sales.csv" }, { name: "source", value: "sample" }], after: [] },
    { id: "by_region", action: "data.group_aggregate", label: "Revenue by region", inputs: [{ name: "table", value: "${steps.load.output.table}" }, { name: "groupBy", value: '["region"]' }, { name: "aggregates", value: '[{"fn":"sum","column":"revenue","as":"revenue"}]' }], after: [] },
    { id: "chart", action: "data.chart_svg", label: "Chart", inputs: [{ name: "table", value: "${steps.by_region.output.table}" }, { name: "kind", value: "bar" }, { name: "x", value: "region" }, { name: "y", value: "revenue" }], after: [] },
    { id: "save", action: "files.write", label: "Save", inputs: [{ name: "path", value: "chart.svg" }, { name: "content", value: "${steps.chart.output.svg}" }], after: [] },
  ],
  outputs: [{ name: "chart", value: "${steps.chart.output.svg}" }],
};

function llm(options: Partial<ConstructorParameters<typeof OpenAiProvider>[0]> = {}) {
  return new OpenAiProvider({ baseUrl: server!.baseUrl, model: "gpt-4o-mini", apiKey: "sk-test", backoffMs: 5, maxBackoffMs: 10, ...options });
}

async function plan(goal: string, options: { provider?: OpenAiProvider; maxAttempts?: number; planner?: "auto" | "llm" | "offline"; allowPartial?: boolean } = {}) {
  const events: PlanningEvent[] = [];
  const result = await planGoal({ goal, maxAttempts: options.maxAttempts, planner: options.planner, allowPartial: options.allowPartial }, { catalog: builtinRegistry().catalog, llm: options.provider ?? llm(), onEvent: (e) => events.push(e) });
  return { result, events, types: result.planning.events.map((e) => e.type) };
}

describe("planning with an LLM", () => {
  it("asks for strict structured output and returns a valid plan with usage and events", async () => {
    server = await startOpenAiServer([reply.json(good, { usage: { prompt: 2400, completion: 310 } })]);
    const { result, types } = await plan(GOAL);
    expect(result).toMatchObject({ valid: true, status: "ready", planning: { source: "llm", model: "gpt-4o-mini", attempts: 1, usage: { promptTokens: 2400, completionTokens: 310 } } });
    expect(result.plan.steps.map((s) => s.id)).toEqual(["load", "by_region", "chart", "save"]);
    expect(result.plan.steps[1].inputs.groupBy).toEqual({ kind: "literal", value: ["region"] });
    expect(types).toEqual(["planning.started", "planning.llm_request", "planning.llm_response", "planning.validation", "planning.succeeded"]);
    const sent = server.requests[0].body!;
    expect(sent.response_format?.type).toBe("json_schema");
    expect(sent.response_format?.json_schema?.strict).toBe(true);
    const actionEnum = ((sent.response_format!.json_schema!.schema.properties as Record<string, { items: { properties: { action: { enum: string[] } } } }>).steps.items.properties.action.enum);
    expect(actionEnum).toContain("data.group_aggregate");
    expect(sent.messages[1].content).toContain(`# Goal\n${GOAL}`);
    expect(sent.stream).toBe(true);
  });

  it("falls back to JSON mode and then to JSON in text when the server refuses structured output", async () => {
    server = await startOpenAiServer((req) => {
      if (req.body?.response_format?.type === "json_schema") return reply.error("response-format");
      if (req.body?.response_format?.type === "json_object") return reply.raw(400, JSON.stringify({ error: { message: "json_object is not supported", type: "invalid_request_error", param: "response_format", code: null } }), { "content-type": "application/json" });
      return reply.text(`Here is the plan.\n\`\`\`json\n${JSON.stringify(good)}\n\`\`\``);
    });
    const { result, events } = await plan(GOAL);
    expect(result.valid).toBe(true);
    expect(server.requests.map((r) => r.body?.response_format?.type ?? "none")).toEqual(["json_schema", "json_object", "none"]);
    expect(events.find((e) => e.type === "planning.llm_response")?.data).toMatchObject({ ok: true, mode: "text" });
  });

  it("repairs what is mechanical without asking, and asks again with the issues for the rest", async () => {
    const flawed: WireAnswer = structuredClone(good);
    flawed.steps[2].action = "data.chart"; // near miss: fixed deterministically
    flawed.steps[1].inputs = flawed.steps[1].inputs.filter((i) => i.name !== "aggregates"); // missing: back to the model
    server = await startOpenAiServer([reply.json(flawed, { usage: { prompt: 2000, completion: 300 } }), reply.json(good, { usage: { prompt: 2600, completion: 320 } })]);
    const { result, types, events } = await plan(GOAL);
    expect(result).toMatchObject({ valid: true, planning: { attempts: 2, usage: { promptTokens: 4600, completionTokens: 620 } } });
    expect(types).toEqual([
      "planning.started",
      "planning.llm_request", "planning.llm_response", "planning.validation", "planning.repair", "planning.validation",
      "planning.llm_request", "planning.llm_response", "planning.validation", "planning.succeeded",
    ]);
    expect(events.find((e) => e.type === "planning.repair")?.data).toMatchObject({ attempt: 1, repairs: [expect.stringContaining("data.chart_svg")] });
    const second = server.requests[1].body!.messages[1].content;
    expect(second).toContain("# Your previous plan (after automatic fixes)");
    expect(second).toContain('"action":"data.chart_svg"');
    expect(second).toContain("[missing_required_input] step by_region, input aggregates");
  });

  it("asks again when the answer is not JSON, with what was wrong", async () => {
    server = await startOpenAiServer([reply.text("I'd be happy to help! First, load the CSV..."), reply.json(good)]);
    const { result } = await plan(GOAL);
    expect(result.valid).toBe(true);
    expect(result.planning.attempts).toBe(2);
    expect(server.requests[1].body!.messages[1].content).toContain("# Your previous answer could not be used");
  });

  it("returns the best plan with its issues when attempts run out, never throwing it away", async () => {
    const flawed: WireAnswer = structuredClone(good);
    flawed.steps[1].inputs = flawed.steps[1].inputs.filter((i) => i.name !== "aggregates");
    server = await startOpenAiServer([reply.json(flawed), reply.json(flawed)]);
    const { result, types } = await plan(GOAL, { maxAttempts: 2 });
    // On the last attempt what nothing provides becomes a plan input: the plan is valid and asks for it.
    expect(result).toMatchObject({ valid: true, status: "needs_inputs", missingInputs: [{ name: "aggregates", usedBy: [{ stepId: "by_region", input: "aggregates" }] }] });
    expect(types.at(-1)).toBe("planning.succeeded");
  });

  it("stops at the first answer when only input values are missing and partial plans are allowed", async () => {
    const noPath: WireAnswer = structuredClone(good);
    noPath.steps[3].inputs = noPath.steps[3].inputs.filter((i) => i.name !== "path");
    server = await startOpenAiServer([reply.json(noPath)]);
    const { result } = await plan(GOAL, { allowPartial: true });
    expect(result).toMatchObject({ valid: true, status: "needs_inputs", planning: { attempts: 1 } });
    expect(result.missingInputs.map((m) => m.name)).toEqual(["path"]);
    expect(server.requests).toHaveLength(1);
  });

  it("reports rate-limit retries as events and sums nothing for failed calls", async () => {
    server = await startOpenAiServer([reply.error("rate-limit", { "retry-after": "0.05" }), reply.json(good, { usage: { prompt: 10, completion: 5 } })]);
    const { result, events } = await plan(GOAL);
    expect(result.valid).toBe(true);
    expect(events.find((e) => e.type === "planning.llm_retry")?.data).toMatchObject({ attempt: 1, retry: 1, delayMs: 50 });
    expect(result.planning.usage).toEqual({ promptTokens: 10, completionTokens: 5 });
  });

  it("streams progress to the listener without storing every tick", async () => {
    server = await startOpenAiServer([reply.json(good, { chunkChars: 8, delayMs: 0 })]);
    const events: PlanningEvent[] = [];
    const slow = llm();
    const original = slow.complete.bind(slow);
    // Slow each piece a little so progress ticks are due.
    slow.complete = (request) => original({ ...request, onDelta: (t) => { const until = Date.now() + 2; while (Date.now() < until); request.onDelta?.(t); } });
    const result = await planGoal({ goal: GOAL }, { catalog: builtinRegistry().catalog, llm: slow, onEvent: (e) => events.push(e) });
    expect(events.some((e) => e.type === "planning.llm_progress")).toBe(true);
    expect(result.planning.events.some((e) => e.type === "planning.llm_progress")).toBe(false);
  });

  it("falls back to the offline planner when the provider refuses the key", async () => {
    server = await startOpenAiServer([reply.error("unauthorized")]);
    const { result, events } = await plan(GOAL);
    expect(result).toMatchObject({ valid: true, planning: { source: "offline" } });
    expect(events.find((e) => e.type === "planning.fallback")?.data).toMatchObject({ from: "llm", to: "offline", reason: expect.stringContaining("OPENAI_API_KEY") });
    expect(server.requests).toHaveLength(1);
  });

  it("when the LLM is asked for by name and fails, says why instead of switching", async () => {
    server = await startOpenAiServer([reply.hang(), reply.hang()]);
    const { result, types } = await plan(GOAL, { planner: "llm", maxAttempts: 2, provider: llm({ timeoutMs: 200, maxRetries: 0 }) });
    expect(result).toMatchObject({ valid: false, status: "invalid", planning: { source: "llm", attempts: 2, error: expect.stringContaining("did not answer") } });
    expect(types.at(-1)).toBe("planning.failed");
    expect(result.plan.goal).toBe(GOAL);
  });
});
