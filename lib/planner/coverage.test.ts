/**
 * What an LLM's plan covers: the model is asked for coverage in its structured answer, and
 * Trellis checks each claim against the plan (through the real SDK and the local
 * OpenAI-compatible server). A claimed step that does not exist, or whose step does not carry
 * what the part says, is not coverage.
 */
import { afterEach, describe, expect, it } from "vitest";
import { OpenAiProvider } from "@/lib/llm/openai-provider";
import { reply, startOpenAiServer, type OpenAiTestServer } from "@/tests/support/openai-server/server";
import { builtinRegistry } from "../../tests/support/planner-catalogs";
import { planGoal } from "./plan-goal";
import type { WireAnswer } from "./wire-plan";

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function llm() {
  return new OpenAiProvider({ baseUrl: server!.baseUrl, model: "gpt-4o-mini", apiKey: "sk-test", backoffMs: 5, maxBackoffMs: 10 });
}

async function plan(goal: string) {
  return planGoal({ goal, maxAttempts: 1 }, { catalog: builtinRegistry().catalog, llm: llm() });
}

const GOAL = "Read notes.txt, count words, write the counts to counts.json";
const steps: WireAnswer["steps"] = [
  { id: "read", action: "files.read", label: "Read notes.txt", inputs: [{ name: "path", value: "notes.txt" }], after: [] },
  { id: "count", action: "text.count_words", label: "Count words", inputs: [{ name: "text", value: "${steps.read.output.content}" }], after: [] },
  { id: "save", action: "data.write_file", label: "Write counts.json", inputs: [{ name: "table", value: "${steps.count.output.table}" }, { name: "path", value: "counts.json" }], after: [] },
];

describe("coverage of an LLM's plan", () => {
  it("asks for coverage in the structured answer and keeps claims the plan backs", async () => {
    server = await startOpenAiServer([
      reply.json({
        inputs: [],
        steps,
        outputs: [],
        coverage: [
          { part: "Read notes.txt", steps: ["read"], missing: "", note: "" },
          { part: "count words", steps: ["count"], missing: "", note: "" },
          { part: "write the counts to counts.json", steps: ["save"], missing: "", note: "" },
        ],
      } satisfies WireAnswer),
    ]);
    const result = await plan(GOAL);
    expect(result.status).toBe("ready");
    expect(result.coverage.parts).toEqual([
      { text: "Read notes.txt", start: 0, end: 14, steps: ["read"] },
      { text: "count words", start: 16, end: 27, steps: ["count"] },
      { text: "write the counts to counts.json", start: 29, end: 60, steps: ["save"] },
    ]);
    const schema = server.requests[0].body!.response_format!.json_schema!.schema as { required: string[]; properties: Record<string, unknown> };
    expect(schema.required).toContain("coverage");
    expect(server.requests[0].body!.messages[0].content).toContain("coverage");
  });

  it("does not count a claimed step that does not exist, or one that does not carry what the part says", async () => {
    server = await startOpenAiServer([
      reply.json({
        inputs: [],
        steps: steps.slice(0, 2),
        outputs: [],
        coverage: [
          { part: "Read notes.txt", steps: ["read"], missing: "", note: "" },
          { part: "count words", steps: ["count", "tally"], missing: "", note: "" },
          // counts.json is written by no step: the count step does not write files.
          { part: "write the counts to counts.json", steps: ["count"], missing: "", note: "" },
        ],
      } satisfies WireAnswer),
    ]);
    const result = await plan(GOAL);
    expect(result.valid).toBe(true);
    expect(result.status).toBe("partial");
    expect(result.coverage.parts[1]).toMatchObject({ steps: ["count"] });
    expect(result.coverage.parts[1].uncovered).toBeUndefined();
    expect(result.coverage.parts[2]).toMatchObject({ steps: [], uncovered: { reason: "no_action", message: expect.stringContaining('"counts.json" is not in that step') } });
  });

  it("does not count a step whose action is about something else, nor one that is not in the plan", async () => {
    server = await startOpenAiServer([
      reply.json({
        inputs: [],
        steps: [{ id: "tables", action: "sql.list_tables", label: "Find the top customers", inputs: [], after: [] }],
        outputs: [],
        coverage: [
          { part: "Find the customers with the highest total order value", steps: ["tables"], missing: "", note: "" },
          { part: "email them", steps: ["mail"], missing: "", note: "" },
        ],
      } satisfies WireAnswer),
    ]);
    const result = await plan("Find the customers with the highest total order value and email them");
    expect(result.status).toBe("partial");
    expect(result.coverage.parts[0]).toMatchObject({ steps: [], uncovered: { reason: "no_action", message: expect.stringContaining("about something else") } });
    expect(result.coverage.parts[1]).toMatchObject({ steps: [], uncovered: { reason: "no_action", message: expect.stringContaining("no step mail") } });
  });

  it("presents no plan when the model says no action does any part", async () => {
    server = await startOpenAiServer([
      reply.json({
        inputs: [],
        steps: [],
        outputs: [],
        coverage: [
          { part: "Book me a flight to Tokyo next Tuesday", steps: [], missing: "no_action", note: "No action books flights." },
          { part: "pay with my credit card", steps: [], missing: "no_action", note: "No action takes payments." },
        ],
      } satisfies WireAnswer),
    ]);
    const result = await plan("Book me a flight to Tokyo next Tuesday and pay with my credit card");
    expect(result.status).toBe("no_plan");
    expect(result.coverage.parts.map((p) => p.uncovered?.message)).toEqual(["No action books flights.", "No action takes payments."]);
    expect(result.help).toMatchObject({ connectLlm: false, connectTools: true });
  });
});
