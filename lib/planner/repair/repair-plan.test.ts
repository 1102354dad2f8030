import { describe, expect, it } from "vitest";
import type { Plan } from "@/lib/core/plan";
import { validatePlan } from "@/lib/core/validate-plan";
import { builtinRegistry, taskbenchCatalog } from "../../../tests/support/planner-catalogs";
import { repairPlan } from "./repair-plan";

const catalog = () => builtinRegistry().catalog;
const load = { id: "load", action: "data.load_csv", inputs: { path: { kind: "literal", value: "sales.csv" } } } as const;

function plan(steps: Plan["steps"], extra: Partial<Plan> = {}): Plan {
  return { goal: "test", flows: [], inputs: [], steps, outputs: {}, ...extra };
}

describe("repairPlan on the built-in catalog", () => {
  it("leaves a valid plan alone", () => {
    const r = repairPlan(plan([structuredClone(load) as Plan["steps"][number]]), catalog());
    expect(r.valid).toBe(true);
    expect(r.repairs).toEqual([]);
  });

  it("maps near-miss action names and moves inputs to the names the action has", () => {
    const r = repairPlan(plan([{ id: "load", action: "data.loadCsv", inputs: { path: { kind: "literal", value: "sales.csv" } } }]), catalog());
    expect(r.plan.steps[0].action).toBe("data.load_csv");
    expect(r.repairs.map((x) => x.kind)).toContain("action_name");
    expect(r.valid).toBe(true);
  });

  it("reads other reference styles as bindings and adds order edges for references inside text", () => {
    const r = repairPlan(
      plan([
        structuredClone(load) as Plan["steps"][number],
        { id: "sum", action: "data.group_aggregate", inputs: { table: { kind: "literal", value: "{{steps.load.output.table}}" }, aggregates: { kind: "literal", value: [{ fn: "count" }] } } },
        { id: "md", action: "data.to_markdown", inputs: { table: { kind: "literal", value: "<node-1>" } } },
        { id: "note", action: "text.template", inputs: { template: { kind: "literal", value: "Rows: ${steps.sum.output.rowCount}" }, values: { kind: "literal", value: {} } } },
      ]),
      catalog(),
    );
    expect(r.plan.steps[1].inputs.table).toEqual({ kind: "step", step: "load", path: ["table"] });
    expect(r.plan.steps[2].inputs.table).toEqual({ kind: "step", step: "sum", path: ["table"] });
    expect(r.plan.steps[3].after).toEqual(["sum"]);
    expect(r.repairs.map((x) => x.kind)).toEqual(expect.arrayContaining(["reference_style", "order_edge", "type_mismatch"]));
    expect(r.valid).toBe(true);
  });

  it("coerces literals to the input's schema", () => {
    const r = repairPlan(
      plan([
        structuredClone(load) as Plan["steps"][number],
        { id: "top", action: "data.sort", inputs: { table: { kind: "step", step: "load", path: ["table"] }, by: { kind: "literal", value: { column: "revenue", direction: "desc" } }, limit: { kind: "literal", value: "5" } } },
        { id: "get", action: "web.fetch", inputs: { url: { kind: "literal", value: "www.example.com/data" } } },
      ]),
      catalog(),
    );
    expect(r.plan.steps[1].inputs.limit).toEqual({ kind: "literal", value: 5 });
    expect(r.plan.steps[1].inputs.by).toEqual({ kind: "literal", value: [{ column: "revenue", direction: "desc" }] });
    expect(r.valid).toBe(true);
    expect(r.repairs.filter((x) => x.kind === "literal")).toHaveLength(2);
  });

  it("points self references at the step before, and breaks cycles", () => {
    const r = repairPlan(
      plan([
        structuredClone(load) as Plan["steps"][number],
        { id: "a", action: "data.filter", inputs: { table: { kind: "step", step: "a", path: ["table"] }, conditions: { kind: "literal", value: [] } } },
        { id: "b", action: "data.sort", inputs: { table: { kind: "step", step: "c", path: ["table"] }, by: { kind: "literal", value: [{ column: "x" }] } } },
        { id: "c", action: "data.select", inputs: { table: { kind: "step", step: "b", path: ["table"] } } },
      ]),
      catalog(),
    );
    expect(r.plan.steps.find((s) => s.id === "a")?.inputs.table).toEqual({ kind: "step", step: "load", path: ["table"] });
    expect(r.plan.steps.find((s) => s.id === "b")?.inputs.table).toMatchObject({ kind: "step", step: "a" });
    expect(r.repairs.map((x) => x.kind)).toEqual(expect.arrayContaining(["self_reference", "cycle"]));
    expect(r.valid).toBe(true);
  });

  it("declares plan inputs the plan reads, typed by their use, with valid names", () => {
    const r = repairPlan(plan([{ id: "get", action: "web.fetch", inputs: { url: { kind: "input", name: "page-url" } } }]), catalog());
    expect(r.plan.inputs).toEqual([{ name: "page_url", schema: expect.objectContaining({ type: "string" }), description: expect.stringContaining("Fetch a URL") }]);
    expect(r.plan.steps[0].inputs.url).toEqual({ kind: "input", name: "page_url" });
    expect(r.valid).toBe(true);
  });

  it("binds missing required inputs to an earlier output, else to a plan input (unless told not to)", () => {
    const steps: Plan["steps"] = [structuredClone(load) as Plan["steps"][number], { id: "chart", action: "data.chart_svg", inputs: { kind: { kind: "literal", value: "bar" }, x: { kind: "literal", value: "region" }, y: { kind: "literal", value: "revenue" } } }];
    const r = repairPlan(plan(steps), catalog());
    expect(r.plan.steps[1].inputs.table).toEqual({ kind: "step", step: "load", path: ["table"] });
    const alone = repairPlan(plan([{ id: "w", action: "files.write", inputs: { content: { kind: "literal", value: "hi" } } }]), catalog());
    expect(alone.plan.inputs.map((i) => i.name)).toEqual(["path"]);
    expect(alone.valid).toBe(true);
    const strict = repairPlan(plan([{ id: "w", action: "files.write", inputs: { content: { kind: "literal", value: "hi" } } }]), catalog(), { planInputs: false });
    expect(strict.valid).toBe(false);
    expect(strict.issues.map((i) => i.code)).toContain("missing_required_input");
  });

  it("moves a misnamed input to the input it means, and drops what the action cannot take only when lossy", () => {
    const steps: Plan["steps"] = [{ id: "w", action: "files.write", inputs: { file_path: { kind: "literal", value: "a.txt" }, content: { kind: "literal", value: "x" }, colour: { kind: "literal", value: "red" } } }];
    const r = repairPlan(plan(steps), catalog());
    expect(r.plan.steps[0].inputs).toEqual({ path: { kind: "literal", value: "a.txt" }, content: { kind: "literal", value: "x" } });
    expect(r.repairs.find((x) => x.input === "colour")?.lossy).toBe(true);
    const keep = repairPlan(plan(structuredClone(steps)), catalog(), { lossy: false });
    expect(keep.plan.steps[0].inputs.colour).toBeDefined();
    expect(keep.valid).toBe(false);
  });

  it("returns a plan it cannot fix with its issues", () => {
    const r = repairPlan(plan([{ id: "x", action: "slack.post_message", inputs: {} }]), catalog(), { lossy: false });
    expect(r.valid).toBe(false);
    expect(r.issues[0].code).toBe("unknown_action");
    expect(r.plan.steps).toHaveLength(1);
  });
});

