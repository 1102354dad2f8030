/**
 * For-each steps on a real engine and database: one run of the action per item, the outputs
 * in item order, a field plucked from each, per-item events; a failed item fails the step and a
 * retry runs only the failed items; `onError: continue` goes on with the fallback; a cancel
 * stops the items that have not started; a list over the limit fails the step.
 */
import { describe, expect, it } from "vitest";
import { MAX_FOR_EACH_ITEMS, parseCondition, type Plan, type RunEvent, type Step } from "../core";
import { engineKinds, engineSuite } from "../../tests/support/engine-suite";

const input = (name: string) => ({ kind: "input" as const, name });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
const item = (...path: string[]) => ({ kind: "item" as const, ...(path.length ? { path } : {}) });

/** each: test.item for each of the plan input `xs`; sum adds the first two doubled values */
const plan = (each: Partial<Step> = {}): Plan => ({
  goal: "for each", flows: [], outputs: { doubled: ref("each", "doubled"), first: ref("sum", "sum") },
  inputs: [{ name: "xs", schema: { type: "array", items: { type: "object", properties: { v: { type: "number" }, ms: { type: "integer" } }, required: ["v"] } } }],
  steps: [
    { id: "each", action: "test.item", inputs: { value: item("v"), ms: item("ms") }, forEach: { items: input("xs"), concurrency: 2 }, ...each },
    { id: "sum", action: "test.add", inputs: { a: ref("each", 0, "doubled"), b: ref("each", 1, "doubled") } },
  ],
});
const xs = (...vs: number[]) => vs.map((v) => ({ v }));

const itemEvents = (events: RunEvent[], type: RunEvent["type"]) => events.filter((e) => e.type === type && e.stepId === "each").map((e) => (e.data as { index: number }).index).sort((a, b) => a - b);

describe.each(engineKinds)("for-each steps on %s", (kind) => {
  const t = engineSuite(kind);

  it("runs the action once per item and gives the outputs in item order, a field plucked from each", async () => {
    // the first item is the slowest: the outputs still come in item order
    const v = await t.h.savePlan(plan());
    const done = await t.h.engine.run({ planVersionId: v, inputs: { xs: [{ v: 1, ms: 50 }, { v: 2 }, { v: 3 }] } });
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ doubled: [2, 4, 6], first: 6 });
    const each = done.steps.find((s) => s.stepId === "each")!;
    expect(each.attempts).toBe(1);
    expect(each.output).toEqual([{ value: 1, doubled: 2 }, { value: 2, doubled: 4 }, { value: 3, doubled: 6 }]);
    const events = await t.h.store.events(done.run.id);
    expect(itemEvents(events, "step.item.succeeded")).toEqual([0, 1, 2]);
    expect(events.filter((e) => e.type === "step.log" && e.stepId === "each").map((e) => (e.data as { item?: number }).item).sort()).toEqual([0, 1, 2]);
    expect([1, 2, 3].map((n) => t.probe.calls.get(`item:${n}`))).toEqual([1, 1, 1]);
  });

  it("asks a condition that reads the item of each item: the items it skips are left out of the output", async () => {
    const when = parseCondition("${item.v} != 2");
    if (!when.ok) throw new Error(when.error);
    const v = await t.h.savePlan({ ...plan({ when: when.condition }), outputs: { doubled: ref("each", "doubled") }, steps: [plan({ when: when.condition }).steps[0]] });
    const done = await t.h.engine.run({ planVersionId: v, inputs: { xs: xs(1, 2, 3) } });
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ doubled: [2, 6] });
    const events = await t.h.store.events(done.run.id);
    expect(itemEvents(events, "step.item.skipped")).toEqual([1]);
    expect(events.find((e) => e.type === "step.item.skipped")?.data).toMatchObject({ reason: "condition false: ${item.v} != 2" });
    expect(t.probe.calls.get("item:2")).toBeUndefined();
  });

  it("fails the step when an item fails; a retry of the run runs only the failed item", async () => {
    t.probe.failingItems.add(2);
    const v = await t.h.savePlan(plan({ forEach: { items: input("xs"), concurrency: 1 } }));
    const first = await t.h.engine.run({ planVersionId: v, inputs: { xs: xs(1, 2, 3) } });
    expect(first.run.status).toBe("failed");
    const each = first.steps.find((s) => s.stepId === "each")!;
    expect(each.status).toBe("failed");
    expect(each.failure).toMatchObject({ code: "action_error", details: { failedItems: [1] } });
    expect(each.failure!.message).toMatch(/^1 of 3 items failed; item 1: item 2 fails/);
    // one at a time: the item after the failed one never started
    expect(t.probe.calls.get("item:3")).toBeUndefined();

    t.probe.failingItems.clear();
    const retryId = await t.h.engine.retry(first.run.id);
    const done = await t.h.engine.wait(retryId);
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ doubled: [2, 4, 6], first: 6 });
    expect([1, 2, 3].map((n) => t.probe.calls.get(`item:${n}`))).toEqual([1, 2, 1]);
    const events = await t.h.store.events(retryId);
    const reused = events.filter((e) => e.type === "step.item.succeeded" && e.data.reusedFromRunId === first.run.id).map((e) => (e.data as { index: number }).index);
    expect(reused).toEqual([0]);
  });

  it("goes on with the fallback for a failed item when the step continues on error", async () => {
    t.probe.failingItems.add(2);
    const v = await t.h.savePlan(plan({ onError: "continue", fallback: { value: 0, doubled: 0 } }));
    const done = await t.h.engine.run({ planVersionId: v, inputs: { xs: xs(1, 2, 3) } });
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ doubled: [2, 0, 6], first: 2 });
    expect(itemEvents(await t.h.store.events(done.run.id), "step.item.failed")).toEqual([1]);
  });

  it("stops the items that have not started when the run is cancelled", async () => {
    const v = await t.h.savePlan(plan({ forEach: { items: input("xs"), concurrency: 1 } }));
    const runId = await t.h.engine.start({ planVersionId: v, inputs: { xs: [{ v: 1 }, { v: 2, ms: 600_000 }, { v: 3 }] } });
    for (;;) {
      if (itemEvents(await t.h.store.events(runId), "step.item.started").includes(1)) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await t.h.engine.cancel(runId);
    const done = await t.h.engine.wait(runId);
    expect(done.run.status).toBe("cancelled");
    expect(done.steps.find((s) => s.stepId === "each")!.status).toBe("cancelled");
    expect(t.probe.calls.get("item:3")).toBeUndefined();
    expect(itemEvents(await t.h.store.events(runId), "step.item.succeeded")).toEqual([0]);
  });

  it("fails the step, saying the limit, when its list has too many items", async () => {
    const v = await t.h.savePlan(plan());
    const done = await t.h.engine.run({ planVersionId: v, inputs: { xs: xs(...Array.from({ length: MAX_FOR_EACH_ITEMS + 1 }, (_, i) => i)) } });
    expect(done.run.status).toBe("failed");
    expect(done.steps.find((s) => s.stepId === "each")!.failure).toMatchObject({ code: "input_invalid", message: `its list has ${MAX_FOR_EACH_ITEMS + 1} items; a for-each step runs at most ${MAX_FOR_EACH_ITEMS}` });
    expect(t.probe.calls.size).toBe(0);
  });
});
