import { describe, expect, it } from "vitest";
import { MAX_FOR_EACH_CONCURRENCY, MAX_FOR_EACH_ITEMS, applyItemEvent, stepForItem, type ItemEvent } from "./for-each";
import { parseBindingText, printBinding, readPath } from "./binding-text";
import { parseCondition } from "./condition-text";
import { parsePlan, validatePlan } from "./validate-plan";
import { dependenciesOf, type Plan, type Step } from "./plan";
import { applyRunEvents, emptyRunView } from "./run-view";
import type { RunEvent } from "./events";
import { catalog } from "../../tests/support/core-fixtures";
import { lit } from "../../tests/support/bindings";

const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "g", flows: [], inputs: [{ name: "nums", schema: { type: "array", items: { type: "number" } } }, { name: "paths", schema: { type: "array", items: { type: "object", properties: { file: { type: "string" } }, required: ["file"] } } }, { name: "one", schema: { type: "string" } }], outputs: {}, steps, ...extra });
const input = (name: string) => ({ kind: "input" as const, name });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const item = (...path: (string | number)[]) => ({ kind: "item" as const, ...(path.length ? { path } : {}) });
const errors = (p: Plan) => validatePlan(p, catalog).issues.filter((i) => i.severity === "error");
const codes = (p: Plan) => errors(p).map((i) => i.code);

/** load each file of `paths`, then format each total */
const loads = (extra: Partial<Step> = {}): Step => ({ id: "load", action: "load_csv", inputs: { path: item("file") }, forEach: { items: input("paths") }, ...extra });

describe("for-each steps in the validator", () => {
  it("types the current item as an item of the list, and the step's output as the list of its action's outputs", () => {
    const p = plan([
      { id: "fmt", action: "format_number", inputs: { value: item() }, forEach: { items: input("nums"), concurrency: 4 } },
      loads(),
    ], { outputs: { texts: ref("fmt"), counts: ref("load", "rowCount"), firstCount: ref("load", 0, "rowCount") } });
    expect(errors(p)).toEqual([]);
    expect(dependenciesOf(plan([{ id: "x", action: "format_number", inputs: { value: item() }, forEach: { items: ref("load", "rowCount") } }]).steps[0])).toEqual(["load"]);
  });

  it("checks what an item feeds like any binding: its type and its path", () => {
    const strings = plan([loads(), { id: "fmt", action: "format_number", inputs: { value: item() }, forEach: { items: input("paths") } }]);
    expect(errors(strings)).toEqual([expect.objectContaining({ code: "type_mismatch", stepId: "fmt", input: "value", message: expect.stringMatching(/^\$\{item\} is \{ file \}, but "value" of step "fmt" needs number/) })]);
    expect(errors(plan([loads({ inputs: { path: item("name") } })]))).toEqual([expect.objectContaining({ code: "invalid_path", stepId: "load", message: 'An item of step "load" ({ file }) has no name.' })]);
  });

  it("types a field of a for-each step's output as the list of that field", () => {
    // rowCount of each load is an integer list: it cannot feed a number
    const p = plan([loads(), { id: "fmt", action: "format_number", inputs: { value: ref("load", "rowCount") } }]);
    expect(errors(p)).toEqual([expect.objectContaining({ code: "type_mismatch", stepId: "fmt", message: expect.stringMatching(/^\$\{steps\.load\.output\.rowCount\} is integer\[\]/) })]);
    // one item's field fits
    expect(codes(plan([loads(), { id: "fmt", action: "format_number", inputs: { value: ref("load", 0, "rowCount") } }]))).toEqual([]);
  });

  it("reports ${item} outside a for-each step, in its inputs, its condition or a plan output", () => {
    expect(codes(plan([{ id: "fmt", action: "format_number", inputs: { value: item() } }]))).toEqual(["item_outside_for_each"]);
    const when = parseCondition("${item} > 2");
    if (!when.ok) throw new Error(when.error);
    expect(codes(plan([{ id: "fmt", action: "format_number", inputs: { value: lit(1) }, when: when.condition }]))).toEqual(["item_outside_for_each"]);
    expect(codes(plan([{ id: "fmt", action: "format_number", inputs: { value: item() }, forEach: { items: input("nums") }, when: when.condition }]))).toEqual([]);
    expect(codes(plan([loads()], { outputs: { x: item() } }))).toEqual(["item_outside_for_each"]);
  });

  it("wants a list to run for, within the limits, and no approval", () => {
    expect(errors(plan([{ id: "fmt", action: "format_number", inputs: { value: lit(1) }, forEach: { items: input("one") } }]))).toEqual([expect.objectContaining({ code: "for_each_not_list", message: 'Step "fmt" runs for each item of ${inputs.one}, which is string, not a list.' })]);
    expect(codes(plan([{ id: "fmt", action: "format_number", inputs: { value: item() }, forEach: { items: lit(Array.from({ length: MAX_FOR_EACH_ITEMS + 1 }, (_, i) => i)) } }]))).toEqual(["invalid_for_each"]);
    expect(codes(plan([loads({ approval: true })]))).toEqual(["invalid_for_each"]);
    const mails = { id: "mail", action: "send_email", inputs: { to: lit("a@b.co"), subject: lit("s"), body: item("file") }, forEach: { items: input("paths") } };
    expect(errors(plan([mails]))).toEqual([expect.objectContaining({ code: "invalid_for_each", message: 'Step "mail" runs for each item and "send_email" always asks for approval: the items of a for-each step cannot wait for a person.' })]);
    expect(codes(plan([loads({ forEach: { items: ref("nope") } })]))).toEqual(["unknown_step_ref"]);
    expect(codes(plan([loads({ forEach: { items: input("missing") } })]))).toEqual(["missing_plan_input"]);
    const tooWide = parsePlan({ ...plan([loads()]), steps: [{ ...loads(), forEach: { items: input("paths"), concurrency: MAX_FOR_EACH_CONCURRENCY + 1 } }] });
    expect(tooWide.ok).toBe(false);
    expect(parsePlan({ ...plan([loads()]), steps: [{ ...loads(), forEach: { items: item() } }] }).ok).toBe(false);
  });
});

