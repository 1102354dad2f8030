import { describe, expect, it } from "vitest";
import type { Plan } from "../core";
import { planShape } from "./plan-shape";

const plan: Plan = {
  goal: "shape", flows: [], inputs: [], outputs: {},
  steps: [
    { id: "a", action: "x", inputs: {} },
    { id: "b", action: "x", inputs: { v: { kind: "step", step: "a" } } },
    { id: "c", action: "x", inputs: {}, after: ["a"] },
    { id: "d", action: "x", inputs: { v: { kind: "firstOf", of: [{ kind: "step", step: "b" }, { kind: "step", step: "c" }] } } },
  ],
};

describe("planShape", () => {
  it("gives each step its place, dependencies, merge-only dependencies and dependents", () => {
    const s = planShape(plan);
    expect([...s.index]).toEqual([["a", 0], ["b", 1], ["c", 2], ["d", 3]]);
    expect(s.deps.get("d")).toEqual(expect.arrayContaining(["b", "c"]));
    expect([...s.mergeOnly.get("d")!].sort()).toEqual(["b", "c"]);
    expect(s.mergeOnly.get("b")!.size).toBe(0);
    expect(s.dependents.get("a")).toEqual(["b", "c"]);
    expect(s.dependents.get("d")).toBeUndefined();
    expect(s.defs.get("c")).toBe(plan.steps[2]);
  });

  it("is built once per plan object, and again for another object", () => {
    expect(planShape(plan)).toBe(planShape(plan));
    expect(planShape(structuredClone(plan))).not.toBe(planShape(plan));
  });
});
