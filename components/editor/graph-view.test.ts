import { describe, expect, it } from "vitest";
import type { ValidationIssue } from "@/lib/core/issues";
import type { Plan, Step } from "@/lib/core/plan";
import { catalog } from "@/tests/support/core-fixtures";
import { validatePlan } from "@/lib/core/validate-plan";
import { GraphCache, deriveGraph, type BindingEdge, type GraphInput, type InputsNode, type StepNode } from "./graph-view";
import { INPUTS_NODE_ID } from "./handles";

const lit = (value: unknown) => ({ kind: "literal" as const, value });
const ref = (step: string, ...path: (string | number)[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });

const steps: Step[] = [
  { id: "load", action: "load_csv", inputs: { path: { kind: "input", name: "file" } } },
  { id: "sum", action: "sum_column", inputs: { table: ref("load", "table"), column: lit("revenue") } },
  { id: "fmt", action: "format_number", inputs: { value: ref("sum", "total") } },
  { id: "mail", action: "send_email", inputs: { to: lit("a@b.co"), subject: lit("Total"), body: ref("fmt") }, after: ["load"] },
];
const plan: Plan = {
  goal: "g", flows: [], steps, outputs: { total: ref("fmt") },
  inputs: [{ name: "file", schema: { type: "string" } }, { name: "spare", schema: { type: "array", items: { type: "integer" } } }],
};
const positions = { [INPUTS_NODE_ID]: { x: -300, y: 0 }, load: { x: 0, y: 0 }, sum: { x: 360, y: 0 }, fmt: { x: 720, y: 0 }, mail: { x: 1080, y: 0 } };

const input = (over: Partial<GraphInput> = {}): GraphInput => ({
  plan, catalog, issues: [], positions, measured: {}, selectedSteps: [], selectedEdges: [], ...over,
});
const byId = <T extends { id: string }>(list: readonly T[]) => new Map(list.map((x) => [x.id, x]));

