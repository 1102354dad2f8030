import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Plan } from "../core/plan";
import { PlanFile, jsonSyntaxError, planFromJson, readPlanFile, type PlanFileError } from "./plan-file";

const plan: Plan = {
  goal: "Total revenue",
  flows: ["data"],
  inputs: [{ name: "file", schema: { type: "string" }, default: "sales.csv" }],
  steps: [
    { id: "load", action: "load_csv", inputs: { path: { kind: "input", name: "file" } } },
    { id: "sum", action: "sum_column", inputs: { table: { kind: "step", step: "load", path: ["table"] }, column: { kind: "literal", value: "revenue" } }, after: ["load"], retry: { maxAttempts: 2 } },
  ],
  outputs: { total: { kind: "step", step: "sum", path: ["total"] } },
};

/** The same plan, written by hand. */
const compact = {
  goal: "Total revenue",
  flows: ["data"],
  inputs: [{ name: "file", schema: { type: "string" }, default: "sales.csv" }],
  steps: [
    { id: "load", action: "load_csv", inputs: { path: "${inputs.file}" } },
    { id: "sum", action: "sum_column", inputs: { table: "${steps.load.output.table}", column: "revenue" }, after: ["load"], retry: { maxAttempts: 2 } },
  ],
  outputs: { total: "${steps.sum.output.total}" },
};

const read = (value: unknown, name?: string) => readPlanFile(typeof value === "string" ? value : JSON.stringify(value, null, 2), { name });
const errorOf = (value: unknown, name?: string): PlanFileError => {
  const r = read(value, name);
  if (r.ok) throw new Error("expected the text to be refused");
  return r.error;
};

describe("the plan file forms", () => {
  it("reads the plan IR unchanged", () => {
    expect(read(plan)).toEqual({ ok: true, plan, form: "plan" });
  });

  it("reads the compact form: text bindings, plain literals, and flows, inputs and outputs left out", () => {
    expect(read(compact)).toEqual({ ok: true, plan, form: "compact" });
    expect(read({ goal: "g", steps: [{ id: "a", action: "x", inputs: { n: 3, o: { deep: [1] }, b: { kind: "literal", value: "${not.a.ref}" } } }] })).toEqual({
      ok: true,
      form: "compact",
      plan: { goal: "g", flows: [], inputs: [], steps: [{ id: "a", action: "x", inputs: { n: { kind: "literal", value: 3 }, o: { kind: "literal", value: { deep: [1] } }, b: { kind: "literal", value: "${not.a.ref}" } } }], outputs: {} },
    });
    // binding objects and text may be mixed
    const mixed = { ...compact, steps: [plan.steps[0], compact.steps[1]] };
    expect(read(mixed)).toMatchObject({ ok: true, plan });
  });

  it("reads an exported version (what the editor downloads or the API answers) as its plan", () => {
    const version = { id: "v1", planId: "p1", number: 3, note: null, source: "editor", plan, issues: [] };
    expect(read(version)).toEqual({ ok: true, plan, form: "exported" });
    expect(read({ plan: compact })).toEqual({ ok: true, plan, form: "exported" });
    // a version or save answer, a plan's detail, a wrapper in a wrapper
    expect(read({ version, created: true, valid: true, issues: [] })).toMatchObject({ ok: true, plan });
    expect(read({ plan: { id: "p1", title: "Total revenue", createdAt: "2026-01-01T00:00:00.000Z" }, latest: version, issues: [], valid: true })).toMatchObject({ ok: true, plan });
    expect(read({ plan: { plan: compact }, note: "n" })).toMatchObject({ ok: true, plan });
  });

  it("reads an object with both plan and steps as a plan, not as a version", () => {
    expect(read({ ...plan, plan: "ignored" })).toEqual({ ok: true, plan, form: "plan" });
  });

  it("reads the example plans and a leading byte order mark", () => {
    const text = readFileSync(path.join(__dirname, "../../examples/revenue-by-region.json"), "utf8");
    const r = readPlanFile(`\uFEFF${text}`);
    expect(r.ok && r.plan).toEqual(JSON.parse(text));
  });
});