describe("repairPlan on TaskBench mistakes", () => {
  const cat = () => taskbenchCatalog("multimedia");
  it("swaps arguments given in each other's place, and bypasses a step that turns X into X", () => {
    const p: Plan = {
      goal: "",
      flows: ["multimedia"],
      inputs: [],
      steps: [
        { id: "n0", action: "text_sentiment_analysis", inputs: { text: { kind: "literal", value: "great" } } },
        { id: "n1", action: "audio_effects", inputs: { audio: { kind: "step", step: "n0" }, text: { kind: "literal", value: "example.wav" } } },
        { id: "n2", action: "audio_downloader", inputs: { url: { kind: "step", step: "n1" } } },
      ],
      outputs: {},
    };
    const r = repairPlan(p, cat().catalog);
    expect(r.plan.steps.find((s) => s.id === "n1")?.inputs).toEqual({ audio: { kind: "literal", value: "example.wav" }, text: { kind: "step", step: "n0" } });
    expect(r.plan.steps.map((s) => s.id)).toEqual(["n0", "n1"]);
    expect(r.valid).toBe(true);
    expect(validatePlan(r.plan, cat().catalog).valid).toBe(true);
  });

  it("does not read a reversed name as a near miss (Audio-to-Video is not Video-to-Audio)", () => {
    const p: Plan = { goal: "", flows: ["multimedia"], inputs: [], steps: [{ id: "n0", action: "Audio-to-Video", inputs: { arg_1: { kind: "literal", value: "example.mp4" }, arg_2: { kind: "literal", value: "example.wav" } } }], outputs: {} };
    const r = repairPlan(p, cat().catalog, { lossy: false });
    expect(r.plan.steps[0].action).not.toBe("video_to_audio");
  });
});
