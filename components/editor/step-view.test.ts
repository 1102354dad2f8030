import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import type { ValidationIssue } from "@/lib/core/issues";
import type { Plan, Step } from "@/lib/core/plan";
import { catalog, formatNumber, loadCsv, sendEmail, sumColumn } from "@/tests/support/core-fixtures";
import {
  BODY_PADDING, HEADER_HEIGHT, ROW_HEIGHT, indexIssues, inputsNodeHeight, nodeHeight, outputFields, shortType, stepView, usedFieldsOf,
  visiblePorts,
} from "./step-view";

const lit = (value: unknown) => ({ kind: "literal" as const, value });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "g", flows: [], inputs: [], outputs: {}, steps, ...extra });
const issue = (i: Partial<ValidationIssue> & Pick<ValidationIssue, "severity">): ValidationIssue => ({ code: "type_mismatch", message: "m", ...i });

/** An action with many optional inputs and many output fields, to exercise the compact node. */
const wide = defineAction({
  id: "wide", title: "Wide", description: "many ports", effect: "pure",
  input: z.object({ a: z.string(), b: z.string().optional(), c: z.number().optional(), d: z.boolean().optional(), e: z.string().optional(), f: z.string().optional() }),
  output: z.object({ o1: z.string(), o2: z.string(), o3: z.string(), o4: z.string(), o5: z.string(), o6: z.string(), o7: z.string() }),
  run: () => ({ o1: "", o2: "", o3: "", o4: "", o5: "", o6: "", o7: "" }),
});

describe("indexIssues", () => {
  it("groups issues by step, counts errors and warnings, and keeps the worst severity per input", () => {
    const issues = [
      issue({ severity: "warning", stepId: "a", input: "x", message: "w1" }),
      issue({ severity: "error", stepId: "a", input: "x", message: "e1" }),
      issue({ severity: "info", stepId: "a", input: "x", message: "i1" }),
      issue({ severity: "info", stepId: "a", input: "y", message: "i2" }),
      issue({ severity: "warning", stepId: "b", message: "w2" }),
      issue({ severity: "error", message: "plan level" }),
    ];
    const byStep = indexIssues(issues);
    expect([...byStep.keys()]).toEqual(["a", "b"]);
    const a = byStep.get("a")!;
    expect(a.errors).toBe(1);
    expect(a.warnings).toBe(1);
    expect(a.byInput).toEqual({ x: "error", y: "info" });
    expect(a.list.map((i) => i.message)).toEqual(["w1", "e1", "i1", "i2"]);
    expect(byStep.get("b")).toMatchObject({ errors: 0, warnings: 1, byInput: {} });
  });

  it("is empty for no issues", () => {
    expect(indexIssues([]).size).toBe(0);
  });
});

describe("usedFieldsOf", () => {
  it("collects the first path segment read from each step, by steps and plan outputs", () => {
    const p = plan([
      { id: "load", action: "load_csv", inputs: { path: lit("x.csv") } },
      { id: "sum", action: "sum_column", inputs: { table: ref("load", "table", "rows"), column: lit("c") } },
      { id: "fmt", action: "format_number", inputs: { value: ref("sum") } },
      { id: "idx", action: "format_number", inputs: { value: ref("fmt", 0) } },
    ], { outputs: { count: ref("load", "rowCount"), whole: ref("fmt"), input: { kind: "input", name: "q" } } });
    const used = usedFieldsOf(p);
    expect([...used.get("load")!].sort()).toEqual(["rowCount", "table"]);
    // whole outputs and numeric heads are not fields
    expect(used.has("sum")).toBe(false);
    expect(used.has("fmt")).toBe(false);
  });

  it("is empty for an empty plan", () => {
    expect(usedFieldsOf(plan([])).size).toBe(0);
  });
});

describe("outputFields", () => {
  it("lists the top-level fields of an object output", () => {
    expect(outputFields(loadCsv.spec)).toEqual(["table", "rowCount"]);
    expect(outputFields(sumColumn.spec)).toEqual(["total"]);
  });
  it("is empty for a non-object output or an unknown action", () => {
    expect(outputFields(formatNumber.spec)).toEqual([]);
    expect(outputFields(undefined)).toEqual([]);
  });
});

