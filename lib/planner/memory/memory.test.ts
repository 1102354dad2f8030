/**
 * Plan memory, pure: goal retrieval (similar goals first, values counted by kind, unrelated
 * goals not recalled), adapting a remembered plan (values rebound, stale values never carried
 * over), and the offline planner's choice between an adapted plan and one from scratch.
 */
import { describe, expect, it } from "vitest";
import type { Plan } from "@/lib/core/plan";
import { validatePlan } from "@/lib/core/validate-plan";
import { catalog } from "@/tests/support/core-fixtures";
import { planGoal } from "../plan-goal";
import { adaptPlan, alignedSpan } from "./adapt-plan";
import { GoalIndex, goalTerms } from "./goal-index";
import { recall, startFromMemory } from "./recall";
import type { RememberedPlan } from "./remembered-plan";

const sumPlan = (goal: string, file: string, column: string): Plan => ({
  goal,
  flows: [],
  inputs: [],
  steps: [
    { id: "load", action: "load_csv", inputs: { path: { kind: "literal", value: file } } },
    { id: "total", action: "sum_column", inputs: { table: { kind: "step", step: "load", path: ["table"] }, column: { kind: "literal", value: column } } },
    { id: "pretty", action: "format_number", inputs: { value: { kind: "step", step: "total", path: ["total"] }, decimals: { kind: "literal", value: 2 } } },
  ],
  outputs: { total: { kind: "step", step: "pretty" } },
});

const remembered = (id: string, goal: string, plan: Plan): RememberedPlan => ({ id: `version:${id}`, goal, plan, origin: "run", versionId: id });

const SUM_GOAL = "Load orders.csv, sum the 'amount' column and format the total";
const memory: RememberedPlan[] = [
  remembered("sum", SUM_GOAL, sumPlan(SUM_GOAL, "orders.csv", "amount")),
  remembered("mail", "Send an email to ops@example.com saying the backup finished", {
    goal: "Send an email to ops@example.com saying the backup finished",
    flows: [],
    inputs: [],
    steps: [{ id: "mail", action: "send_email", inputs: { to: { kind: "literal", value: "ops@example.com" }, subject: { kind: "literal", value: "Backup" }, body: { kind: "literal", value: "the backup finished" } } }],
    outputs: {},
  }),
  remembered("weather", "What is the weather in Paris tomorrow", { goal: "What is the weather in Paris tomorrow", flows: [], inputs: [], steps: [{ id: "w", action: "get_weather", inputs: {} }], outputs: {} }),
];

describe("goal retrieval", () => {
  it("counts a stated value as its kind, not as words", () => {
    expect(goalTerms("Load orders.csv and chart it")).toContain("#file");
    expect(goalTerms("Load orders.csv and chart it").join(" ")).not.toMatch(/order/);
  });

  it("finds the most similar remembered goal first, and nothing for an unrelated goal", () => {
    const index = new GoalIndex(memory);
    const [best, second] = index.nearest("Load sales.csv, sum the 'revenue' column and format the total", 2);
    expect(best.remembered.id).toBe("version:sum");
    expect(best.similarity).toBeGreaterThan(0.6);
    expect(second?.similarity ?? 0).toBeLessThan(best.similarity);
    expect(index.nearest("Translate this poem into French", 3)).toEqual([]);
  });

  it("identical goals are as similar as can be; similarity stays within 0..1", () => {
    const [best] = new GoalIndex(memory).nearest(SUM_GOAL, 1);
    expect(best.similarity).toBeCloseTo(1, 6);
  });

  it("recalls only plans the catalog can still run", () => {
    const found = recall("What is the weather in Paris tomorrow", memory, catalog, 3);
    expect(found.map((r) => r.remembered.id)).not.toContain("version:weather");
  });
});

describe("adapting a remembered plan", () => {
  it("rebinds the values the new goal states, keeps the plan's own choices, and names what changed", () => {
    const goal = "Load sales.csv, sum the 'revenue' column and format the total";
    const { plan, changes } = adaptPlan(memory[0], goal, catalog);
    expect(plan.goal).toBe(goal);
    expect(plan.steps.map((s) => s.action)).toEqual(["load_csv", "sum_column", "format_number"]);
    expect(plan.steps[0].inputs.path).toEqual({ kind: "literal", value: "sales.csv" });
    expect(plan.steps[1].inputs.column).toEqual({ kind: "literal", value: "revenue" });
    expect(plan.steps[2].inputs.decimals).toEqual({ kind: "literal", value: 2 });
    expect(changes.join("\n")).toMatch(/orders\.csv.*sales\.csv/);
    expect(validatePlan(plan, catalog).valid).toBe(true);
  });

  it("never carries over a value of the old goal that the new one does not give: it becomes a plan input", () => {
    const { plan } = adaptPlan(memory[0], "Sum the 'revenue' column of the file and format the total", catalog);
    expect(plan.steps[0].inputs.path).toEqual({ kind: "input", name: "path" });
    expect(plan.inputs).toEqual([expect.objectContaining({ name: "path", schema: expect.objectContaining({ type: "string" }) })]);
    expect(JSON.stringify(plan)).not.toContain("orders.csv");
  });

  it("takes the value from the same place in the new goal when it is not a recognisable literal", () => {
    expect(alignedSpan("write a report to reports/a.md", "reports/a.md", "write a report to out/b.md.")).toBe("out/b.md");
    expect(alignedSpan("send it to the sales team today", "the sales team", "send it to marketing today")).toBe("marketing");
    expect(alignedSpan("send it to the sales team today", "the sales team", "email the summary")).toBeUndefined();
  });
});

describe("planning with memory (offline)", () => {
  it("starts from the nearest close remembered plan, validated, and says which", async () => {
    const goal = "Load sales.csv, sum the 'revenue' column and format the total";
    const result = await planGoal({ goal, planner: "offline" }, { catalog, memory });
    expect(result.memory?.startedFrom).toMatchObject({ id: "version:sum", versionId: "sum", origin: "run" });
    expect(result.valid).toBe(true);
    expect(result.plan.steps[1].inputs.column).toEqual({ kind: "literal", value: "revenue" });
    expect(result.planning.notes?.[0]).toContain("version:sum");
  });

  it("plans from scratch when memory is off, when nothing is close, or when the adapted plan breaks the request's limits", async () => {
    const goal = "Load sales.csv, sum the 'revenue' column and format the total";
    const off = await planGoal({ goal, planner: "offline", memory: false }, { catalog, memory });
    const none = await planGoal({ goal, planner: "offline" }, { catalog });
    expect(off.memory).toBeUndefined();
    expect(off.plan).toEqual(none.plan);
    const far = await planGoal({ goal: "Email ops@example.com the weekly numbers", planner: "offline" }, { catalog, memory: [memory[0]] });
    expect(far.memory).toBeUndefined();
    expect(startFromMemory(goal, memory, catalog, { scratch: none.plan, flows: [] })).toBeDefined();
    expect(startFromMemory(goal, memory, catalog, { scratch: none.plan, flows: [], maxSteps: 2 })).toBeUndefined();
  });
});
