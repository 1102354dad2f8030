/**
 * The LLM planner with plan memory, through the real SDK against the local OpenAI-compatible
 * server: the nearest remembered plans go into the prompt as examples and the answer names
 * them; with memory off, or nothing similar, the prompt has none.
 */
import { afterEach, describe, expect, it } from "vitest";
import { OpenAiProvider } from "@/lib/llm/openai-provider";
import { reply, startOpenAiServer, type OpenAiTestServer } from "@/tests/support/openai-server/server";
import { builtinRegistry } from "@/tests/support/planner-catalogs";
import type { Plan } from "@/lib/core/plan";
import { planGoal } from "../plan-goal";
import type { RememberedPlan } from "./remembered-plan";

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const REMEMBERED_GOAL = "Load the sample sales CSV and total revenue by region";
const rememberedPlan: Plan = {
  goal: REMEMBERED_GOAL,
  flows: [],
  inputs: [],
  steps: [
    { id: "load", action: "data.load_csv", inputs: { path: { kind: "literal", value: "sample:sales.csv" } } },
    { id: "by_region", action: "data.group_aggregate", inputs: { table: { kind: "step", step: "load", path: ["table"] }, groupBy: { kind: "literal", value: ["region"] }, aggregates: { kind: "literal", value: [{ fn: "sum", column: "revenue", as: "revenue" }] } } },
  ],
  outputs: { table: { kind: "step", step: "by_region", path: ["table"] } },
};
const memory: RememberedPlan[] = [
  { id: "version:v-sales", goal: REMEMBERED_GOAL, plan: rememberedPlan, origin: "run", planId: "p-sales", versionId: "v-sales" },
  { id: "template:unrelated", goal: "Digest a web page and list its links", plan: { ...rememberedPlan, goal: "Digest a web page and list its links" }, origin: "template" },
];
const answer = {
  inputs: [],
  steps: [
    { id: "load", action: "data.load_csv", label: "Load sales", inputs: [{ name: "path", value: "sample:sales.csv" }], after: [] },
    { id: "by_product", action: "data.group_aggregate", label: "Revenue by product", inputs: [{ name: "table", value: "${steps.load.output.table}" }, { name: "groupBy", value: '["product"]' }, { name: "aggregates", value: '[{"fn":"sum","column":"revenue","as":"revenue"}]' }], after: [] },
  ],
  outputs: [{ name: "table", value: "${steps.by_product.output.table}" }],
};

function llm() {
  return new OpenAiProvider({ baseUrl: server!.baseUrl, model: "gpt-4o-mini", apiKey: "sk-test", backoffMs: 5, maxBackoffMs: 10 });
}

describe("the LLM planner with plan memory", () => {
  it("shows the nearest remembered plans as examples, and the answer names them", async () => {
    server = await startOpenAiServer([reply.json(answer)]);
    const result = await planGoal({ goal: "Load the sample sales CSV and total revenue by product" }, { catalog: builtinRegistry().catalog, llm: llm(), memory });
    expect(result.valid).toBe(true);
    const prompt = server.requests[0].body!.messages[1].content as string;
    expect(prompt).toContain("# Plans that worked for similar goals");
    expect(prompt).toContain(`Goal: ${REMEMBERED_GOAL}`);
    expect(prompt).toContain('"action":"data.group_aggregate"');
    expect(prompt).not.toContain("Digest a web page");
    expect(result.memory?.examples).toEqual([expect.objectContaining({ id: "version:v-sales", versionId: "v-sales" })]);
    expect(result.memory?.startedFrom).toBeUndefined();
  });

  it("shows none with memory off for the request", async () => {
    server = await startOpenAiServer([reply.json(answer)]);
    const result = await planGoal({ goal: "Load the sample sales CSV and total revenue by product", memory: false }, { catalog: builtinRegistry().catalog, llm: llm(), memory });
    expect(server.requests[0].body!.messages[1].content).not.toContain("Plans that worked");
    expect(result.memory).toBeUndefined();
  });
});
