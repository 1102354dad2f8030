/**
 * Retries, on the in-memory store. A run starts (and a retry restarts) only from a plan that is
 * valid against today's catalog: a version found valid against a catalog is not checked again
 * while that catalog stands, and is when the actions change (a new catalog). A retry reuses a
 * succeeded step only when everything upstream of it is reused too.
 */
import { describe, expect, it } from "vitest";
import { ActionRegistry, type ActionLookup, type Plan } from "../core";
import { newProbe, testActions } from "../../tests/support/engine-actions";
import { makeMemoryHarness } from "../../tests/support/engine-harness";

describe("the plan check before a run", () => {
  it("checks a version again when the catalog changed, and not while it stands", async () => {
    const all = new ActionRegistry(testActions(newProbe()));
    const withoutFail = new ActionRegistry(testActions(newProbe()).filter((a) => a.spec.id !== "test.fail"));
    let current = all;
    const lookup: ActionLookup = { get: (ref, version) => current.get(ref, version), get catalog() { return current.catalog; } };
    const h = makeMemoryHarness([], { registry: lookup });
    const plan: Plan = {
      goal: "fails at the end", flows: [], inputs: [], outputs: {},
      steps: [{ id: "a", action: "test.noop", inputs: {} }, { id: "b", action: "test.fail", inputs: {}, after: ["a"] }],
    };
    const versionId = h.savePlan(plan);
    const failed = await h.engine.run({ planVersionId: versionId });
    expect(failed.run.status).toBe("failed");

    // The action the plan needs is gone: the retry is refused, before anything is stored.
    current = withoutFail;
    await expect(h.engine.retry(failed.run.id)).rejects.toMatchObject({ code: "invalid_plan", message: expect.stringContaining("test.fail") });
    await expect(h.engine.start({ planVersionId: versionId })).rejects.toMatchObject({ code: "invalid_plan" });

    // Back to the catalog it was found valid against: it runs again, reusing what succeeded.
    current = all;
    const again = await h.engine.wait(await h.engine.retry(failed.run.id));
    expect(again.run.status).toBe("failed");
    expect(again.steps.find((s) => s.stepId === "a")?.reusedFromRunId).toBe(failed.run.id);
    await h.engine.close();
  });
});

describe("what a retry reuses", () => {
  it("reuses a succeeded step only when every step upstream of it is reused too", async () => {
    const h = makeMemoryHarness(testActions(newProbe()));
    const plan: Plan = {
      goal: "reuse", flows: [], inputs: [], outputs: {},
      steps: [
        { id: "a", action: "test.noop", inputs: {} },
        { id: "b", action: "test.noop", inputs: {}, after: ["a"] },
        { id: "c", action: "test.fail", inputs: {}, after: ["b"] },
        { id: "d", action: "test.noop", inputs: {} },
        { id: "e", action: "test.noop", inputs: {}, after: ["d", "b"] },
      ],
    };
    const v1 = h.savePlan(plan);
    const failed = await h.engine.run({ planVersionId: v1 });
    expect(failed.steps.filter((s) => s.status === "succeeded").map((s) => s.stepId).sort()).toEqual(["a", "b", "d", "e"]);
    const reused = (run: Awaited<ReturnType<typeof h.engine.wait>>) => run.steps.filter((s) => s.reusedFromRunId).map((s) => s.stepId).sort();

    // The same version: every step that succeeded is reused.
    expect(reused(await h.engine.wait(await h.engine.retry(failed.run.id)))).toEqual(["a", "b", "d", "e"]);
    // A version whose first step changed: what is downstream of it runs again, the rest is reused.
    const v2 = h.savePlan({ ...plan, steps: plan.steps.map((s) => (s.id === "a" ? { ...s, label: "changed" } : s)) }, v1);
    expect(reused(await h.engine.wait(await h.engine.retry(failed.run.id, { planVersionId: v2 })))).toEqual(["d"]);
    await h.engine.close();
  });
});