describe("shortType", () => {
  it("names objects by shape and arrays by their items", () => {
    const table = (loadCsv.spec.output.properties as Record<string, unknown>).table;
    expect(shortType(table)).toBe("table");
    expect(shortType({ type: "array", items: table })).toBe("table[]");
    expect(shortType({ type: "object", properties: { a: {} } })).toBe("object");
    expect(shortType({ type: "array", items: { type: "integer" } })).toBe("integer[]");
    expect(shortType({ type: "array" })).toBe("any[]");
    expect(shortType({ type: "string" })).toBe("string");
    expect(shortType({})).toBe("any");
    expect(shortType(undefined)).toBe("nothing");
  });

  it("shortens long enums and unions to fit a row", () => {
    const t = shortType({ enum: ["alpha", "bravo", "charlie"] });
    expect(t).toHaveLength(18);
    expect(t.endsWith("…")).toBe(true);
    expect(t.startsWith('"alpha" | ')).toBe(true);
    expect(shortType({ enum: ["low", "high"] })).toBe('"low" | "high"');
    expect(shortType({ anyOf: [{ type: "string" }, { type: "number" }] })).toBe("string | number");
  });
});

describe("stepView", () => {
  it("describes a step's ports, bindings and settings", () => {
    const step: Step = { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") }, retry: { maxAttempts: 3 }, onError: "continue" };
    const v = stepView(step, sumColumn.spec, undefined, undefined);
    expect(v).toMatchObject({ stepId: "sum", title: "Sum column", action: "sum_column", effect: "pure", approval: false, onError: "continue", retries: 3, errors: 0, warnings: 0 });
    expect(v.firstError).toBeUndefined();
    expect(v.inputs.map((p) => [p.name, p.type, p.kind, p.required, p.bound, p.value])).toEqual([
      ["table", "table", "object", true, "step", "${steps.load.output.table}"],
      ["column", "string", "string", true, "literal", '"revenue"'],
    ]);
    expect(v.outputs.map((o) => [o.name, o.handle, o.type, o.kind])).toEqual([
      ["output", "out", "object", "object"],
      ["total", "out:total", "number", "number"],
    ]);
    // a node that survives JSON: plain data, no functions
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it("titles a step by its label, else the action's title, else the action id", () => {
    const s: Step = { id: "x", action: "format_number", inputs: {} };
    expect(stepView({ ...s, label: "Pretty total" }, formatNumber.spec, undefined, undefined).title).toBe("Pretty total");
    expect(stepView(s, formatNumber.spec, undefined, undefined).title).toBe("Format number");
    expect(stepView({ ...s, action: "nope" }, undefined, undefined, undefined).title).toBe("nope");
  });

  it("takes approval from the step when set, else from the action", () => {
    const s: Step = { id: "m", action: "send_email", inputs: {} };
    expect(stepView(s, sendEmail.spec, undefined, undefined).approval).toBe(true);
    expect(stepView({ ...s, approval: false }, sendEmail.spec, undefined, undefined).approval).toBe(false);
    expect(stepView({ ...s, approval: true }, sumColumn.spec, undefined, undefined).approval).toBe(true);
  });

  it("shows an unknown action's bound inputs with any types", () => {
    const v = stepView({ id: "u", action: "mystery", inputs: { q: lit(1), r: { kind: "input", name: "region" } } }, undefined, undefined, undefined);
    expect(v.effect).toBe("unknown");
    expect(v.inputs.map((p) => [p.name, p.type, p.required, p.bound, p.value])).toEqual([
      ["q", "any", false, "literal", "1"],
      ["r", "any", false, "input", "${inputs.region}"],
    ]);
    expect(v.outputs).toEqual([{ name: "output", handle: "out", type: "any", fullType: "any", kind: "any", collapsible: false }]);
  });

  it("lists inputs the action does not declare after its own", () => {
    const v = stepView({ id: "f", action: "format_number", inputs: { extra: lit(true), value: lit(3) } }, formatNumber.spec, undefined, undefined);
    expect(v.inputs.map((p) => p.name)).toEqual(["value", "decimals", "extra"]);
    expect(v.inputs[2]).toMatchObject({ type: "any", required: false, bound: "literal" });
  });

  it("shortens long literal values", () => {
    const v = stepView({ id: "s", action: "sum_column", inputs: { column: lit("x".repeat(100)) } }, sumColumn.spec, undefined, undefined);
    const value = v.inputs.find((p) => p.name === "column")!.value!;
    expect(value).toHaveLength(40);
    expect(value.endsWith("…")).toBe(true);
  });

  it("carries issue counts, the first error and the severity per input", () => {
    const issues = indexIssues([
      issue({ severity: "warning", stepId: "f", input: "decimals", message: "odd decimals" }),
      issue({ severity: "error", stepId: "f", input: "value", message: "value is missing" }),
      issue({ severity: "error", stepId: "f", message: "second error" }),
    ]).get("f");
    const v = stepView({ id: "f", action: "format_number", inputs: {} }, formatNumber.spec, issues, undefined);
    expect(v.errors).toBe(2);
    expect(v.warnings).toBe(1);
    expect(v.firstError).toBe("value is missing");
    expect(v.inputs.map((p) => [p.name, p.issue])).toEqual([["value", "error"], ["decimals", "warning"]]);
  });

  it("marks optional unbound inputs and unused late outputs collapsible on a wide action", () => {
    const issues = indexIssues([issue({ severity: "warning", stepId: "w", input: "c" })]).get("w");
    const v = stepView({ id: "w", action: "wide", inputs: { b: lit("x") } }, wide.spec, issues, new Set(["o6"]));
    const collapsible = (ports: { name: string; collapsible: boolean }[]) => ports.filter((p) => p.collapsible).map((p) => p.name);
    // a: required, b: bound, c: has an issue
    expect(collapsible(v.inputs)).toEqual(["d", "e", "f"]);
    // the whole output and the first four fields always show; o6 is read by someone
    expect(collapsible(v.outputs)).toEqual(["o5", "o7"]);
  });

  it("never collapses ports of an action with few of them", () => {
    const v = stepView({ id: "l", action: "load_csv", inputs: {} }, loadCsv.spec, undefined, undefined);
    expect(v.inputs.some((p) => p.collapsible)).toBe(false);
    expect(v.outputs.some((p) => p.collapsible)).toBe(false);
  });
});

describe("visiblePorts and node sizes", () => {
  const wideData = stepView({ id: "w", action: "wide", inputs: {} }, wide.spec, undefined, undefined);

  it("hides collapsible ports until the node is expanded", () => {
    const compact = visiblePorts(wideData, false);
    expect(compact.inputs.map((p) => p.name)).toEqual(["a"]);
    expect(compact.outputs.map((p) => p.name)).toEqual(["output", "o1", "o2", "o3", "o4"]);
    expect(compact.hidden).toBe(5 + 3);
    expect(compact.toggle).toBe(true);

    const open = visiblePorts(wideData, true);
    expect(open.inputs).toHaveLength(6);
    expect(open.outputs).toHaveLength(8);
    expect(open.hidden).toBe(0);
    expect(open.toggle).toBe(true);
  });

  it("has no toggle row when nothing can collapse", () => {
    const data = stepView({ id: "s", action: "sum_column", inputs: {} }, sumColumn.spec, undefined, undefined);
    for (const expanded of [false, true]) {
      const p = visiblePorts(data, expanded);
      expect(p).toMatchObject({ hidden: 0, toggle: false });
      expect(p.inputs).toBe(data.inputs);
    }
  });

  it("sizes a node from the rows it draws", () => {
    const body = HEADER_HEIGHT + BODY_PADDING * 2;
    expect(nodeHeight({ inputs: [], outputs: [], hidden: 0, toggle: false })).toBe(body + ROW_HEIGHT);
    expect(nodeHeight(visiblePorts(wideData, false))).toBe(body + (5 + 1) * ROW_HEIGHT);
    expect(nodeHeight(visiblePorts(wideData, true))).toBe(body + (8 + 1) * ROW_HEIGHT);
    expect(nodeHeight(visiblePorts(wideData, true))).toBeGreaterThan(nodeHeight(visiblePorts(wideData, false)));
  });

  it("sizes the plan inputs node with at least one row", () => {
    expect(inputsNodeHeight(0)).toBe(inputsNodeHeight(1));
    expect(inputsNodeHeight(3) - inputsNodeHeight(1)).toBe(2 * ROW_HEIGHT);
  });

  it("works for every action of the fixture catalog", () => {
    for (const spec of catalog.list()) {
      const data = stepView({ id: "s", action: spec.id, inputs: {} }, spec, undefined, undefined);
      expect(data.outputs[0].name).toBe("output");
      expect(nodeHeight(visiblePorts(data, false))).toBeGreaterThan(HEADER_HEIGHT);
    }
  });
});
