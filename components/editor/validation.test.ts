import { describe, expect, it } from "vitest";
import { contentHash } from "@/lib/core/hash";
import type { Plan } from "@/lib/core/plan";
import { catalog } from "@/tests/support/core-fixtures";
import { validatePlan } from "@/lib/core/validate-plan";
import { hashOf, validationOf } from "./validation";

const plan = (): Plan => ({
  goal: "Total revenue", flows: [], inputs: [], outputs: {},
  steps: [
    { id: "load", action: "load_csv", inputs: { path: { kind: "literal", value: "sales.csv" } } },
    { id: "sum", action: "sum_column", inputs: { table: { kind: "step", step: "load", path: ["table"] }, column: { kind: "literal", value: "revenue" } } },
  ],
});

describe("validationOf", () => {
  it("gives the validator's result, once per plan object", () => {
    const p = plan();
    const r = validationOf(p, catalog);
    expect(r).toEqual(validatePlan(p, catalog));
    expect(validationOf(p, catalog)).toBe(r);
    const copy = plan();
    expect(validationOf(copy, catalog)).not.toBe(r);
    expect(validationOf(copy, catalog)).toEqual(r);
  });

  it("finds what an edit broke", () => {
    const p = plan();
    expect(validationOf(p, catalog).valid).toBe(true);
    const broken: Plan = { ...p, steps: [p.steps[0], { ...p.steps[1], inputs: { column: { kind: "literal", value: 5 } } }] };
    const r = validationOf(broken, catalog);
    expect(r.valid).toBe(false);
    expect(r.issues.filter((i) => i.severity === "error").map((i) => [i.code, i.stepId, i.input]).sort()).toEqual([
      ["invalid_literal", "sum", "column"],
      ["missing_required_input", "sum", "table"],
    ]);
  });

  it("reports an empty plan", () => {
    const r = validationOf({ goal: "", flows: [], inputs: [], steps: [], outputs: {} }, catalog);
    expect(r.issues.map((i) => i.code)).toContain("empty_plan");
  });
});

describe("hashOf", () => {
  it("is the content hash the server computes, the same for equal content", () => {
    const a = plan();
    expect(hashOf(a)).toBe(contentHash(a));
    expect(hashOf(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashOf(plan())).toBe(hashOf(a));
  });

  it("changes with the content, not with key order", () => {
    const a = plan();
    expect(hashOf({ ...a, goal: "Other" })).not.toBe(hashOf(a));
    const reordered = { steps: a.steps, outputs: a.outputs, inputs: a.inputs, flows: a.flows, goal: a.goal } as Plan;
    expect(hashOf(reordered)).toBe(hashOf(a));
  });

  it("is remembered per plan object (plans are never mutated)", () => {
    const a = plan();
    const first = hashOf(a);
    a.goal = "mutated behind its back";
    expect(hashOf(a)).toBe(first);
  });
});
