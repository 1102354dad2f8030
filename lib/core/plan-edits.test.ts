import { describe, expect, it } from "vitest";
import { validatePlan } from "./validate-plan";
import { topologicalOrder } from "./graph";
import type { Plan, Step } from "./plan";
import { catalog } from "../../tests/support/core-fixtures";
import {
  addOrderDependency, addPlanInput, addStep, autoConnect, canMergeInto, checkConnection, connect, createStep, mergeConnect, moveStep, pasteSteps,
  promoteToPlanInput, removeOrderDependency, removePlanInput, removeStep, removeSteps, renamePlanInput, renameStep,
  runOrder, setBinding, uniqueStepId, updateStep,
} from "./plan-edits";
import { lit } from "../../tests/support/bindings";

const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "g", flows: [], inputs: [], outputs: {}, steps, ...extra });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const ids = (p: Plan) => p.steps.map((s) => s.id);
const must = (r: { ok: true; plan: Plan } | { ok: false; reason: string }): Plan => {
  if (!r.ok) throw new Error(r.reason);
  return r.plan;
};

const chain = plan([
  { id: "load", action: "load_csv", inputs: { path: lit("sales.csv") } },
  { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") } },
  { id: "fmt", action: "format_number", inputs: { value: ref("sum", "total") } },
], { outputs: { total: ref("fmt") } });

describe("step ids", () => {
  it("derives a fresh id from the action", () => {
    expect(uniqueStepId(chain, "data.load")).toBe("load_2");
    expect(uniqueStepId(chain, "text.summarize")).toBe("summarize");
    expect(uniqueStepId(chain, "9lives")).toBe("s_9lives");
    expect(createStep(chain, "data.sum")).toEqual({ id: "sum_2", action: "data.sum", inputs: {} });
  });
});

describe("addStep", () => {
  it("appends, or inserts after a step and waits for it", () => {
    const p = must(addStep(chain, { id: "mail", action: "send_email", inputs: {} }, { after: "load" }));
    expect(ids(p)).toEqual(["load", "mail", "sum", "fmt"]);
    expect(p.steps[1].after).toEqual(["load"]);
    expect(chain.steps).toHaveLength(3);
    expect(p.steps[0]).toBe(chain.steps[0]);
  });
  it("does not add an order dependency when the step already reads the anchor", () => {
    const p = must(addStep(chain, { id: "sum2", action: "sum_column", inputs: { table: ref("load", "table") } }, { after: "load" }));
    expect(p.steps[1].after).toBeUndefined();
  });
  it("refuses duplicate and malformed ids and unknown anchors", () => {
    expect(addStep(chain, { id: "load", action: "x", inputs: {} })).toMatchObject({ ok: false, reason: expect.stringContaining("already") });
    expect(addStep(chain, { id: "1x", action: "x", inputs: {} }).ok).toBe(false);
    expect(addStep(chain, { id: "y", action: "x", inputs: {} }, { after: "nope" }).ok).toBe(false);
  });
});

describe("removeStep", () => {
  it("unbinds readers, drops order dependencies and outputs that read it", () => {
    const withAfter = plan([...chain.steps, { id: "mail", action: "send_email", inputs: {}, after: ["fmt", "load"] }], { outputs: chain.outputs });
    const p = removeStep(withAfter, "fmt");
    expect(ids(p)).toEqual(["load", "sum", "mail"]);
    expect(p.steps[2].after).toEqual(["load"]);
    expect(p.outputs).toEqual({});
    const q = removeSteps(withAfter, ["sum", "load"]);
    expect(q.steps.find((s) => s.id === "fmt")!.inputs).toEqual({});
    expect(removeSteps(chain, ["nope"])).toBe(chain);
  });
});

describe("runOrder and moveStep", () => {
  const flat = plan([
    { id: "a", action: "format_number", inputs: { value: lit(1) } },
    { id: "b", action: "format_number", inputs: { value: lit(2) } },
    { id: "c", action: "format_number", inputs: { value: lit(3) } },
  ]);

  it("orders dependencies first, otherwise by plan order", () => {
    const p = plan([chain.steps[2], chain.steps[1], chain.steps[0]]);
    expect(runOrder(p.steps)).toEqual(["load", "sum", "fmt"]);
    expect(runOrder(flat.steps)).toEqual(["a", "b", "c"]);
  });

  it("turns a new position into order-only dependencies on the neighbours", () => {
    const p = must(moveStep(flat, "c", 0));
    expect(ids(p)).toEqual(["c", "a", "b"]);
    expect(p.steps.find((s) => s.id === "a")!.after).toEqual(["c"]);
    expect(runOrder(p.steps)).toEqual(["c", "a", "b"]);
    const q = must(moveStep(flat, "a", 1));
    expect(runOrder(q.steps)).toEqual(["b", "a", "c"]);
    expect(q.steps.find((s) => s.id === "a")!.after).toEqual(["b"]);
    expect(q.steps.find((s) => s.id === "c")!.after).toEqual(["a"]);
  });

  it("drops order dependencies the move contradicts", () => {
    const p = must(moveStep(flat, "c", 0));
    const back = must(moveStep(p, "c", 2));
    expect(runOrder(back.steps)).toEqual(["a", "b", "c"]);
    expect(back.steps.find((s) => s.id === "a")!.after).toBeUndefined();
  });

  it("refuses to reverse a data dependency, and says why", () => {
    expect(moveStep(chain, "fmt", 0)).toEqual({ ok: false, reason: expect.stringContaining(`reads the output of "sum"`) });
    expect(moveStep(chain, "load", 2)).toEqual({ ok: false, reason: expect.stringContaining("cannot run after") });
    expect(moveStep(chain, "nope", 0).ok).toBe(false);
  });

  it("keeps the result acyclic and valid over many random moves", () => {
    let p: Plan = plan([
      ...chain.steps,
      { id: "x", action: "format_number", inputs: { value: lit(1) } },
      { id: "y", action: "format_number", inputs: { value: lit(2) } },
      { id: "z", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("c") } },
    ]);
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    for (let i = 0; i < 200; i++) {
      const id = p.steps[rnd(p.steps.length)].id;
      const to = rnd(p.steps.length);
      const r = moveStep(p, id, to);
      if (!r.ok) continue;
      p = r.plan;
      expect(runOrder(p.steps).indexOf(id)).toBe(Math.min(to, p.steps.length - 1));
      expect(topologicalOrder(p.steps).cyclic).toEqual([]);
      expect(validatePlan(p, catalog).issues.filter((x) => x.severity === "error")).toEqual([]);
    }
  });
});

