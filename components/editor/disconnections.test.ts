import { describe, expect, it } from "vitest";
import type { Plan } from "@/lib/core/plan";
import { catalog } from "@/tests/support/core-fixtures";
import { createEditorStore } from "./editor-store";
import { cutBy, cutMessage, openDisconnections } from "./disconnections";
import { hashOf } from "./validation";

const lit = (value: unknown) => ({ kind: "literal" as const, value });
const ref = (step: string, ...path: string[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });

// `fmt` takes its required value and its optional decimals from `sum`; the plan output reads `fmt`.
const plan: Plan = {
  goal: "Total revenue",
  flows: [],
  inputs: [],
  steps: [
    { id: "load", action: "load_csv", inputs: { path: lit("sales.csv") } },
    { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") } },
    { id: "fmt", action: "format_number", inputs: { value: ref("sum", "total"), decimals: ref("sum", "total") } },
    { id: "fmt2", action: "format_number", inputs: { value: lit(1), decimals: ref("sum", "total") } },
  ],
  outputs: { text: ref("fmt"), total: ref("sum", "total") },
};

describe("cutBy", () => {
  it("names every input and plan output a deleted step fed, required or not, but not those between deleted steps", () => {
    expect(cutBy(plan, ["sum"], catalog)).toEqual({
      inputs: [
        { stepId: "fmt", input: "value", from: "sum", required: true },
        { stepId: "fmt", input: "decimals", from: "sum", required: false },
        { stepId: "fmt2", input: "decimals", from: "sum", required: false },
      ],
      outputs: ["total"],
    });
    expect(cutBy(plan, ["sum", "fmt", "fmt2"], catalog).inputs).toEqual([]);
    expect(cutBy(plan, ["fmt2"], catalog)).toEqual({ inputs: [], outputs: [] });
  });

  it("says what was disconnected in one sentence", () => {
    expect(cutMessage(["fmt2"], { inputs: [], outputs: [] })).toBeNull();
    expect(cutMessage(["sum"], cutBy(plan, ["sum"], catalog))).toBe(
      "Deleting step sum disconnected fmt.value (required: now an error), fmt.decimals (optional: now empty), fmt2.decimals (optional: now empty) and plan output total. Undo brings them back.",
    );
  });

  it("keeps notices only for optional inputs still unbound on steps that still exist", () => {
    const cut = cutBy(plan, ["sum"], catalog).inputs;
    const after: Plan = { ...plan, steps: plan.steps.filter((s) => s.id !== "sum").map((s) => ({ ...s, inputs: Object.fromEntries(Object.entries(s.inputs).filter(([, b]) => b.kind !== "step" || b.step !== "sum")) })) };
    expect(openDisconnections(cut, after).map((d) => `${d.stepId}.${d.input}`)).toEqual(["fmt.decimals", "fmt2.decimals"]);
    const rebound: Plan = { ...after, steps: after.steps.map((s) => (s.id === "fmt2" ? { ...s, inputs: { ...s.inputs, decimals: lit(2) } } : s)) };
    expect(openDisconnections(cut, rebound).map((d) => `${d.stepId}.${d.input}`)).toEqual(["fmt.decimals"]);
    expect(openDisconnections(cut, { ...after, steps: after.steps.filter((s) => s.id !== "fmt") })).toEqual([cut[2]]);
  });
});

describe("deleting a step in the editor", () => {
  it("toasts what it disconnected, keeps the optional ones as notices, and drops them when undone or dismissed", () => {
    const store = createEditorStore({ planId: "p", plan, versionId: "v", versionHash: hashOf(plan), catalog: catalog.list() });
    const a = store.getState().actions;
    a.select(["sum"]);
    a.deleteSelection();
    expect(store.getState().toasts.at(-1)?.message).toContain("disconnected fmt.value (required: now an error), fmt.decimals (optional: now empty)");
    const open = () => openDisconnections(store.getState().disconnected, store.getState().plan).map((d) => `${d.stepId}.${d.input}`);
    expect(open()).toEqual(["fmt.decimals", "fmt2.decimals"]);
    a.dismissDisconnection(store.getState().disconnected.find((d) => d.stepId === "fmt2")!);
    expect(open()).toEqual(["fmt.decimals"]);
    a.undo();
    expect(open()).toEqual([]);

    // A required input cut is said too, though the validator already calls it an error.
    a.select([], []);
    const toasts = store.getState().toasts.length;
    a.select(["load"]);
    a.deleteSelection();
    expect(store.getState().toasts.length).toBe(toasts + 1);
    expect(store.getState().toasts.at(-1)?.message).toBe("Deleting step load disconnected sum.table (required: now an error). Undo brings it back.");
  });
});
