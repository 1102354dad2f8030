/**
 * The LLM planner proposes branches and merges: its structured answer carries a condition per
 * step (`when`, text form) and merges written as `{"firstOf": [...]}` values; Trellis reads them
 * into the plan IR, validates them like any binding, and sends a condition that does not parse
 * back to the model as an `invalid_condition` issue rather than dropping it (a plan that keeps
 * one does not validate).
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseCondition } from "@/lib/core/condition-text";
import { validatePlan } from "@/lib/core/validate-plan";
import { OpenAiProvider } from "@/lib/llm/openai-provider";
import { reply, startOpenAiServer, type OpenAiTestServer } from "@/tests/support/openai-server/server";
import { builtinRegistry } from "../../tests/support/planner-catalogs";
import { planGoal } from "./plan-goal";
import { planToWire, wireToPlan, type WireAnswer } from "./wire-plan";

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const GOAL = "Classify the question as about the shop's data or general; for data, write SQL, run it and show the rows, otherwise answer it directly; one answer either way";
const IS_SQL = '${steps.classify.output.label} == "sql"';

/** An answer as a model writes it: two branches on the classification, merged into one report. */
function branching(when = IS_SQL): WireAnswer {
  return {
    inputs: [{ name: "question", description: "the question to answer" }],
    steps: [
      { id: "classify", action: "text.classify", label: "Classify the question", inputs: [{ name: "text", value: "${inputs.question}" }, { name: "labels", value: '["sql", "general"]' }], after: [], when: "" },
      { id: "sql", action: "sql.generate", label: "Write the SQL", inputs: [{ name: "question", value: "${inputs.question}" }], after: [], when },
      { id: "rows", action: "sql.query_generated", label: "Run it", inputs: [{ name: "sql", value: "${steps.sql.output.sql}" }], after: [], when: "" },
      { id: "table", action: "data.to_markdown", label: "Show the rows", inputs: [{ name: "table", value: "${steps.rows.output.table}" }], after: [], when: "" },
      { id: "general", action: "text.answer", label: "Answer directly", inputs: [{ name: "question", value: "${inputs.question}" }], after: [], when: '${steps.classify.output.label} == "general"' },
      {
        id: "report",
        action: "text.markdown_report",
        label: "One answer",
        inputs: [{ name: "title", value: "Answer" }, { name: "body1", value: '{"firstOf": ["${steps.table.output.markdown}", "${steps.general.output.answer}"]}' }],
        after: [],
        when: "",
      },
    ],
    outputs: [{ name: "answer", value: "${steps.report.output.markdown}" }],
    coverage: [],
  };
}

const llm = () => new OpenAiProvider({ baseUrl: server!.baseUrl, model: "gpt-4o-mini", apiKey: "sk-test", backoffMs: 5, maxBackoffMs: 10 });
const plan = () => planGoal({ goal: GOAL, flows: ["sql", "data", "text"], maxAttempts: 2 }, { catalog: builtinRegistry().catalog, llm: llm() });
const condition = (text: string) => {
  const r = parseCondition(text);
  if (!r.ok) throw new Error(r.error);
  return r.condition;
};

describe("the LLM planner with conditions and merges", () => {
  it("is offered `when` and firstOf, and its answer becomes a valid plan with a condition per branch and a merge", async () => {
    server = await startOpenAiServer([reply.json(branching(), { usage: { prompt: 3100, completion: 420 } })]);
    const result = await plan();
    expect(result.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.planning.attempts).toBe(1);
    const step = (id: string) => result.plan.steps.find((s) => s.id === id)!;
    expect(step("sql").when).toEqual(condition(IS_SQL));
    expect(step("general").when).toEqual(condition('${steps.classify.output.label} == "general"'));
    expect(step("classify").when).toBeUndefined();
    expect(step("report").inputs.body1).toEqual({ kind: "firstOf", of: [{ kind: "step", step: "table", path: ["markdown"] }, { kind: "step", step: "general", path: ["answer"] }] });

    const sent = server.requests[0].body!;
    const stepSchema = (sent.response_format!.json_schema!.schema.properties as Record<string, { items: { properties: Record<string, unknown>; required: string[] } }>).steps.items;
    expect(stepSchema.properties.when).toMatchObject({ type: "string" });
    expect(stepSchema.required).toContain("when");
    expect(sent.messages[0].content).toContain('"firstOf"');
    expect(sent.messages[0].content).toContain('when: "" (usually), or a condition');
  });

  it("sends a condition that does not parse back as invalid_condition, and takes the corrected answer", async () => {
    server = await startOpenAiServer([reply.json(branching('${steps.classify.output.label} = "sql"')), reply.json(branching())]);
    const result = await plan();
    expect(result.planning.attempts).toBe(2);
    expect(result.valid).toBe(true);
    expect(result.plan.steps.find((s) => s.id === "sql")!.when).toEqual(condition(IS_SQL));
    const repairPrompt = server.requests[1].body!.messages[1].content;
    expect(repairPrompt).toMatch(/\[invalid_condition\] step sql: The condition "\$\{steps\.classify\.output\.label\} = "sql"" of step sql cannot be read/);
  });

  it("keeps an unreadable condition an error when the model never fixes it, instead of running the step always", async () => {
    const bad = branching('${steps.classify.output.label} = "sql"');
    server = await startOpenAiServer([reply.json(bad), reply.json(bad)]);
    const result = await plan();
    expect(result.valid).toBe(false);
    expect(result.issues).toContainEqual(expect.objectContaining({ code: "invalid_condition", stepId: "sql", severity: "error" }));
    // the plan itself holds a condition that does not validate, so it is invalid wherever it is checked again (saved, run)
    expect(validatePlan(result.plan, builtinRegistry().catalog).valid).toBe(false);
    expect(result.plan.steps.find((s) => s.id === "sql")!.when).toBeDefined();
  });

  it("writes conditions and merges back into the wire form for a repair or an earlier plan, and reads them again", () => {
    const catalog = builtinRegistry().catalog;
    const context = { goal: GOAL, flows: ["sql", "data", "text"], catalog };
    const first = wireToPlan(branching(), context);
    const again = wireToPlan(planToWire(first), context);
    expect(again.steps).toEqual(first.steps);
    expect(planToWire(first).steps.find((s) => s.id === "report")!.inputs.find((i) => i.name === "body1")!.value).toBe('{"firstOf":["${steps.table.output.markdown}","${steps.general.output.answer}"]}');
  });
});
