import { describe, expect, it } from "vitest";
import { isStrictCompatible } from "@/lib/llm/structured-output";
import { builtinRegistry } from "../../tests/support/planner-catalogs";
import { decodeValue, planToWire, readAnswer, wirePlanJsonSchema, wireToPlan, type WireAnswer } from "./wire-plan";

const catalog = () => builtinRegistry().catalog;

describe("the wire plan", () => {
  it("has a JSON Schema strict mode accepts, with the offered action ids as an enum", () => {
    const schema = wirePlanJsonSchema(["data.load_csv", "data.sort"]);
    expect(isStrictCompatible(schema)).toBe(true);
    const step = ((schema.properties as Record<string, { items: { properties: Record<string, { enum?: string[] }> } }>).steps.items.properties);
    expect(step.action.enum).toEqual(["data.load_csv", "data.sort"]);
  });

  it("decodes values against the input they feed", () => {
    expect(decodeValue("${steps.load.output.table}", {})).toEqual({ kind: "step", step: "load", path: ["table"] });
    expect(decodeValue("${inputs.region}", {})).toEqual({ kind: "input", name: "region" });
    expect(decodeValue("5", { type: "integer" })).toEqual({ kind: "literal", value: 5 });
    expect(decodeValue("5", { type: "string" })).toEqual({ kind: "literal", value: "5" });
    expect(decodeValue('"sales.csv"', { type: "string" })).toEqual({ kind: "literal", value: "sales.csv" });
    expect(decodeValue("sales.csv", { type: "string" })).toEqual({ kind: "literal", value: "sales.csv" });
    expect(decodeValue('["region"]', { type: "array", items: { type: "string" } })).toEqual({ kind: "literal", value: ["region"] });
    expect(decodeValue("true", undefined)).toEqual({ kind: "literal", value: true });
  });

  it("converts to the Plan IR, typing plan inputs by their use and keeping given values as defaults", () => {
    const wire: WireAnswer = {
      inputs: [{ name: "region", description: "the region to keep" }],
      steps: [
        { id: "load", action: "data.load_csv", label: "Load", inputs: [{ name: "path", value: "sales.csv" }], after: [] },
        { id: "north", action: "data.filter", label: "", inputs: [{ name: "table", value: "${steps.load.output.table}" }, { name: "conditions", value: '[{"column":"region","op":"eq","value":"North"}]' }], after: ["load"] },
        { id: "get", action: "web.fetch", label: "", inputs: [{ name: "url", value: "${inputs.page}" }], after: [] },
      ],
      outputs: [{ name: "table", value: "${steps.north.output.table}" }],
    };
    const plan = wireToPlan(wire, { goal: "g", flows: ["data"], catalog: catalog(), given: { page: "https://example.com" } });
    expect(plan.steps[1].inputs.conditions).toEqual({ kind: "literal", value: [{ column: "region", op: "eq", value: "North" }] });
    expect(plan.steps[0].label).toBe("Load");
    expect(plan.inputs).toEqual([
      { name: "region", schema: {}, description: "the region to keep" },
      { name: "page", schema: expect.objectContaining({ type: "string" }), default: "https://example.com" },
    ]);
    expect(plan.outputs.table).toEqual({ kind: "step", step: "north", path: ["table"] });
    expect(wireToPlan(planToWire(plan), { goal: "g", flows: ["data"], catalog: catalog(), given: { page: "https://example.com" } }).steps).toEqual(plan.steps);
  });

  it("reads the shapes models send instead: a Plan IR, a map of inputs, a TaskBench task list", () => {
    const ir = readAnswer({ plan: { steps: [{ id: "a", action: "data.load_csv", inputs: { path: { kind: "literal", value: "sales.csv" } } }] } }, catalog());
    expect(ir).toMatchObject({ ok: true, style: "plan", wire: { steps: [{ id: "a", inputs: [{ name: "path", value: '"sales.csv"' }] }] } });
    const tasks = readAnswer({ task_nodes: [{ task: "Load CSV", arguments: ["sales.csv"] }, { task: "Sort rows", arguments: ["<node-0>"] }] }, catalog());
    expect(tasks).toMatchObject({ ok: true, style: "task-list", wire: { steps: [{ id: "n0", action: "data.load_csv", inputs: [{ name: "source", value: "sales.csv" }] }, { id: "n1", action: "data.sort", inputs: [{ name: "table", value: "${steps.n0.output}" }] }] } });
    expect(readAnswer({ answer: 42 }, catalog())).toMatchObject({ ok: false });
  });
});