describe("connections", () => {
  it("accepts a connection whose types fit, refuses one that does not with the reason", () => {
    expect(checkConnection(chain, catalog, { kind: "step", step: "load", path: ["table"] }, { step: "sum", input: "table" })).toEqual({ ok: true });
    const bad = checkConnection(chain, catalog, { kind: "step", step: "load", path: ["rowCount"] }, { step: "sum", input: "table" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/output of "load".rowCount is integer, but "table" needs/);
    expect(checkConnection(chain, catalog, { kind: "step", step: "load" }, { step: "sum", input: "column" }).ok).toBe(false);
  });
  it("refuses self references, cycles, unknown inputs and bad paths", () => {
    expect(checkConnection(chain, catalog, { kind: "step", step: "sum", path: ["total"] }, { step: "sum", input: "column" })).toMatchObject({ ok: false });
    expect(checkConnection(chain, catalog, { kind: "step", step: "fmt" }, { step: "load", input: "path" })).toEqual({ ok: false, reason: expect.stringContaining("cycle") });
    expect(checkConnection(chain, catalog, { kind: "step", step: "load" }, { step: "sum", input: "nope" }).ok).toBe(false);
    expect(checkConnection(chain, catalog, { kind: "step", step: "load", path: ["nope"] }, { step: "sum", input: "table" }).ok).toBe(false);
  });
  it("checks plan inputs too", () => {
    const p = plan(chain.steps, { inputs: [{ name: "file", schema: { type: "string" } }, { name: "n", schema: { type: "number" } }] });
    expect(checkConnection(p, catalog, { kind: "input", name: "file" }, { step: "load", input: "path" }).ok).toBe(true);
    expect(checkConnection(p, catalog, { kind: "input", name: "n" }, { step: "load", input: "path" }).ok).toBe(false);
    const q = must(connect(p, catalog, { kind: "input", name: "file" }, { step: "load", input: "path" }));
    expect(q.steps[0].inputs.path).toEqual({ kind: "input", name: "file" });
  });
  it("connect binds and drops an order dependency it makes redundant", () => {
    const p = plan([chain.steps[0], { id: "sum", action: "sum_column", inputs: { column: lit("x") }, after: ["load"] }]);
    const q = must(connect(p, catalog, { kind: "step", step: "load", path: ["table"] }, { step: "sum", input: "table" }));
    expect(q.steps[1]).toEqual({ id: "sum", action: "sum_column", inputs: { column: lit("x"), table: ref("load", "table") } });
    expect(setBinding(q, "sum", "table", undefined).steps[1].inputs).toEqual({ column: lit("x") });
  });
  it("mergeConnect makes a bound input a merge (firstOf) of what it had and the new source, with the same checks", () => {
    const p = plan([...chain.steps, { id: "load2", action: "load_csv", inputs: { path: lit("other.csv") } }], { outputs: chain.outputs });
    const target = { step: "sum", input: "table" };
    const second = { kind: "step" as const, step: "load2", path: ["table"] };
    expect(canMergeInto(p, second, target)).toBe(true);
    expect(canMergeInto(p, { kind: "step", step: "load", path: ["table"] }, target)).toBe(false);
    expect(canMergeInto(p, second, { step: "sum", input: "column" })).toBe(false);
    const q = must(mergeConnect(p, catalog, second, target));
    expect(q.steps[1].inputs.table).toEqual({ kind: "firstOf", of: [ref("load", "table"), ref("load2", "table")] });
    expect(validatePlan(q, catalog).valid).toBe(true);
    expect(mergeConnect(q, catalog, second, target)).toMatchObject({ ok: false });
    expect(mergeConnect(p, catalog, { kind: "step", step: "load2", path: ["rowCount"] }, target)).toMatchObject({ ok: false, reason: expect.stringContaining('"table" needs') });
  });
  it("autoConnect binds required inputs to the first fitting output field", () => {
    const p = plan([chain.steps[0], { id: "sum", action: "sum_column", inputs: {} }]);
    expect(autoConnect(p, catalog, "sum", "load").steps[1].inputs).toEqual({ table: ref("load", "table") });
  });
  it("order dependencies: add, refuse redundant or cyclic, remove", () => {
    const p = must(addOrderDependency(chain, "load", "fmt"));
    expect(p.steps[2].after).toEqual(["load"]);
    expect(addOrderDependency(chain, "load", "sum").ok).toBe(false);
    expect(addOrderDependency(chain, "fmt", "load")).toEqual({ ok: false, reason: expect.stringContaining("cycle") });
    expect(removeOrderDependency(p, "load", "fmt").steps[2].after).toBeUndefined();
  });
});

describe("rename, settings, paste", () => {
  it("renames a step and every reference to it", () => {
    const p = must(renameStep(chain, "sum", "total"));
    expect(ids(p)).toEqual(["load", "total", "fmt"]);
    expect(p.steps[2].inputs.value).toEqual(ref("total", "total"));
    expect(renameStep(chain, "sum", "load").ok).toBe(false);
    expect(renameStep(chain, "sum", "bad id").ok).toBe(false);
  });
  it("updates and clears settings", () => {
    const p = updateStep(chain, "load", { label: "Load", retry: { maxAttempts: 3 }, timeoutMs: 5000 });
    expect(p.steps[0]).toMatchObject({ label: "Load", retry: { maxAttempts: 3 }, timeoutMs: 5000 });
    expect(updateStep(p, "load", { label: "", retry: undefined }).steps[0]).not.toHaveProperty("label");
  });
  it("pastes copies with fresh ids, internal references remapped", () => {
    const { plan: p, ids: map } = pasteSteps(chain, [chain.steps[1], chain.steps[2]]);
    expect(ids(p)).toEqual(["load", "sum", "fmt", "sum_2", "fmt_2"]);
    expect(p.steps[4].inputs.value).toEqual(ref("sum_2", "total"));
    expect(p.steps[3].inputs.table).toEqual(ref("load", "table"));
    expect(map.get("sum")).toBe("sum_2");
    const elsewhere = pasteSteps(plan([]), [chain.steps[1]]).plan;
    expect(elsewhere.steps[0].inputs).toEqual({ column: lit("revenue") });
  });
});

describe("plan inputs", () => {
  const withInput = must(addPlanInput(chain, { name: "file", schema: { type: "string" } }));
  const bound = setBinding(withInput, "load", "path", { kind: "input", name: "file" });
  it("adds, refuses duplicates and bad names", () => {
    expect(withInput.inputs).toHaveLength(1);
    expect(addPlanInput(withInput, { name: "file", schema: {} }).ok).toBe(false);
    expect(addPlanInput(withInput, { name: "a-b", schema: {} }).ok).toBe(false);
  });
  it("renames and rebinds", () => {
    const p = must(renamePlanInput(bound, "file", "source"));
    expect(p.steps[0].inputs.path).toEqual({ kind: "input", name: "source" });
    expect(p.inputs[0].name).toBe("source");
  });
  it("removes and unbinds", () => {
    const p = removePlanInput(bound, "file");
    expect(p.inputs).toEqual([]);
    expect(p.steps[0].inputs).toEqual({});
  });
  it("promotes a step input to a plan input with its type and current value", () => {
    const p = must(promoteToPlanInput(chain, catalog, { step: "load", input: "path" }));
    expect(p.inputs).toEqual([{ name: "path", schema: { type: "string" }, default: "sales.csv" }]);
    expect(p.steps[0].inputs.path).toEqual({ kind: "input", name: "path" });
    expect(validatePlan(p, catalog).valid).toBe(true);
  });
});
