import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Condition, evaluateCondition, MAX_CONDITION_DEPTH, type OperandValue } from "./condition";
import { parseCondition, printCondition, printOperand } from "./condition-text";
import { defineAction } from "./action";
import { Catalog } from "./catalog";
import { validatePlan } from "./validate-plan";
import { parseBindingText, printBinding } from "./binding-text";
import { buildGraph, findCycles } from "./graph";
import { Plan, type Step } from "./plan";
import { catalog as fixtures } from "../../tests/support/core-fixtures";
import { lit } from "../../tests/support/bindings";

const parsed = (text: string) => {
  const r = parseCondition(text);
  if (!r.ok) throw new Error(r.error);
  return r.condition;
};

describe("condition text", () => {
  const texts = [
    '${steps.classify.output.label} == "sql"',
    "${steps.score.output.value} >= 0.5",
    '${inputs.mode} in ["draft", "test", null, 3]',
    "exists ${steps.lookup.output.row}",
    'not (${steps.a.output.x} != true)',
    '${steps.a.output.x} < 1 and ${steps.a.output.y} > -2.5e3 or ${inputs.force} == true',
    '(${steps.a.output.x} <= 1 or exists ${inputs.b}) and not not (${steps.c.output["odd key"][0]} == {"k": [1]})',
    "(${inputs.a} == 1 or ${inputs.b} == 2) or ${inputs.c} == 3",
  ];

  it.each(texts)("parses and prints %s back to the same condition", (text) => {
    const c = parsed(text);
    expect(Condition.parse(c)).toEqual(c);
    const printed = printCondition(c);
    expect(parsed(printed)).toEqual(c);
    expect(printCondition(parsed(printed))).toBe(printed);
  });

  it("reads precedence: not, then and, then or", () => {
    expect(parsed("${inputs.a} == 1 or ${inputs.b} == 2 and not ${inputs.c} == 3")).toEqual({
      op: "or",
      args: [
        { op: "==", left: { kind: "input", name: "a" }, right: { kind: "literal", value: 1 } },
        { op: "and", args: [
          { op: "==", left: { kind: "input", name: "b" }, right: { kind: "literal", value: 2 } },
          { op: "not", arg: { op: "==", left: { kind: "input", name: "c" }, right: { kind: "literal", value: 3 } } },
        ] },
      ],
    });
    expect(parsed("exists(${steps.x.output.y})")).toEqual({ op: "exists", value: { kind: "step", step: "x", path: ["y"] } });
  });

  it("says what is wrong and where", () => {
    const bad = (text: string) => {
      const r = parseCondition(text);
      expect(r.ok).toBe(false);
      return r.ok ? { error: "", at: undefined } : r;
    };
    expect(bad("").error).toBe("the condition is empty");
    expect(bad("${steps.a.output.x} = 1")).toMatchObject({ at: 20 });
    expect(bad("${steps.a.output.x} == sql").error).toMatch(/"sql" is not a value/);
    expect(bad("${steps.a.output.x} == 1 &&  ${inputs.b} == 2").error).toMatch(/write "and"/);
    expect(bad("(${inputs.a} == 1").error).toMatch(/expected "\)"/);
    expect(bad("${inputs.a} == 1)").error).toMatch(/no matching \(/);
    expect(bad("${inputs.a}").error).toMatch(/expected a comparison/);
    expect(bad("${nope.a} == 1").error).toMatch(/starts with inputs\. or steps\./);
    expect(bad('${inputs.a} == "open').error).toMatch(/not closed/);
    expect(bad("x".repeat(5000)).error).toMatch(/at most 4000 characters/);
    expect(bad(`${"not (".repeat(40)}\${inputs.a} == 1${")".repeat(40)}`).error).toMatch(/nest at most/);
  });

  it("bounds conditions from untrusted plans before walking them", () => {
    let deep: unknown = { op: "exists", value: { kind: "input", name: "a" } };
    for (let i = 0; i < 10_000; i++) deep = { op: "not", arg: deep };
    const r = Condition.safeParse(deep);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].message).toMatch(/nest at most/);
    const wide = { op: "and", args: Array.from({ length: 500 }, () => ({ op: "exists", value: { kind: "input", name: "a" } })) };
    expect(Condition.safeParse(wide).error!.issues[0].message).toMatch(/at most 200 parts/);
    const bigIn = { op: "in", left: { kind: "input", name: "a" }, right: { kind: "literal", value: Array.from({ length: 600 }, (_, i) => i) } };
    expect(Condition.safeParse(bigIn).error!.issues[0].message).toMatch(/at most 500 values/);
    let ok: unknown = { op: "exists", value: { kind: "input", name: "a" } };
    for (let i = 1; i < MAX_CONDITION_DEPTH; i++) ok = { op: "not", arg: ok };
    expect(Condition.safeParse(ok).success).toBe(true);
  });
});

