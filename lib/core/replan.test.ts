import { describe, expect, it } from "vitest";
import { catalog } from "../../tests/support/core-fixtures";
import type { RunEvent } from "./events";
import type { Plan, Step } from "./plan";
import { finishedStepIds, stepsToRestart, summarizeReplan, validateReplan } from "./replan";
import { emptyRunState, foldRunEvents, rowPatches } from "./run-state";
import { applyRunEvents, emptyRunView } from "./run-view";
import { lit } from "../../tests/support/bindings";

const plan = (steps: Step[], extra: Partial<Plan> = {}): Plan => ({ goal: "g", flows: [], inputs: [], outputs: {}, steps, ...extra });
const ref = (step: string, ...path: string[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });

const before = plan([
  { id: "load", action: "load_csv", inputs: { path: lit("sales.csv") } },
  { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") } },
  { id: "fmt", action: "format_number", inputs: { value: ref("sum", "total"), decimals: lit(2) } },
]);

describe("validateReplan", () => {
  const finished = new Set(["load"]);
  it("accepts a proposal that keeps the finished steps and changes the rest", () => {
    const after = plan([before.steps[0], { ...before.steps[1], inputs: { ...before.steps[1].inputs, column: lit("units") } }, before.steps[2]]);
    expect(validateReplan(before, after, finished, catalog)).toEqual({ valid: true, issues: [] });
    expect(summarizeReplan(before, after)).toEqual({ added: [], removed: [], changed: ["sum"] });
    expect(stepsToRestart(after, finished)).toEqual(["sum", "fmt"]);
  });

  it("refuses a proposal that changes or removes a finished step, changes the plan inputs, or changes nothing", () => {
    const changed = plan([{ ...before.steps[0], inputs: { path: lit("other.csv") } }, before.steps[1], before.steps[2]]);
    expect(validateReplan(before, changed, finished, catalog).issues.map((i) => [i.code, i.stepId])).toEqual([["replan_changed_finished_step", "load"]]);
    const removed = plan([{ ...before.steps[1], inputs: { table: lit({ columns: [], rows: [] }), column: lit("revenue") } }, before.steps[2]]);
    expect(validateReplan(before, removed, finished, catalog).issues.map((i) => i.code)).toContain("replan_changed_finished_step");
    const inputs = { ...before, inputs: [{ name: "x", schema: { type: "string" } }] };
    expect(validateReplan(before, inputs, finished, catalog).issues.map((i) => i.code)).toContain("replan_changed_inputs");
    expect(validateReplan(before, before, finished, catalog).issues.map((i) => i.code)).toEqual(["replan_unchanged"]);
  });

  it("runs every plan check on the proposal", () => {
    const bad = plan([before.steps[0], { ...before.steps[1], action: "no_such_action" }, before.steps[2]]);
    expect(validateReplan(before, bad, finished, catalog).issues.map((i) => i.code)).toContain("unknown_action");
  });
});

describe("finishedStepIds", () => {
  it("keeps what succeeded, what a condition skipped and what failed with a fallback; a step skipped by the failure may change", () => {
    const ids = finishedStepIds({ a: { status: "succeeded" }, b: { status: "skipped" }, c: { status: "skipped" }, d: { status: "failed", output: { fallback: true } }, e: { status: "failed" }, f: { status: "pending" } }, new Set(["b"]));
    expect([...ids].sort()).toEqual(["a", "b", "d"]);
  });
});

describe("a re-plan in the run's projection", () => {
  const at = "2026-01-01T00:00:00.000Z";
  const e = (seq: number, type: string, data: unknown, stepId?: string) => ({ seq, runId: "r", at, type, data, ...(stepId ? { stepId } : {}) }) as RunEvent;
  const events: RunEvent[] = [
    e(1, "run.queued", { planVersionId: "v1", inputs: {} }),
    e(2, "run.started", {}),
    e(3, "step.started", { attempt: 1, input: {} }, "a"),
    e(4, "step.succeeded", { attempt: 1, output: 1 }, "a"),
    e(5, "step.started", { attempt: 1, input: {} }, "b"),
    e(6, "step.failed", { attempt: 1, failure: { code: "action_error", message: "no", retryable: false } }, "b"),
    e(7, "run.replanned", { planVersionId: "v2", fromVersionId: "v1", replan: 1, reason: "why", failedStepId: "b", source: "offline", summary: { added: ["b2"], removed: ["b"], changed: ["c"] }, restart: ["b2", "c"] }),
  ];

  it("moves the run to the new version, adds and removes steps, and restarts what did not finish: rows, engine and page alike", () => {
    const folded = foldRunEvents(emptyRunState("r", ["a", "b", "c"]), events);
    expect(folded).toMatchObject({ status: "running", planVersionId: "v2", failure: null });
    expect(Object.keys(folded.steps).sort()).toEqual(["a", "b2", "c"]);
    expect(folded.steps.b2).toMatchObject({ status: "pending", attempts: 0 });
    expect(folded.steps.a).toMatchObject({ status: "succeeded", output: 1 });
    const rows = rowPatches(events);
    expect([...rows.steps.keys()].sort()).toEqual(["a", "b2", "c"]);
    expect([...rows.addedSteps!]).toEqual(["b2"]);
    expect([...rows.removedSteps!]).toEqual(["b"]);
    const view = applyRunEvents(emptyRunView("r", ["a", "b", "c"]), events);
    expect(Object.keys(view.steps).sort()).toEqual(["a", "b2", "c"]);
    expect(view.replans).toEqual([expect.objectContaining({ kind: "replanned", planVersionId: "v2", summary: { added: ["b2"], removed: ["b"], changed: ["c"] } })]);
  });
});
