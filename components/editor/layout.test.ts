import { afterEach, describe, expect, it, vi } from "vitest";
import type { Plan, Step } from "@/lib/core/plan";
import { catalog, loadCsv } from "@/tests/support/core-fixtures";
import { layoutSteps } from "@/components/graph/elk-layout";
import { INPUTS_NODE_ID } from "./handles";
import { initialLayout, layoutPlan } from "./layout";
import { INPUTS_NODE_WIDTH, NODE_WIDTH } from "./step-view";

const lit = (value: unknown) => ({ kind: "literal" as const, value });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });

const steps: Step[] = [
  { id: "mail", action: "send_email", inputs: { to: lit("a@b.co"), subject: lit("s"), body: ref("fmt") } },
  { id: "fmt", action: "format_number", inputs: { value: ref("sum", "total") } },
  { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") } },
  { id: "load", action: "load_csv", inputs: { path: { kind: "input", name: "file" } } },
  { id: "side", action: "format_number", inputs: { value: lit(1) }, after: ["load"] },
];
const plan: Plan = { goal: "g", flows: [], steps, outputs: {}, inputs: [{ name: "file", schema: { type: "string" } }] };
const specs = catalog.list();

afterEach(() => vi.restoreAllMocks());

describe("layoutPlan", () => {
  it("places every step and the plan inputs node, dependencies to the left", async () => {
    const pos = await layoutPlan(plan, catalog);
    expect(Object.keys(pos).sort()).toEqual([INPUTS_NODE_ID, "fmt", "load", "mail", "side", "sum"].sort());
    expect(pos[INPUTS_NODE_ID].x).toBeLessThan(pos.load.x);
    expect(pos.load.x).toBeLessThan(pos.sum.x);
    expect(pos.sum.x).toBeLessThan(pos.fmt.x);
    expect(pos.fmt.x).toBeLessThan(pos.mail.x);
    // order-only dependencies count too
    expect(pos.load.x).toBeLessThan(pos.side.x);
    // the columns are at least a node apart
    expect(pos.sum.x - pos.load.x).toBeGreaterThanOrEqual(NODE_WIDTH);
    expect(pos.load.x - pos[INPUTS_NODE_ID].x).toBeGreaterThanOrEqual(INPUTS_NODE_WIDTH);
  });

  it("puts every step that reads a plan input in the first column after the inputs node", async () => {
    const two: Plan = { ...plan, steps: [...steps, { id: "late", action: "load_csv", inputs: { path: { kind: "input", name: "file" } }, after: ["fmt"] }] };
    const pos = await layoutPlan(two, catalog);
    expect(pos.late.x).toBeGreaterThan(pos.fmt.x);
    const alone: Plan = { ...plan, steps: [...steps, { id: "reader", action: "load_csv", inputs: { path: { kind: "input", name: "file" } } }] };
    const p2 = await layoutPlan(alone, catalog);
    expect(p2.reader.x).toBe(p2.load.x);
  });

  it("has no plan inputs node for a plan without inputs, and nothing for an empty plan", async () => {
    const pos = await layoutPlan({ ...plan, inputs: [], steps: steps.map((s) => (s.id === "load" ? { ...s, inputs: { path: lit("x.csv") } } : s)) }, catalog);
    expect(pos[INPUTS_NODE_ID]).toBeUndefined();
    expect(Object.keys(pos)).toHaveLength(steps.length);
    expect(await layoutPlan({ goal: "", flows: [], inputs: [], steps: [], outputs: {} }, catalog)).toEqual({});
  });

  it("is deterministic", async () => {
    expect(await layoutPlan(plan, catalog)).toEqual(await layoutPlan(plan, catalog));
  });

  it("leaves the plan untouched", async () => {
    const before = structuredClone(plan);
    await layoutPlan(plan, catalog, { sum: true });
    expect(plan).toEqual(before);
  });

  it("lays out steps with unknown actions and dangling references", async () => {
    const odd: Plan = { ...plan, inputs: [], steps: [{ id: "u", action: "mystery", inputs: { x: ref("ghost") }, after: ["nowhere"] }, { id: "v", action: "format_number", inputs: { value: ref("u") } }] };
    const pos = await layoutPlan(odd, catalog);
    expect(pos.u.x).toBeLessThan(pos.v.x);
  });
});

describe("layoutSteps", () => {
  it("stacks independent steps without overlap", async () => {
    const independent: Step[] = ["a", "b", "c"].map((id) => ({ id, action: "x", inputs: {} }));
    const { positions, height } = await layoutSteps(independent, () => ({ width: 100, height: 50 }));
    const ys = independent.map((s) => positions[s.id].y).sort((a, b) => a - b);
    expect(ys[1] - ys[0]).toBeGreaterThanOrEqual(50);
    expect(ys[2] - ys[1]).toBeGreaterThanOrEqual(50);
    expect(height).toBeGreaterThanOrEqual(150);
  });

  it("lays out top to bottom when asked", async () => {
    const chain: Step[] = [{ id: "a", action: "x", inputs: {} }, { id: "b", action: "x", inputs: { v: ref("a") } }];
    const { positions } = await layoutSteps(chain, () => ({ width: 100, height: 50 }), { direction: "DOWN" });
    expect(positions.b.y).toBeGreaterThan(positions.a.y);
  });
});

describe("initialLayout", () => {
  it("lays out a version once per content hash", async () => {
    const first = await initialLayout(plan, specs, "hash-once");
    expect(first).toEqual(await layoutPlan(plan, catalog));
    expect(await initialLayout(plan, specs, "hash-once")).toBe(first);
    // without a hash, nothing is cached
    const a = await initialLayout(plan, specs);
    const b = await initialLayout(plan, specs);
    expect(a).toEqual(first);
    expect(b).not.toBe(a);
  });

  it("keeps a bounded cache, dropping the oldest version first", async () => {
    const small: Plan = { goal: "", flows: [], inputs: [], outputs: {}, steps: [{ id: "only", action: "load_csv", inputs: {} }] };
    const oldest = await initialLayout(small, specs, "evict-0");
    for (let i = 1; i <= 100; i++) await initialLayout(small, specs, `evict-${i}`);
    const newest = await initialLayout(small, specs, "evict-100");
    expect(await initialLayout(small, specs, "evict-100")).toBe(newest);
    expect(await initialLayout(small, specs, "evict-0")).not.toBe(oldest);
  });

  it("gives undefined when the layout cannot be made, so the browser lays it out", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    // a catalog with one action twice cannot be built
    expect(await initialLayout(plan, [loadCsv.spec, loadCsv.spec], "hash-broken")).toBeUndefined();
    expect(logged).toHaveBeenCalledOnce();
    expect(String(logged.mock.calls[0][0])).toMatch(/^\[trellis\] server-side layout failed/);
    // a failure is not cached
    expect(await initialLayout(plan, specs, "hash-broken")).toBeDefined();
  });
});
