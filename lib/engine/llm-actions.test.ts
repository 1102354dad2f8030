/**
 * LLM-backed actions run by the engine against a real local OpenAI-compatible server:
 * the step gets the provider, its token usage is recorded on the step and the run, and
 * with no provider the run is refused before it starts, naming the steps that need one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OpenAiProvider } from "../llm/openai-provider";
import { llmTextActions } from "../actions/text-llm";
import { reply, startOpenAiServer } from "../../tests/support/openai-server/server";
import { freshDatabase } from "../../tests/support/databases";
import { makeHarness } from "../../tests/support/engine-harness";
import { expectAllRunsMatchFold } from "../../tests/support/projection";
import type { Database } from "../store/database";
import type { Plan } from "../core";

const plan: Plan = {
  goal: "summarize",
  flows: [],
  inputs: [],
  steps: [{ id: "sum", action: "text.summarize", inputs: { text: { kind: "literal", value: "Trellis plans work as a typed graph and runs it with retries and approvals." }, maxWords: { kind: "literal", value: 12 } } }],
  outputs: { summary: { kind: "step", step: "sum", path: ["summary"] } },
};

describe("LLM-backed actions in a run", () => {
  let db: Database;
  const ended = new Set<string>();
  beforeAll(async () => { db = await freshDatabase("pglite"); });
  afterAll(async () => { await db?.close(); });
  afterEach(async () => { await expectAllRunsMatchFold(db, ended); });

  it("summarizes through the configured provider and records usage", async () => {
    const server = await startOpenAiServer([reply.json({ summary: "Trellis runs typed plans reliably.", wordCount: 5 }, { usage: { prompt: 42, completion: 9 } })]);
    try {
      const h = makeHarness(db, llmTextActions(), { llm: new OpenAiProvider({ baseUrl: server.baseUrl, apiKey: "test", model: "gpt-test", timeoutMs: 5000 }) });
      const done = await h.engine.run({ planVersionId: await h.savePlan(plan) });
      expect(done.run.status).toBe("succeeded");
      expect(done.run.outputs).toEqual({ summary: "Trellis runs typed plans reliably." });
      expect(done.steps[0].usage).toEqual({ promptTokens: 42, completionTokens: 9 });
      expect(done.run.usage).toEqual({ promptTokens: 42, completionTokens: 9 });
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("is refused up front with no provider configured, naming the LLM steps", async () => {
    const h = makeHarness(db, llmTextActions());
    const versionId = await h.savePlan(plan);
    const refused = await h.engine.start({ planVersionId: versionId }).then(() => undefined, (err: unknown) => err);
    expect(refused).toMatchObject({ code: "llm_not_configured", status: 422, details: { steps: [{ stepId: "sum", action: "text.summarize" }] } });
    expect((refused as Error).message).toMatch(/sum \(text\.summarize\).*OPENAI_API_KEY/);
    expect(await db.prisma.run.count({ where: { planVersionId: versionId } })).toBe(0);
  });
});