describe("evaluateCondition", () => {
  const values: Record<string, OperandValue> = {
    "${steps.c.output.label}": { ok: true, value: "general" },
    "${steps.c.output.score}": { ok: true, value: 0.7 },
    "${steps.c.output.note}": { ok: false, missing: 'the output of "c" has no note' },
    "${inputs.tags}": { ok: true, value: ["a", "b"] },
  };
  const run = (text: string) => evaluateCondition(parsed(text), (o) => values[printOperand(o)], printOperand);

  it("compares, orders, tests membership and presence, and records what it read", () => {
    expect(run('${steps.c.output.label} == "sql"')).toEqual({ ok: true, value: false, seen: [{ ref: "${steps.c.output.label}", value: "general" }] });
    expect(run('${steps.c.output.label} in ["sql", "general"]').ok && run('${steps.c.output.label} in ["sql", "general"]')).toMatchObject({ value: true });
    expect(run("${steps.c.output.score} > 0.5")).toMatchObject({ ok: true, value: true });
    expect(run('"a" in ${inputs.tags}')).toMatchObject({ ok: true, value: true });
    expect(run("exists ${steps.c.output.note}")).toMatchObject({ ok: true, value: false });
    expect(run('not exists ${steps.c.output.note} and ${steps.c.output.label} != "sql"')).toMatchObject({ ok: true, value: true });
  });

  it("stops at the part that decides, so exists can guard a comparison", () => {
    expect(run('exists ${steps.c.output.note} and ${steps.c.output.note} == "x"')).toMatchObject({ ok: true, value: false });
  });

  it("cannot evaluate a comparison with a missing value or an order between kinds", () => {
    expect(run('${steps.c.output.note} == "x"')).toMatchObject({ ok: false, message: 'the output of "c" has no note' });
    expect(run('${steps.c.output.score} < "high"')).toMatchObject({ ok: false, message: '"<" compares two numbers or two strings, got a number and a string' });
    expect(run('${steps.c.output.label} in "sql"')).toMatchObject({ ok: false });
  });
});

describe("firstOf bindings", () => {
  it("parse from and print to the text form", () => {
    const r = parseBindingText({ firstOf: ["${steps.a.output.text}", "${steps.b.output}", "fallback"] });
    expect(r).toEqual({ ok: true, binding: { kind: "firstOf", of: [{ kind: "step", step: "a", path: ["text"] }, { kind: "step", step: "b" }, { kind: "literal", value: "fallback" }] } });
    expect(r.ok && printBinding(r.binding)).toEqual({ firstOf: ["${steps.a.output.text}", "${steps.b.output}", "fallback"] });
    expect(parseBindingText({ firstOf: [{ firstOf: ["x"] }] })).toMatchObject({ ok: false });
    expect(parseBindingText({ firstOf: [] })).toMatchObject({ ok: false });
    // an object with more keys is a literal
    expect(parseBindingText({ firstOf: ["x"], other: 1 })).toMatchObject({ ok: true, binding: { kind: "literal" } });
  });
});

// ---- the validator on conditions, merges and results ----

const classify = defineAction({
  id: "classify", title: "Classify", description: "Classify a question", effect: "pure",
  input: z.object({ text: z.string() }),
  output: z.object({ label: z.enum(["sql", "general"]), score: z.number(), note: z.string().optional() }),
  run: () => ({ label: "sql" as const, score: 1 }),
});
const answer = defineAction({
  id: "answer", title: "Answer", description: "Answer", effect: "pure",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  run: ({ text }) => ({ text }),
});
const catalog = new Catalog([...fixtures.allVersions(), classify.spec, answer.spec]);
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const branching = (when: string, extra: Partial<Plan> = {}, mergeExtra: Partial<Step> = {}): Plan => Plan.parse({
  goal: "g", flows: [], inputs: [], outputs: {},
  steps: [
    { id: "c", action: "classify", inputs: { text: lit("how many orders?") } },
    { id: "sql", action: "answer", inputs: { text: lit("sql") }, when: parsed(when) },
    { id: "general", action: "answer", inputs: { text: lit("general") }, when: parsed('${steps.c.output.label} == "general"') },
    { id: "merge", action: "answer", inputs: { text: { kind: "firstOf", of: [ref("sql", "text"), ref("general", "text")] } }, ...mergeExtra },
  ],
  ...extra,
});
const issues = (p: Plan) => validatePlan(p, catalog).issues;