describe("the current item", () => {
  it("has a text form", () => {
    expect(parseBindingText("${item}")).toEqual({ ok: true, binding: { kind: "item" } });
    expect(parseBindingText("${item.file[0]}")).toEqual({ ok: true, binding: { kind: "item", path: ["file", 0] } });
    expect(printBinding({ kind: "item", path: ["file", 0] })).toBe("${item.file[0]}");
  });

  it("is a value in the step each item runs", () => {
    const when = parseCondition('${item.file} != "skip.csv"');
    if (!when.ok) throw new Error(when.error);
    const one = stepForItem({ ...loads(), when: when.condition }, { file: "a.csv" });
    expect(one.inputs.path).toEqual(lit("a.csv"));
    expect(one.when).toEqual({ op: "!=", left: lit("a.csv"), right: lit("skip.csv") });
  });

  it("a field after a list plucks it from each item", () => {
    expect(readPath({ rows: [{ id: 1 }, { id: 2 }, {}] }, ["rows", "id"])).toEqual([1, 2, null]);
    expect(readPath([{ a: { b: 1 } }, { a: { b: 2 } }], ["a", "b"])).toEqual([1, 2]);
    expect(readPath([1, 2, 3], ["length"])).toBe(3);
  });
});

describe("item events in the run view", () => {
  const ev = (type: ItemEvent["type"], data: Record<string, unknown>, seq = 1) => ({ seq, runId: "r", at: "2026-01-01T00:00:00.000Z", stepId: "s", type, data }) as ItemEvent;
  it("keeps each item's status, attempts and failure, in index order", () => {
    let items = applyItemEvent(undefined, ev("step.item.started", { index: 1, attempt: 1 }));
    items = applyItemEvent(items, ev("step.item.started", { index: 0, attempt: 1 }));
    items = applyItemEvent(items, ev("step.item.failed", { index: 1, attempt: 1, failure: { code: "action_error", message: "no", retryable: true }, retrying: true, delayMs: 10 }));
    items = applyItemEvent(items, ev("step.item.succeeded", { index: 0, attempt: 1, output: 1, ms: 5 }));
    expect(items.map((i) => [i.index, i.status, i.attempts])).toEqual([[0, "succeeded", 1], [1, "retrying", 1]]);
    items = applyItemEvent(items, ev("step.item.failed", { index: 1, attempt: 2, failure: { code: "action_error", message: "no", retryable: false } }));
    expect(items[1]).toMatchObject({ status: "failed", attempts: 2, failure: { message: "no" } });
  });
});

describe("a for-each step in the run view", () => {
  it("keeps its finished items when it starts again (a resume), and marks its items' logs", () => {
    let seq = 0;
    const e = (type: RunEvent["type"], data: Record<string, unknown>) => ({ seq: ++seq, runId: "r", at: "2026-01-01T00:00:00.000Z", stepId: "s", type, data }) as RunEvent;
    const view = applyRunEvents(emptyRunView("r", ["s"]), [
      e("step.started", { attempt: 1, input: null, items: 3 }),
      e("step.item.started", { index: 0, attempt: 1 }),
      e("step.log", { level: "info", message: "hello", item: 0 }),
      e("step.item.succeeded", { index: 0, attempt: 1, output: 1 }),
      e("step.item.started", { index: 1, attempt: 1 }),
      // the process stopped; the resume starts the step again
      e("step.started", { attempt: 2, input: null, items: 3 }),
    ]);
    const s = view.steps.s;
    expect(s.itemCount).toBe(3);
    expect(s.items!.map((i) => [i.index, i.status])).toEqual([[0, "succeeded"]]);
    expect(s.logs).toEqual([expect.objectContaining({ message: "hello", item: 0 })]);
  });
});
