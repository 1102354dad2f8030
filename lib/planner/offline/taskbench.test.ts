/**
 * The offline planner on TaskBench requests: every plan valid (or, when nothing in the catalog
 * clearly fits a request, no plan at all, never an invalid one), and better than small LLMs on
 * multimedia.
 */
import { describe, expect, it } from "vitest";
import { scoreById } from "@/lib/taskbench/evaluate";
import { metricToolsFromDesc } from "@/lib/taskbench/metrics";
import { planToGraph } from "@/lib/taskbench/plan-to-graph";
import { SETS, readGold, readToolDesc } from "@/tests/support/taskbench-data";
import { planGoal } from "../plan-goal";
import { taskbenchCatalog } from "../../../tests/support/planner-catalogs";

describe("the offline planner on TaskBench gold requests", () => {
  for (const set of SETS) {
    it(`plans every ${set} request validly`, async () => {
      const cat = taskbenchCatalog(set);
      const gold = readGold(set);
      const planned = new Map<string, unknown>();
      for (const g of gold) {
        const result = await planGoal({ goal: String(g.instruction), flows: [set], planner: "offline" }, { catalog: cat.catalog });
        expect(result.valid || result.status === "no_plan", `${g.id}: ${JSON.stringify(result.issues)}`).toBe(true);
        planned.set(g.id, planToGraph(result.plan, cat));
      }
      const m = scoreById(gold, planned, metricToolsFromDesc(readToolDesc(set)));
      if (set === "multimedia") {
        expect(m.n_f1).toBeGreaterThanOrEqual(60);
        expect(m.e_f1).toBeGreaterThanOrEqual(25);
      }
    });
  }
});