describe("deriveGraph", () => {
  it("draws nothing for an empty plan", () => {
    const g = deriveGraph(input({ plan: { goal: "", flows: [], inputs: [], steps: [], outputs: {} }, positions: {} }), new GraphCache());
    expect(g).toEqual({ nodes: [], edges: [] });
  });

  it("makes the plan inputs node first, then one node per step", () => {
    const { nodes } = deriveGraph(input(), new GraphCache());
    expect(nodes.map((n) => [n.id, n.type])).toEqual([[INPUTS_NODE_ID, "planInputs"], ["load", "step"], ["sum", "step"], ["fmt", "step"], ["mail", "step"]]);
    const inputs = nodes[0] as InputsNode;
    expect(inputs).toMatchObject({ position: { x: -300, y: 0 }, selectable: false, deletable: false });
    expect(inputs.data.inputs).toEqual([
      { name: "file", type: "string", kind: "string", used: true },
      { name: "spare", type: "integer[]", kind: "array", used: false },
    ]);
    const sum = nodes[2] as StepNode;
    expect(sum.position).toEqual({ x: 360, y: 0 });
    expect(sum.data).toMatchObject({ stepId: "sum", title: "Sum column", errors: 0 });
  });

  it("has no plan inputs node when the plan has no inputs", () => {
    const { nodes } = deriveGraph(input({ plan: { ...plan, inputs: [] } }), new GraphCache());
    expect(nodes.some((n) => n.id === INPUTS_NODE_ID)).toBe(false);
  });

  it("draws an edge per reference and per order dependency, none for literals", () => {
    const { edges } = deriveGraph(input(), new GraphCache());
    expect(edges.map((e) => [e.id, e.type, e.source, e.sourceHandle, e.target, e.targetHandle])).toEqual([
      ["b:load:path", "binding", INPUTS_NODE_ID, "pi:file", "load", "in:path"],
      ["b:sum:table", "binding", "load", "out:table", "sum", "in:table"],
      ["b:fmt:value", "binding", "sum", "out:total", "fmt", "in:value"],
      ["b:mail:body", "binding", "fmt", "out", "mail", "in:body"],
      ["o:load:mail", "order", "load", "done", "mail", "wait"],
    ]);
    const e = byId(edges);
    expect((e.get("b:sum:table") as BindingEdge).data).toEqual({ kind: "object", label: undefined, invalid: false });
    expect((e.get("b:fmt:value") as BindingEdge).data!.kind).toBe("number");
    expect((e.get("b:load:path") as BindingEdge).data!.kind).toBe("string");
    expect(e.get("o:load:mail")!.markerEnd).toMatchObject({ type: "arrowclosed" });
  });

  it("marks a for-each step and draws its list as a labelled edge; an ${item} input draws none", () => {
    const each: Step = { id: "fmt", action: "format_number", inputs: { value: { kind: "item" } }, forEach: { items: { kind: "input", name: "spare" } } };
    const { nodes, edges } = deriveGraph(input({ plan: { ...plan, steps: [steps[0], steps[1], each] } }), new GraphCache());
    expect((byId(nodes).get("fmt") as StepNode).data.forEach).toBe(true);
    expect((byId(nodes).get("sum") as StepNode).data.forEach).toBeUndefined();
    const drawn = edges.filter((e) => e.target === "fmt");
    expect(drawn.map((e) => [e.type, e.source, e.sourceHandle, (e.data as { label?: string }).label])).toEqual([["condition", INPUTS_NODE_ID, "pi:spare", "for each ${inputs.spare}"]]);
  });

  it("labels an edge with the part of the path past the field handle", () => {
    const p: Plan = { ...plan, steps: [...steps, { id: "cols", action: "format_number", inputs: { value: ref("load", "table", "rows", 0, "n") } }] };
    const edge = byId(deriveGraph(input({ plan: p }), new GraphCache()).edges).get("b:cols:value") as BindingEdge;
    expect(edge.sourceHandle).toBe("out:table");
    expect(edge.data!.label).toBe(".rows[0].n");
    expect(edge.data!.kind).toBe("any");
  });

  it("skips references to steps, inputs and order dependencies that do not exist, and self waits", () => {
    const p: Plan = {
      ...plan,
      steps: [
        { id: "a", action: "format_number", inputs: { value: ref("ghost", "x") }, after: ["ghost", "a"] },
        { id: "b", action: "load_csv", inputs: { path: { kind: "input", name: "missing" } } },
      ],
    };
    expect(deriveGraph(input({ plan: p }), new GraphCache()).edges).toEqual([]);
  });

  it("draws edges from steps with unknown actions from their whole output", () => {
    const p: Plan = { ...plan, steps: [{ id: "u", action: "mystery", inputs: {} }, { id: "f", action: "format_number", inputs: { value: ref("u", "n") } }] };
    const [edge] = deriveGraph(input({ plan: p }), new GraphCache()).edges as BindingEdge[];
    expect(edge).toMatchObject({ source: "u", sourceHandle: "out", data: { kind: "any", label: ".n" } });
  });

  it("marks invalid edges and step issues from the validator", () => {
    const bad: Plan = { ...plan, steps: steps.map((s) => (s.id === "fmt" ? { ...s, inputs: { value: ref("load", "table") } } : s)) };
    const issues = validatePlan(bad, catalog).issues;
    const g = deriveGraph(input({ plan: bad, issues }), new GraphCache());
    const edge = byId(g.edges).get("b:fmt:value") as BindingEdge;
    expect(edge.data!.invalid).toBe(true);
    expect((byId(g.edges).get("b:sum:table") as BindingEdge).data!.invalid).toBe(false);
    const fmt = byId(g.nodes).get("fmt") as StepNode;
    expect(fmt.data.errors).toBeGreaterThan(0);
    expect(fmt.data.inputs.find((p) => p.name === "value")!.issue).toBe("error");
  });

  it("marks selected nodes and edges", () => {
    const g = deriveGraph(input({ selectedSteps: ["sum"], selectedEdges: ["o:load:mail", "b:sum:table"] }), new GraphCache());
    expect(g.nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(["sum"]);
    expect(g.edges.filter((e) => e.selected).map((e) => e.id)).toEqual(["b:sum:table", "o:load:mail"]);
  });

  it("places a step nobody placed right of the first step it reads, else at the origin", () => {
    const g = deriveGraph(input({ positions: { load: { x: 10, y: 20 } } }), new GraphCache());
    const n = byId(g.nodes);
    expect(n.get("sum")!.position).toEqual({ x: 370, y: 20 });
    expect(n.get("load")!.position).toEqual({ x: 10, y: 20 });
    expect(n.get("fmt")!.position).toEqual({ x: 0, y: 0 });
  });

  it("places an unplaced plan inputs node left of everything", () => {
    const g = deriveGraph(input({ positions: { load: { x: 50, y: 80 }, sum: { x: 400, y: -20 } } }), new GraphCache());
    expect(g.nodes[0].position).toEqual({ x: -250, y: -20 });
    expect(deriveGraph(input({ positions: {} }), new GraphCache()).nodes[0].position).toEqual({ x: 0, y: 0 });
  });

  it("passes measured sizes through", () => {
    const g = deriveGraph(input({ measured: { sum: { width: 288, height: 130 } } }), new GraphCache());
    expect(byId(g.nodes).get("sum")!.measured).toEqual({ width: 288, height: 130 });
  });
});

describe("deriveGraph with a cache", () => {
  it("hands back the same objects when nothing changed", () => {
    const cache = new GraphCache();
    const a = deriveGraph(input(), cache);
    const b = deriveGraph(input(), cache);
    a.nodes.forEach((n, i) => expect(b.nodes[i]).toBe(n));
    a.edges.forEach((e, i) => expect(b.edges[i]).toBe(e));
  });

  it("hands back the same objects for unplaced nodes too", () => {
    const cache = new GraphCache();
    const unplaced = input({ positions: { load: { x: 10, y: 20 } } });
    const a = deriveGraph(unplaced, cache);
    const b = deriveGraph({ ...unplaced, positions: { ...unplaced.positions } }, cache);
    a.nodes.forEach((n, i) => expect(b.nodes[i]).toBe(n));
  });

  it("remakes only what an edit touched", () => {
    const cache = new GraphCache();
    const a = deriveGraph(input(), cache);
    const edited: Plan = { ...plan, steps: plan.steps.map((s) => (s.id === "sum" ? { ...s, inputs: { ...s.inputs, column: lit("cost") } } : s)) };
    const b = deriveGraph(input({ plan: edited }), cache);
    const before = byId(a.nodes);
    for (const n of b.nodes) {
      if (n.id === "sum") expect(n).not.toBe(before.get(n.id));
      else expect(n).toBe(before.get(n.id));
    }
    expect((byId(b.nodes).get("sum") as StepNode).data.inputs.find((p) => p.name === "column")!.value).toBe('"cost"');
  });

  it("keeps a node's data when only its selection or position changes", () => {
    const cache = new GraphCache();
    const a = byId(deriveGraph(input(), cache).nodes);
    const b = byId(deriveGraph(input({ selectedSteps: ["fmt"], positions: { ...positions, sum: { x: 1, y: 2 } } }), cache).nodes);
    expect(b.get("fmt")).not.toBe(a.get("fmt"));
    expect(b.get("fmt")!.data).toBe(a.get("fmt")!.data);
    expect(b.get("sum")).not.toBe(a.get("sum"));
    expect(b.get("sum")!.data).toBe(a.get("sum")!.data);
    expect(b.get("load")).toBe(a.get("load"));
  });

  it("remakes the plan inputs node when an input becomes used", () => {
    const cache = new GraphCache();
    const a = deriveGraph(input(), cache).nodes[0] as InputsNode;
    const reading: Plan = { ...plan, steps: [...steps, { id: "n", action: "format_number", inputs: { value: { kind: "input", name: "spare" } } }] };
    const b = deriveGraph(input({ plan: reading }), cache).nodes[0] as InputsNode;
    expect(b).not.toBe(a);
    expect(b.data.inputs.map((i) => i.used)).toEqual([true, true]);
  });

  it("redraws the plan inputs node when an input's type changes", () => {
    const cache = new GraphCache();
    // Two object schemas whose first four fields agree: only the fifth and sixth tell a table from another object.
    const shape = (extra: Record<string, unknown>) => ({ type: "object", properties: { a: {}, b: {}, c: {}, d: {}, columns: {}, ...extra } });
    const withSchema = (schema: Record<string, unknown>): Plan => ({ ...plan, inputs: [{ name: "t", schema }] });
    const a = deriveGraph(input({ plan: withSchema(shape({ rows: {} })) }), cache).nodes[0] as InputsNode;
    expect(a.data.inputs[0].type).toBe("table");
    const b = deriveGraph(input({ plan: withSchema(shape({ cells: {} })) }), cache).nodes[0] as InputsNode;
    expect(b.data.inputs[0].type).toBe("object");
  });

  it("remakes an edge when it is selected or becomes invalid, not otherwise", () => {
    const cache = new GraphCache();
    const a = byId(deriveGraph(input(), cache).edges);
    const b = byId(deriveGraph(input({ selectedEdges: ["o:load:mail"] }), cache).edges);
    expect(b.get("o:load:mail")).not.toBe(a.get("o:load:mail"));
    expect(b.get("b:sum:table")).toBe(a.get("b:sum:table"));
    const issue: ValidationIssue = { code: "type_mismatch", severity: "error", stepId: "sum", input: "table", message: "no" };
    const c = byId(deriveGraph(input({ selectedEdges: ["o:load:mail"], issues: [issue] }), cache).edges);
    expect(c.get("b:sum:table")).not.toBe(b.get("b:sum:table"));
    expect((c.get("b:sum:table") as BindingEdge).data!.invalid).toBe(true);
    expect(c.get("o:load:mail")).toBe(b.get("o:load:mail"));
  });
});

describe("GraphCache", () => {
  it("reuses a value while its key is element-wise the same", () => {
    const cache = new GraphCache();
    let made = 0;
    const make = () => ({ n: ++made });
    const o = {};
    const first = cache.memo("x", [1, o, NaN], make);
    expect(cache.memo("x", [1, o, NaN], make)).toBe(first);
    expect(cache.memo("x", [1, {}, NaN], make)).not.toBe(first);
    expect(cache.memo("x", [1], make).n).toBe(3);
    expect(cache.memo("y", [1], make).n).toBe(4);
    expect(made).toBe(4);
  });
});