describe("what is not a plan file", () => {
  it("says when there is nothing", () => {
    expect(errorOf("")).toEqual({ message: "This is empty: a plan is a JSON object with a goal and steps." });
    expect(errorOf("  \n\t", "plan.json").message).toBe("plan.json is empty: a plan is a JSON object with a goal and steps.");
  });

  it("names where JSON breaks, by line and column, in its own words", () => {
    expect(errorOf("{ not json")).toEqual({
      message: "This is not valid JSON: expected a property name in double quotes, found \"n\" (line 1, column 3).",
      position: { offset: 2, line: 1, column: 3 },
    });
    expect(errorOf('{\n  "goal": "g",\n  "steps": [1, 2,]\n}', "plan.json").message).toBe('plan.json is not valid JSON: a comma before "]" has nothing after it (line 3, column 18).');
    expect(errorOf('{ "a": 1, }').message).toBe('This is not valid JSON: a comma before "}" has nothing after it (line 1, column 11).');
    expect(errorOf('{\r\n"goal": "g"\r\n"steps": []}').message).toBe('This is not valid JSON: expected "," or "}", found "\\"" (line 3, column 1).');
    expect(errorOf("{ 'goal': 1 }").message).toMatch(/expected a property name in double quotes, found "'" \(line 1, column 3\)/);
    expect(errorOf('{ "goal": "unclosed }').message).toMatch(/a string is not closed \(line 1, column 11\)/);
    expect(errorOf('{ "goal": tru }').message).toMatch(/expected a value, found "t" \(line 1, column 11\)/);
    expect(errorOf('{ "goal": "g" } x').message).toMatch(/expected the end after the JSON value, found "x" \(line 1, column 17\)/);
    expect(errorOf('{ "goal": ').message).toMatch(/expected a value, the text ends \(line 1, column 11\)/);
    expect(errorOf('{ "n": -x }').message).toMatch(/a number is malformed \(line 1, column 8\)/);
    expect(errorOf('{ "s": "a\\qb" }').message).toMatch(/a string has an invalid escape \(line 1, column 10\)/);
  });

  it("finds the first syntax error wherever JSON.parse refuses the text", () => {
    for (const bad of ["{", "[", '{"a"}', '{"a":}', "[1 2]", "01", "1.", "1e", '"\\u12"', "nul", '{"a":1}}', "\u0001", '"a\tb"']) {
      expect(() => JSON.parse(bad), bad).toThrow();
      expect(jsonSyntaxError(bad), bad).toBeDefined();
    }
    for (const good of ['{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', " [] ", '""']) expect(jsonSyntaxError(good), good).toBeUndefined();
  });

  it("names each wrong field and why, the same way for every form", () => {
    const e = errorOf({ ...plan, steps: [{ ...plan.steps[0], id: "9 bad" }] });
    expect(e.message).toBe("This is not a Trellis plan: steps.0.id: a step id starts with a letter or _ and holds letters, digits, _ or -");
    expect(e.issues).toEqual([{ path: "steps.0.id", at: ["steps", 0, "id"], message: "a step id starts with a letter or _ and holds letters, digits, _ or -" }]);
    // a step with a proper id is named by it; a wrapper is part of the path
    const wrapped = errorOf({ plan: { ...compact, steps: [{ id: "load", action: 7, inputs: { path: "${nope.file}" } }] } }, "v3.json");
    expect(wrapped.message).toMatch(/^v3\.json is not a Trellis plan: plan\.steps\.load\.action: .*expected string.*; plan\.steps\.load\.inputs\.path: a reference starts with inputs\. or steps\., got "\$\{nope\.file\}"$/);
    expect(wrapped.issues?.map((i) => i.at)).toEqual([["plan", "steps", 0, "action"], ["plan", "steps", 0, "inputs", "path"]]);
  });

  it("refuses a binding object that is not a whole binding", () => {
    const e = errorOf({ goal: "g", steps: [{ id: "a", action: "x", inputs: { v: { kind: "step" }, w: { kind: "input", name: "" } } }] });
    expect(e.issues?.map((i) => i.path)).toEqual(["steps.a.inputs.v.step", "steps.a.inputs.w.name"]);
  });

  it("says what a value that is not a plan at all is", () => {
    for (const [value, got] of [[[], "an array"], [null, "null"], [42, "a number"], [JSON.stringify("plan"), "a string"], [{ title: "x" }, "an object without them"]] as const) {
      const e = errorOf(value);
      expect(e.message).toBe(`This is not a Trellis plan: expected a plan: a JSON object with "goal" and "steps" (or an exported version that holds one in "plan"), got ${got}`);
      expect(e.issues).toEqual([{ path: "", at: [], message: expect.stringContaining(got) }]);
    }
    expect(errorOf({ plan: null, note: "n" }).message).toBe('This is not a Trellis plan: plan: expected a plan: a JSON object with "goal" and "steps" (or an exported version that holds one in "plan"), got null');
  });

  it("spells out five problems and counts the rest, keeping them all in issues", () => {
    const steps = Array.from({ length: 15 }, (_, i) => ({ id: `${i}bad`, action: "x", inputs: {} }));
    const e = errorOf({ ...plan, steps });
    expect(e.issues).toHaveLength(15);
    expect(e.message).toMatch(/^This is not a Trellis plan: steps\.0\.id: .*; steps\.4\.id: [^;]* \(and 10 more\)$/);
  });

  it("asks for goal and steps in an object that has a goal but nothing else right", () => {
    const e = errorOf({ goal: 1 });
    expect(e.issues?.map((i) => i.path).sort()).toEqual(["goal", "steps"]);
  });
});

describe("PlanFile, the schema", () => {
  it("parses every form to the plan IR", () => {
    expect(PlanFile.parse(plan)).toEqual(plan);
    expect(PlanFile.parse(compact)).toEqual(plan);
    expect(PlanFile.parse({ plan, number: 2 })).toEqual(plan);
  });

  it("puts its issues at their paths, inside a body schema too", () => {
    const Body = z.object({ plan: PlanFile, note: z.string().optional() });
    const r = Body.safeParse({ plan: { ...compact, goal: 5 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path)).toEqual([["plan", "goal"]]);
    expect(Body.parse({ plan: compact, note: "n" })).toEqual({ plan, note: "n" });
  });

  it("documents itself as a plan file in JSON Schema", () => {
    expect(z.toJSONSchema(PlanFile, { io: "input", unrepresentable: "any" })).toMatchObject({ title: "PlanFile", description: expect.stringContaining("compact form") });
  });

  it("gives parsed values the same messages as text", () => {
    const fromValue = planFromJson({ goal: 1, steps: [] });
    const fromText = readPlanFile(JSON.stringify({ goal: 1, steps: [] }));
    expect(fromValue).toEqual(fromText);
    expect(fromValue.ok).toBe(false);
  });
});
