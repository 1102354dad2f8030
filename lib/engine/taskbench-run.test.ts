/**
 * TaskBench plans run end to end: the gold task graphs of the multimedia set that
 * validate, executed by the engine on the simulated tools, succeed, and every step's
 * output fits its tool's output type.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { validatePlan } from "../core";
import { catalogFromToolDesc } from "../catalogs/tool-desc";
import { graphToPlan } from "../taskbench/graph-to-plan";
import { readGold, readToolDesc } from "../../tests/support/taskbench-data";
import { freshDatabase } from "../../tests/support/databases";
import { makeHarness } from "../../tests/support/engine-harness";
import { expectAllRunsMatchFold } from "../../tests/support/projection";
import type { Database } from "../store/database";

describe("TaskBench plans in the engine", () => {
  let db: Database;
  const ended = new Set<string>();
  beforeAll(async () => { db = await freshDatabase("pglite"); });
  afterAll(async () => { await db?.close(); });
  afterEach(async () => { await expectAllRunsMatchFold(db, ended); });

  it("runs valid multimedia gold plans on the simulated tools", async () => {
    const cat = catalogFromToolDesc("multimedia", readToolDesc("multimedia"));
    const h = makeHarness(db, cat.registry.list());
    const plans = readGold("multimedia")
      .map((r) => graphToPlan(r, cat, { goal: r.instruction }).plan)
      .filter((p) => validatePlan(p, cat.catalog).valid && p.steps.length >= 2)
      .slice(0, 12);
    expect(plans.length).toBeGreaterThanOrEqual(10);
    for (const plan of plans) {
      const done = await h.engine.run({ planVersionId: await h.savePlan(plan) });
      expect(done.run.status, JSON.stringify(done.run.failure)).toBe("succeeded");
      for (const s of done.steps) {
        expect(s.status).toBe("succeeded");
        expect(JSON.stringify(s.output)).toMatch(/simulated/i);
      }
    }
  });
});