describe("validatePlan: conditions", () => {
  it("accepts typed conditions and merges, and draws their edges", () => {
    const p = branching('${steps.c.output.label} == "sql" and ${steps.c.output.score} >= 0.5');
    expect(issues(p)).toEqual([]);
    const g = buildGraph(p.steps);
    expect(g.deps.get("sql")).toEqual(["c"]);
    expect(g.deps.get("merge")).toEqual(["sql", "general"]);
  });

  it("rejects an enum compared with a value outside it, and comparisons across kinds", () => {
    const enumIssue = issues(branching('${steps.c.output.label} == "SQL"'));
    expect(enumIssue).toEqual([expect.objectContaining({ code: "invalid_condition", severity: "error", stepId: "sql", when: true, message: 'The condition of step "sql": ${steps.c.output.label} is one of "sql", "general"; "SQL" is not among them.' })]);
    expect(issues(branching('${steps.c.output.label} in ["sql", "other"]'))[0].message).toMatch(/"other" is not among them/);
    expect(issues(branching('${steps.c.output.score} == "high"'))[0].message).toMatch(/is number and "high" is a string: they are never equal/);
    expect(issues(branching('${steps.c.output.score} > "0.5"'))[0].message).toMatch(/a number and a string have no order/);
    expect(issues(branching("${steps.c.output.label} < 3"))[0].code).toBe("invalid_condition");
    expect(issues(branching("${steps.c.output.score} in 3"))[0].message).toMatch(/"in" needs a list/);
  });

  it("warns when exists reads a required field", () => {
    expect(issues(branching("exists ${steps.c.output.label}"))).toEqual([expect.objectContaining({ code: "invalid_condition", severity: "warning", message: expect.stringMatching(/is required .* "exists" is always true/) })]);
    expect(issues(branching("exists ${steps.c.output.note}"))).toEqual([]);
  });

  it("checks references like any binding's: unknown steps, paths, plan inputs, itself, cycles", () => {
    expect(issues(branching('${steps.generl.output.text} == "x"'))).toEqual([expect.objectContaining({ code: "unknown_step_ref", when: true, hint: 'Did you mean "general"?' })]);
    expect(issues(branching('${steps.c.output.lable} == "sql"'))).toEqual([expect.objectContaining({ code: "invalid_path", when: true })]);
    expect(issues(branching('${inputs.mode} == "sql"'))).toEqual([expect.objectContaining({ code: "missing_plan_input", when: true })]);
    expect(issues(branching('${steps.sql.output.text} == "x"'))).toEqual([expect.objectContaining({ code: "self_reference", when: true })]);
    const cyclic = branching('${steps.merge.output.text} == "x"');
    expect(issues(cyclic).map((i) => i.code)).toContain("cycle");
    expect(findCycles(cyclic.steps)).toHaveLength(1);
  });

  it("type-checks each branch of a merge against the input", () => {
    const p = branching('${steps.c.output.label} == "sql"');
    p.steps[3].inputs.text = { kind: "firstOf", of: [ref("sql", "text"), ref("c", "score")] };
    expect(issues(p)).toEqual([expect.objectContaining({ code: "type_mismatch", stepId: "merge", input: "text" })]);
    p.steps[3].inputs.text = { kind: "firstOf", of: [ref("sql", "text"), ref("nope", "text")] };
    expect(issues(p)[0].code).toBe("unknown_step_ref");
  });
});

describe("validatePlan: the typed result", () => {
  const withResult = (schema: Record<string, unknown>, outputs: Plan["outputs"] = { answer: { kind: "firstOf", of: [ref("sql", "text"), ref("general", "text")] }, label: ref("c", "label") }) =>
    branching('${steps.c.output.label} == "sql"', { outputs, result: { schema } });

  it("accepts outputs that fit the result's fields", () => {
    expect(issues(withResult({ type: "object", properties: { answer: { type: "string" }, label: { type: "string", enum: ["sql", "general"] } }, required: ["answer", "label"], additionalProperties: false }))).toEqual([]);
  });

  it("names the output that cannot fit, the field nothing provides, and a result that is not an object", () => {
    expect(issues(withResult({ type: "object", properties: { answer: { type: "number" } } }))).toEqual([expect.objectContaining({ code: "invalid_result", output: "answer" }), expect.objectContaining({ code: "invalid_result", output: "answer" })]);
    expect(issues(withResult({ type: "object", properties: {}, required: ["total"] }))).toEqual([expect.objectContaining({ code: "invalid_result", output: "total", message: 'The plan\'s result requires "total", but the plan has no output "total".' })]);
    expect(issues(withResult({ type: "object", properties: { answer: { type: "string" } }, additionalProperties: false })).map((i) => i.output)).toEqual(["label"]);
    expect(issues(withResult({ type: "string" }))[0].message).toMatch(/must describe an object/);
  });
});

describe("renaming a step", () => {
  it("renames it in conditions and merges too", async () => {
    const { renameStep } = await import("./plan-edits");
    const p = branching('${steps.c.output.label} == "sql"');
    const r = renameStep(p, "sql", "sql_path");
    expect(r.ok).toBe(true);
    const q = renameStep(r.ok ? r.plan : p, "c", "classify");
    const plan = q.ok ? q.plan : p;
    expect(printCondition(plan.steps[1].when!)).toBe('${steps.classify.output.label} == "sql"');
    expect(plan.steps[3].inputs.text).toEqual({ kind: "firstOf", of: [ref("sql_path", "text"), ref("general", "text")] });
    expect(issues(plan)).toEqual([]);
  });
});

describe("the condition schema", () => {
  it("names the path of a problem deep in a condition", () => {
    const r = Condition.safeParse({ op: "and", args: [{ op: "exists", value: { kind: "input", name: "a" } }, { op: "not", arg: { op: "==", left: { kind: "step" }, right: { kind: "literal", value: 1 } } }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path)).toEqual([["args", 1, "arg", "left", "step"]]);
  });
});
