/**
 * Genuine LLM mistakes: MiniMax-Text-01's real answers on TaskBench multimedia, served as the
 * LLM's output by the local OpenAI-compatible server, planned through the SDK, the answer
 * reader (a TaskBench task list), validation and deterministic repair.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAiProvider } from "@/lib/llm/openai-provider";
import { readGold, readPredictions } from "@/tests/support/taskbench-data";
import { reply, startOpenAiServer, type OpenAiTestServer } from "@/tests/support/openai-server/server";
import { validatePlan } from "@/lib/core/validate-plan";
import { planGoal } from "./plan-goal";
import { taskbenchCatalog } from "../../tests/support/planner-catalogs";

const predictions = readPredictions("multimedia", "minimax-text-01");
let server: OpenAiTestServer;
let answers: string[] = [];

beforeAll(async () => {
  // Each request gets the answer queued for it; the queue is refilled per test.
  server = await startOpenAiServer(() => reply.text(answers.shift() ?? "{}", { usage: { prompt: 900, completion: 160 } }));
});
afterAll(() => server.close());

describe("replaying MiniMax-Text-01's answers", () => {
  it("leaves at most 5% of them invalid after one attempt and deterministic repair", async () => {
    const cat = taskbenchCatalog("multimedia");
    const llm = new OpenAiProvider({ baseUrl: server.baseUrl, model: "minimax-text-01", maxRetries: 0 });
    answers = predictions.map((p) => JSON.stringify(p.result));
    let invalidBefore = 0;
    let invalidAfter = 0;
    let repaired = 0;
    for (const p of predictions) {
      const result = await planGoal({ goal: String(p.user_request ?? ""), flows: ["multimedia"], maxAttempts: 1, planner: "llm" }, { catalog: cat.catalog, llm });
      const answered = result.planning.events.find((e) => e.type === "planning.validation" && e.data.stage === "answer");
      if (answered?.type === "planning.validation" && answered.data.errors > 0) invalidBefore++;
      if (!result.valid) invalidAfter++;
      if (result.planning.repairs.length) repaired++;
      expect(result.planning).toMatchObject({ source: "llm", model: "minimax-text-01", attempts: 1, usage: { promptTokens: 900, completionTokens: 160 } });
      expect(validatePlan(result.plan, cat.catalog).valid).toBe(result.valid);
    }
    expect(server.requests).toHaveLength(predictions.length);
    expect(invalidBefore).toBeGreaterThan(predictions.length * 0.2);
    expect(invalidAfter).toBeLessThanOrEqual(Math.floor(predictions.length * 0.05));
    expect(repaired).toBeGreaterThanOrEqual(invalidBefore - invalidAfter);
  });

  it("sends what deterministic repair cannot settle back to the model, with candidates", async () => {
    const cat = taskbenchCatalog("multimedia");
    const gold = new Map(readGold("multimedia").map((g) => [g.id, g]));
    // An answer that names a tool the catalog does not have and no candidate clearly matches.
    const p = predictions.find((x) => gold.has(x.id) && JSON.stringify(x.result).includes('"task":"Text"'))
      ?? predictions.find((x) => JSON.stringify(x.result).includes('"task": "Text"') || JSON.stringify(x.result).includes('"task":"Text"'))!;
    const second = gold.get(p.id) ?? { task_nodes: (p.result as { task_nodes: unknown[] }).task_nodes.slice(0, 1) };
    answers = [JSON.stringify(p.result), JSON.stringify({ task_nodes: (second as { task_nodes: unknown }).task_nodes })];
    const before = server.requests.length;
    const llm = new OpenAiProvider({ baseUrl: server.baseUrl, model: "minimax-text-01", maxRetries: 0 });
    const result = await planGoal({ goal: String(p.user_request), flows: ["multimedia"], maxAttempts: 2, planner: "llm" }, { catalog: cat.catalog, llm });
    expect(server.requests.length - before).toBe(2);
    const repairPrompt = server.requests[before + 1].body!.messages[1].content;
    expect(repairPrompt).toContain("[unknown_action]");
    expect(repairPrompt).toMatch(/Candidates: \w+/);
    expect(result.valid).toBe(true);
    expect(result.planning.attempts).toBe(2);
  });
});
