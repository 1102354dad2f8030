import { describe, expect, it } from "vitest";
import { criticalPath, findCycles, parallelLayers, topologicalOrder, downstreamOf } from "./graph";
import type { Step } from "./plan";

const s = (id: string, deps: string[] = [], after: string[] = []): Step => ({
  id, action: "x", inputs: Object.fromEntries(deps.map((d, i) => [`in${i}`, { kind: "step" as const, step: d }])), after,
});

describe("graph helpers", () => {
  const diamond = [s("d", ["b", "c"]), s("b", ["a"]), s("c", [], ["a"]), s("a")];
  it("orders topologically, stable in plan order", () => {
    expect(topologicalOrder(diamond)).toEqual({ order: ["a", "b", "c", "d"], cyclic: [] });
  });
  it("groups parallel layers", () => {
    expect(parallelLayers(diamond)).toEqual([["a"], ["b", "c"], ["d"]]);
  });
  it("computes the critical path", () => {
    expect(criticalPath(diamond, { a: 10, b: 50, c: 20, d: 5 })).toEqual({ length: 65, path: ["a", "b", "d"] });
  });
  it("finds cycles and leaves them unordered", () => {
    const cyc = [s("a", ["c"]), s("b", ["a"]), s("c", ["b"]), s("d", ["a"]), s("e")];
    expect(findCycles(cyc)).toHaveLength(1);
    expect(findCycles(cyc)[0].sort()).toEqual(["a", "b", "c"]);
    expect(topologicalOrder(cyc)).toEqual({ order: ["e"], cyclic: ["a", "b", "c", "d"] });
  });
  it("handles long chains without recursion limits", () => {
    const chain = Array.from({ length: 20000 }, (_, i) => s(`s${i}`, i ? [`s${i - 1}`] : []));
    expect(findCycles(chain)).toEqual([]);
    expect(downstreamOf(chain, "s19990").size).toBe(9);
  });
});
