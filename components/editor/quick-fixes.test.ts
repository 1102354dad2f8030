import { describe, expect, it } from "vitest";
import type { ValidationIssue } from "@/lib/core/issues";
import type { Plan, Step } from "@/lib/core/plan";
import { catalog } from "@/tests/support/core-fixtures";
import { validatePlan } from "@/lib/core/validate-plan";
import { quickFixes } from "./quick-fixes";

const lit = (value: unknown) => ({ kind: "literal" as const, value });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "g", flows: [], inputs: [], outputs: {}, steps, ...extra });
const issuesOf = (p: Plan) => validatePlan(p, catalog).issues;
const issueOf = (p: Plan, code: ValidationIssue["code"], stepId: string) => {
  const found = issuesOf(p).find((i) => i.code === code && i.stepId === stepId);
  if (!found) throw new Error(`no ${code} issue on ${stepId}: ${JSON.stringify(issuesOf(p))}`);
  return found;
};
const step = (p: Plan, id: string) => p.steps.find((s) => s.id === id)!;

const load: Step = { id: "load", action: "load_csv", inputs: { path: lit("sales.csv") } };

describe("quickFixes from the validator's candidates", () => {
  it("switches an unknown action to the suggested one, and the issue goes away", () => {
    const p = plan([load, { id: "sum", action: "sum_colum", inputs: { table: ref("load", "table"), column: lit("x") } }]);
    const issue = issueOf(p, "unknown_action", "sum");
    const fixes = quickFixes(issue, p);
    expect(fixes.map((f) => f.label)).toEqual(["Use sum_column"]);
    const fixed = fixes[0].edit(p);
    expect(step(fixed, "sum").action).toBe("sum_column");
    expect(step(p, "sum").action).toBe("sum_colum");
    expect(issuesOf(fixed).filter((i) => i.severity === "error")).toEqual([]);
  });

  it("binds a missing required input to the suggested output", () => {
    const p = plan([load, { id: "sum", action: "sum_column", inputs: { column: lit("x") } }]);
    const fixes = quickFixes(issueOf(p, "missing_required_input", "sum"), p);
    expect(fixes.map((f) => f.label)).toEqual(["Use ${steps.load.output.table}"]);
    const fixed = fixes[0].edit(p);
    expect(step(fixed, "sum").inputs.table).toEqual(ref("load", "table"));
    expect(issuesOf(fixed).some((i) => i.stepId === "sum" && i.severity === "error")).toBe(false);
  });

  it("repoints a reference to a step that does not exist", () => {
    const p = plan([load, { id: "sum", action: "sum_column", inputs: { table: ref("lod", "table"), column: lit("x") } }]);
    const fixes = quickFixes(issueOf(p, "unknown_step_ref", "sum"), p);
    expect(fixes.map((f) => f.label)).toEqual(["Use ${steps.load.output.table}", "Read from load"]);
    for (const f of fixes) {
      const fixed = f.edit(p);
      expect(step(fixed, "sum").inputs.table).toEqual(ref("load", "table"));
      expect(issuesOf(fixed).some((i) => i.severity === "error")).toBe(false);
    }
  });

  it("offers at most three fixes for a type mismatch, each one a binding", () => {
    const p = plan([
      load,
      { id: "s1", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("a") } },
      { id: "s2", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("b") } },
      { id: "s3", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("c") } },
      { id: "fmt", action: "format_number", inputs: { value: ref("load", "table") } },
    ]);
    const issue = issueOf(p, "type_mismatch", "fmt");
    const fixes = quickFixes(issue, p);
    expect(fixes.length).toBeGreaterThan(0);
    expect(fixes.length).toBeLessThanOrEqual(3);
    for (const f of fixes) {
      const fixed = f.edit(p);
      expect(step(fixed, "fmt").inputs.value.kind).toBe("step");
      expect(issuesOf(fixed).some((i) => i.stepId === "fmt" && i.code === "type_mismatch")).toBe(false);
    }
  });

  it("binds to a plan input when that is the candidate", () => {
    const issue: ValidationIssue = {
      code: "missing_required_input", severity: "error", stepId: "load", input: "path", message: "m",
      candidates: [{ kind: "input", value: "file", label: "${inputs.file}" }],
    };
    const p = plan([{ id: "load", action: "load_csv", inputs: {} }], { inputs: [{ name: "file", schema: { type: "string" } }] });
    const [fix] = quickFixes(issue, p);
    expect(fix.label).toBe("Use ${inputs.file}");
    expect(step(fix.edit(p), "load").inputs.path).toEqual({ kind: "input", name: "file" });
  });
});

describe("quickFixes offers nothing it cannot do", () => {
  const p = plan([load, { id: "sum", action: "sum_column", inputs: { table: ref("lod"), column: lit("x") } }]);
  const base: ValidationIssue = { code: "unknown_step_ref", severity: "error", stepId: "sum", input: "table", message: "m" };

  it("for issues without a step or without candidates", () => {
    expect(quickFixes({ ...base, candidates: [{ kind: "step", value: "load" }], stepId: undefined }, p)).toEqual([]);
    expect(quickFixes({ ...base, candidates: [] }, p)).toEqual([]);
    expect(quickFixes(base, p)).toEqual([]);
  });

  it("for a step that is no longer in the plan", () => {
    expect(quickFixes({ ...base, stepId: "gone", candidates: [{ kind: "step", value: "load" }] }, p)).toEqual([]);
  });

  it("for candidate labels that are not references", () => {
    expect(quickFixes({ ...base, candidates: [{ kind: "step", value: "load", label: "a plain sentence" }] }, p)).toEqual([]);
    expect(quickFixes({ ...base, candidates: [{ kind: "step", value: "load", label: "${nonsense}" }] }, p)).toEqual([]);
  });

  it("for an action candidate on another kind of issue, or a step candidate without an input", () => {
    expect(quickFixes({ ...base, candidates: [{ kind: "action", value: "sum_column" }] }, p)).toEqual([]);
    expect(quickFixes({ ...base, input: undefined, candidates: [{ kind: "step", value: "load" }] }, p)).toEqual([]);
  });

  it("for a step candidate when the input is not a step reference", () => {
    const literal = plan([load, { id: "sum", action: "sum_column", inputs: { table: lit(1), column: lit("x") } }]);
    expect(quickFixes({ ...base, candidates: [{ kind: "step", value: "load" }] }, literal)).toEqual([]);
    expect(quickFixes({ ...base, code: "type_mismatch", candidates: [{ kind: "step", value: "load" }] }, p)).toEqual([]);
  });

  it("keeps the rest of the reference when repointing it", () => {
    const deep = plan([load, { id: "sum", action: "sum_column", inputs: { table: ref("lod", "table"), column: lit("x") } }]);
    const [fix] = quickFixes({ ...base, candidates: [{ kind: "step", value: "load" }] }, deep);
    expect(fix.label).toBe("Read from load");
    expect(step(fix.edit(deep), "sum").inputs.table).toEqual(ref("load", "table"));
  });
});
