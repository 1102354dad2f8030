import { describe, expect, it } from "vitest";
import { buildPlanPrompt, buildRepairPrompt, describeAction } from "./prompt";
import { builtinRegistry } from "../../tests/support/planner-catalogs";

const actions = () => builtinRegistry().catalog.forFlows(["data"]).list();

describe("the planning prompt", () => {
  it("holds the goal, given values, instruction, context, earlier plans, constraints and the actions", () => {
    const { system, prompt } = buildPlanPrompt({
      goal: "Total revenue by region",
      actions: actions(),
      given: { region: "North" },
      instruction: "Prefer bar charts.",
      context: ["Revenue is in USD."],
      earlierPlans: [{ goal: "Load sales", flows: [], inputs: [], steps: [{ id: "load", action: "data.load_csv", inputs: { path: { kind: "literal", value: "sales.csv" } } }], outputs: {} }],
      maxSteps: 6,
      useActions: ["data.group_aggregate"],
      avoidActions: ["data.join"],
    });
    expect(system).toContain("${steps.ID.output.FIELD}");
    expect(system).toContain("Never invent values");
    for (const part of ["# Goal\nTotal revenue by region", 'region = "North"', "Prefer bar charts.", "Revenue is in USD.", '"id":"load"', "At most 6 steps.", "Use these actions: data.group_aggregate", "Do not use: data.join", "## data.load_csv — Load CSV"]) {
      expect(prompt).toContain(part);
    }
  });

  it("describes an action's typed inputs, required ones starred, and its output", () => {
    const text = describeAction(builtinRegistry().catalog.get("data.sort")!);
    expect(text).toContain("  - table*: { columns: string[], rows: object[] }");
    expect(text).toContain("  - limit: integer");
    expect(text).toContain("output: { table: { columns: string[], rows: object[] }, rowCount: integer }");
  });

  it("asks again with the remaining issues, their candidates and what was already fixed", () => {
    const { prompt } = buildRepairPrompt(
      { goal: "g", actions: actions() },
      {
        plan: { goal: "g", flows: [], inputs: [], steps: [{ id: "chart", action: "data.chart_svg", inputs: {} }], outputs: {} },
        issues: [{ code: "missing_required_input", severity: "error", stepId: "chart", input: "table", message: 'Step "chart" needs "table".', candidates: [{ kind: "step", value: "load", label: "${steps.load.output.table}" }] }],
        repairs: [{ kind: "literal", message: 'chart.kind: "Bar" → "bar"' }],
      },
    );
    expect(prompt).toContain("# Your previous plan (after automatic fixes)");
    expect(prompt).toContain('[missing_required_input] step chart, input table: Step "chart" needs "table". Candidates: ${steps.load.output.table}.');
    expect(prompt).toContain('- chart.kind: "Bar" → "bar"');
    const unread = buildRepairPrompt({ goal: "g", actions: actions() }, { error: "the answer holds no JSON value", raw: "Sorry", issues: [], repairs: [] });
    expect(unread.prompt).toContain("could not be used\nthe answer holds no JSON value\nIt began: Sorry");
  });
});
