import { describe, expect, it } from "vitest";
import { diffPlans, summarizeDiff } from "./plan-diff";
import type { Plan } from "./plan";
import { lit } from "../../tests/support/bindings";

const ref = (step: string, ...path: string[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });

const base: Plan = {
  goal: "Total revenue",
  flows: ["data"],
  inputs: [{ name: "file", schema: { type: "string" } }],
  steps: [
    { id: "load", action: "load_csv", inputs: { path: { kind: "input", name: "file" } } },
    { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") } },
  ],
  outputs: { total: ref("sum", "total") },
};

describe("diffPlans", () => {
  it("finds nothing between a plan and its copy, or a reordering of it", () => {
    const d = diffPlans(base, structuredClone(base));
    expect(d.same).toBe(true);
    expect(d.steps.unchanged).toBe(2);
    expect(summarizeDiff(d)).toBe("No changes");
    expect(diffPlans(base, { ...base, steps: [...base.steps].reverse() }).same).toBe(true);
  });

  it("lists steps added, removed and changed field by field", () => {
    const next: Plan = {
      ...base,
      steps: [
        { ...base.steps[0], label: "Load sales", retry: { maxAttempts: 3 } },
        { id: "fmt", action: "format_number", inputs: { value: ref("load", "rowCount") } },
      ],
    };
    const d = diffPlans(base, next);
    expect(d.steps.added.map((s) => s.id)).toEqual(["fmt"]);
    expect(d.steps.removed.map((s) => s.id)).toEqual(["sum"]);
    expect(d.steps.changed).toEqual([{ id: "load", action: "load_csv", changes: [
      { field: "label", before: undefined, after: "Load sales" },
      { field: "retry", before: undefined, after: '{"maxAttempts":3}' },
    ] }]);
    expect(summarizeDiff(d)).toBe("1 step added, 1 step removed, 1 step changed");
  });

  it("shows input bindings in their text form", () => {
    const next = structuredClone(base);
    next.steps[1].inputs.column = lit("cost");
    next.steps[1].after = ["load"];
    delete next.steps[1].inputs.table;
    const d = diffPlans(base, next);
    expect(d.steps.changed[0].changes).toEqual([
      { field: "after", before: undefined, after: '["load"]' },
      { field: "inputs.column", before: '"revenue"', after: '"cost"' },
      { field: "inputs.table", before: "${steps.load.output.table}", after: undefined },
    ]);
  });

  it("covers plan inputs, outputs, goal and flows", () => {
    const next: Plan = {
      ...base,
      goal: "Total cost",
      flows: ["data", "text"],
      inputs: [{ name: "file", schema: { type: "string" }, default: "a.csv" }, { name: "col", schema: { type: "string" } }],
      outputs: { sum: ref("sum") },
    };
    const d = diffPlans(base, next);
    expect(d.inputs.added.map((i) => i.name)).toEqual(["col"]);
    expect(d.inputs.changed.map((i) => i.name)).toEqual(["file"]);
    expect(d.outputs.added).toEqual([{ name: "sum", after: "${steps.sum.output}" }]);
    expect(d.outputs.removed).toEqual([{ name: "total", before: "${steps.sum.output.total}" }]);
    expect(d.goal).toEqual({ before: "Total revenue", after: "Total cost" });
    expect(d.flows).toEqual({ before: ["data"], after: ["data", "text"] });
    expect(summarizeDiff(d)).toBe("2 plan inputs changed, 2 plan outputs changed, goal changed, flows changed");
  });
});
