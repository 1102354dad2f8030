import { describe, expect, it } from "vitest";
import { MAX_PLAN_STEPS, parsePlan, validatePlan, type ParsedPlan } from "./validate-plan";
import { RunOptions } from "./run-options";
import type { Plan, Step } from "./plan";
import { catalog } from "../../tests/support/core-fixtures";
import { Catalog } from "./catalog";
import { lit } from "../../tests/support/bindings";

const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "g", flows: [], inputs: [], outputs: {}, steps, ...extra });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const codes = (p: Plan) => validatePlan(p, catalog).issues.map((i) => i.code);
const issuesOf = (r: ParsedPlan) => (r.ok ? [] : r.issues);

const good = plan([
  { id: "load", action: "load_csv", inputs: { path: lit("sales.csv") } },
  { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") } },
  { id: "fmt", action: "format_number", inputs: { value: ref("sum", "total"), decimals: lit(2) } },
], { outputs: { total: ref("fmt") } });

describe("validatePlan", () => {
  it("says an action's server is down (action_unavailable), whether its tools are known or not", () => {
    const spec = catalog.get("load_csv")!;
    const sources = [{ id: "remote", kind: "mcp" as const, status: "unavailable" as const, reason: "nothing answers at its URL", actions: 0, prefix: "remote." }];
    const down = new Catalog([...catalog.allVersions(), { ...spec, id: "known.tool", unavailable: "its MCP server is unavailable (it stopped)" }], sources);
    const unknownTool = validatePlan(plan([{ id: "a", action: "remote.fetch", inputs: {} }]), down).issues;
    expect(unknownTool).toEqual([expect.objectContaining({ code: "action_unavailable", severity: "error", stepId: "a", message: 'Step "a" uses "remote.fetch", but remote is unavailable: nothing answers at its URL.' })]);
    const knownTool = validatePlan(plan([{ id: "b", action: "known.tool", inputs: { path: lit("x.csv") } }]), down).issues;
    expect(knownTool.map((i) => i.code)).toEqual(["action_unavailable"]);
    expect(knownTool[0].message).toMatch(/cannot run now: its MCP server is unavailable \(it stopped\)/);
    // Another prefix is an unknown action as before.
    expect(validatePlan(plan([{ id: "c", action: "elsewhere.fetch", inputs: {} }]), down).issues[0].code).toBe("unknown_action");
  });

  it("accepts a well-typed chain", () => {
    const r = validatePlan(good, catalog);
    expect(r.issues).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it("reports a malformed plan without throwing", () => {
    const r = parsePlan({ goal: 1, steps: "nope" });
    expect(r.ok).toBe(false);
    expect(issuesOf(r)[0].code).toBe("invalid_plan");
    expect(issuesOf(parsePlan({ ...good, steps: [{ id: "9 bad", action: "load_csv", inputs: {} }] }))[0].code).toBe("invalid_step_id");
  });

  it("parses a well-formed plan into the typed plan validatePlan checks", () => {
    const r = parsePlan(JSON.parse(JSON.stringify(good)));
    expect(r).toEqual({ ok: true, plan: good });
    expect(r.ok && validatePlan(r.plan, catalog).valid).toBe(true);
  });

  it("flags an empty plan and too many steps", () => {
    expect(codes(plan([]))).toEqual(["empty_plan"]);
    const many = plan(Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, action: "format_number", inputs: { value: lit(i) } })));
    expect(validatePlan(many, catalog, { maxSteps: 3 }).issues.map((i) => i.code)).toContain("too_many_steps");
    // One limit for saving and running: asking for more than it never lets a bigger plan through.
    const huge = { ...many, steps: Array.from({ length: MAX_PLAN_STEPS + 1 }, (_, i) => ({ ...many.steps[0], id: `s${i}` })) };
    expect(validatePlan(huge, catalog).issues.map((i) => i.code)).toContain("too_many_steps");
    expect(validatePlan(huge, catalog, { maxSteps: MAX_PLAN_STEPS * 2 }).issues.map((i) => i.code)).toContain("too_many_steps");
    expect(RunOptions.safeParse({ maxSteps: MAX_PLAN_STEPS + 1 }).success).toBe(false);
    expect(RunOptions.parse({}).maxSteps).toBe(MAX_PLAN_STEPS);
  });

  it("names near-miss actions as candidates", () => {
    const r = validatePlan(plan([{ id: "a", action: "load_cvs", inputs: { path: lit("x.csv") } }]), catalog);
    expect(r.issues[0]).toMatchObject({ code: "unknown_action", stepId: "a" });
    expect(r.issues[0].candidates?.[0].value).toBe("load_csv");
  });

  it("refuses actions outside the plan's flows but allows global ones", () => {
    const p = plan([
      { id: "mail", action: "send_email", inputs: { to: lit("a@b.co"), subject: lit("s"), body: lit("b") } },
      { id: "fmt", action: "format_number", inputs: { value: lit(1) } },
    ], { flows: ["data"] });
    expect(codes(p)).toEqual(["action_not_in_flow"]);
  });

  it("finds duplicate ids, unknown and self references, and cycles", () => {
    expect(codes(plan([...good.steps, good.steps[0]], { outputs: {} }))).toContain("duplicate_step_id");
    expect(codes(plan([{ id: "fmt", action: "format_number", inputs: { value: ref("nope") } }]))).toEqual(["unknown_step_ref"]);
    expect(codes(plan([{ id: "fmt", action: "format_number", inputs: { value: ref("fmt") } }]))).toEqual(["self_reference"]);
    const cyc = plan([
      { id: "a", action: "format_number", inputs: { value: lit(1) }, after: ["b"] },
      { id: "b", action: "format_number", inputs: { value: lit(1) }, after: ["a"] },
    ]);
    const r = validatePlan(cyc, catalog);
    expect(r.issues.map((i) => i.code)).toEqual(["cycle"]);
    expect(r.issues[0].message).toContain('"a"');
  });

  it("reports missing required inputs with fitting upstream candidates", () => {
    const p = plan([
      { id: "load", action: "load_csv", inputs: { path: lit("a.csv") } },
      { id: "sum", action: "sum_column", inputs: { column: lit("x") } },
    ]);
    const r = validatePlan(p, catalog);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: "missing_required_input", stepId: "sum", input: "table" });
    expect(r.issues[0].candidates?.[0].label).toBe("${steps.load.output.table}");
  });

  it("does not require inputs with defaults or optional ones", () => {
    expect(codes(plan([{ id: "load", action: "load_csv", inputs: { path: lit("a.csv") } }]))).toEqual([]);
  });

  it("reports unknown inputs with the nearest names", () => {
    const r = validatePlan(plan([{ id: "f", action: "format_number", inputs: { value: lit(1), decimal: lit(2) } }]), catalog);
    expect(r.issues[0]).toMatchObject({ code: "unknown_input", input: "decimal" });
    expect(r.issues[0].candidates?.[0].value).toBe("decimals");
  });

  it("type-checks bindings, paths and literals", () => {
    const mismatch = plan([
      { id: "load", action: "load_csv", inputs: { path: lit("a.csv") } },
      { id: "fmt", action: "format_number", inputs: { value: ref("load", "table") } },
    ]);
    const r = validatePlan(mismatch, catalog);
    expect(r.issues[0]).toMatchObject({ code: "type_mismatch", stepId: "fmt", input: "value" });
    expect(r.issues[0].candidates?.map((c) => c.label)).toContain("${steps.load.output.rowCount}");

    const badPath = plan([
      { id: "load", action: "load_csv", inputs: { path: lit("a.csv") } },
      { id: "fmt", action: "format_number", inputs: { value: ref("load", "nope") } },
    ]);
    expect(codes(badPath)).toEqual(["invalid_path"]);

    expect(codes(plan([{ id: "f", action: "format_number", inputs: { value: lit("12") } }]))).toEqual(["invalid_literal"]);
    expect(codes(plan([{ id: "f", action: "format_number", inputs: { value: lit(1), decimals: lit(11) } }]))).toEqual(["invalid_literal"]);
    const mail = (to: string, priority: string) => plan([{ id: "m", action: "send_email", inputs: { to: lit(to), subject: lit("s"), body: lit("b"), priority: lit(priority) } }]);
    expect(codes(mail("a@b.co", "high"))).toEqual([]);
    expect(codes(mail("not-an-email", "urgent"))).toEqual(["invalid_literal", "invalid_literal"]);
  });

  it("checks plan inputs: missing, typed, unused, defaults", () => {
    const p = plan([{ id: "f", action: "format_number", inputs: { value: { kind: "input", name: "amount" } } }]);
    expect(codes(p)).toEqual(["missing_plan_input"]);
    const typed = { ...p, inputs: [{ name: "amount", schema: { type: "string" } }, { name: "extra", schema: { type: "integer" }, default: "x" }] };
    expect(codes(typed)).toEqual(["invalid_plan_input_default", "type_mismatch", "unused_plan_input"]);
    const ok = { ...p, inputs: [{ name: "amount", schema: { type: "integer" } }] };
    expect(codes(ok)).toEqual([]);
  });

  it("checks order dependencies and plan outputs", () => {
    const p = plan([
      { id: "load", action: "load_csv", inputs: { path: lit("a.csv") } },
      { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("x") }, after: ["load", "ghost"] },
    ], { outputs: { x: ref("nowhere"), y: ref("sum", "missing") } });
    expect(codes(p)).toEqual(["redundant_after", "unknown_after_ref", "unknown_output_ref", "invalid_path"]);
  });

  it("checks fallbacks against the action's output", () => {
    const p = plan([{ id: "f", action: "format_number", inputs: { value: lit(1) }, onError: "continue", fallback: 3 }]);
    expect(codes(p)).toEqual(["invalid_step_setting"]);
    expect(codes({ ...p, steps: [{ ...p.steps[0], fallback: "n/a" }] })).toEqual([]);
  });

  it("gives every issue a message a person can read", () => {
    const p = plan([{ id: "sum", action: "sum_column", inputs: { table: ref("sum"), colum: lit(1) } }]);
    for (const i of validatePlan(p, catalog).issues) {
      expect(i.message.length).toBeGreaterThan(10);
      expect(i.severity).toMatch(/error|warning|info/);
    }
  });
});
