import { describe, expect, it } from "vitest";
import { validatePlan } from "../core/validate-plan";
import { catalogFromToolDesc, type TaskBenchCatalog } from "../catalogs/tool-desc";
import { checkGraph } from "./evaluate";
import { graphToPlan } from "./graph-to-plan";
import { graphFacts, metricToolsFromDesc } from "./metrics";
import { planToGraph } from "./plan-to-graph";
import { readGold, readPredictions, readToolDesc, SETS } from "../../tests/support/taskbench-data";
import type { GoldRecord } from "./types";

const catalogs = new Map<string, TaskBenchCatalog>(SETS.map((s) => [s, catalogFromToolDesc(s, readToolDesc(s))]));
const cat = (set: string) => catalogs.get(set)!;
const gold = new Map<string, GoldRecord[]>(SETS.map((s) => [s, readGold(s)]));
const record = (set: string, id: string) => {
  const r = gold.get(set)!.find((x) => x.id === id);
  if (!r) throw new Error(`${set} gold record ${id} is not in the sample`);
  return r;
};
const prediction = (id: string) => {
  const r = readPredictions("multimedia", "minimax-text-01").find((x) => x.id === id);
  if (!r) throw new Error(`prediction ${id} is not in the sample`);
  return r.result;
};
const codes = (c: ReturnType<typeof checkGraph>) => c.issues.filter((i) => i.severity === "error").map((i) => `${i.code}@${i.stepId}${i.input ? `.${i.input}` : ""}`);

describe("every gold record converts", () => {
  for (const set of SETS) {
    it(`${set}: ${gold.get(set)!.length} records convert and validate without throwing`, () => {
      expect(gold.get(set)!.length).toBeGreaterThan(0);
      for (const r of gold.get(set)!) {
        const { plan } = graphToPlan(r, cat(set), { goal: String(r.instruction ?? "") });
        expect(plan.steps.length).toBe(Array.isArray(r.task_nodes) ? r.task_nodes.length : 0);
        const result = validatePlan(plan, cat(set).catalog);
        expect(result.plan, `${set} ${r.id} parses as a Plan`).toBeDefined();
      }
    });
  }
  it("every prediction converts", () => {
    for (const p of readPredictions("multimedia", "minimax-text-01")) {
      expect(() => checkGraph(p.result, cat("multimedia"))).not.toThrow();
    }
  });
});

describe("known quirks are kept and reported", () => {
  it("1-based self reference (multimedia 31416321)", () => {
    const c = checkGraph(record("multimedia", "31416321"), cat("multimedia"));
    expect(c.notes.join("\n")).toMatch(/n1\.image: self reference "<node-1>"/);
    expect(codes(c)).toContain("self_reference@n1.image");
    expect(c.plan.steps[1].inputs.image).toEqual({ kind: "step", step: "n1" });
  });
  it("forward reference (multimedia 11379866)", () => {
    const c = checkGraph(record("multimedia", "11379866"), cat("multimedia"));
    expect(c.notes.join("\n")).toMatch(/n0\.image: forward reference "<node-2>"/);
    expect(c.plan.steps[0].inputs.image).toEqual({ kind: "step", step: "n2" });
  });
  it("free-form output references (multimedia 13590705) → unknown steps", () => {
    const c = checkGraph(record("multimedia", "13590705"), cat("multimedia"));
    expect(c.plan.steps[1].inputs.text).toEqual({ kind: "step", step: "output of Text Expander" });
    expect(codes(c)).toEqual(expect.arrayContaining(["unknown_step_ref@n1.text", "unknown_step_ref@n2.audio"]));
  });
  it("numeric argument (multimedia 24732754)", () => {
    const c = checkGraph(record("multimedia", "24732754"), cat("multimedia"));
    expect(c.notes).toContain("n0.text: numeric argument 2");
    expect(c.plan.steps[0].inputs.text).toEqual({ kind: "literal", value: 2 });
    expect(codes(c)).toEqual(["invalid_literal@n0.text"]);
  });
  it("tool not in the catalog (multimedia 18919679)", () => {
    const c = checkGraph(record("multimedia", "18919679"), cat("multimedia"));
    expect(c.plan.steps[2].action).toBe("Sentiment-to-Image");
    expect(codes(c)).toContain("unknown_action@n2");
  });
  it("reference embedded in text (multimedia 12051655)", () => {
    const c = checkGraph(record("multimedia", "12051655"), cat("multimedia"));
    expect(c.notes.join("\n")).toMatch(/embedded reference/);
    expect(c.plan.steps[2].inputs.text).toEqual({ kind: "literal", value: "<node-1> sentiment analysis related videos" });
    expect(c.plan.steps[2].after).toEqual(["n1"]);
  });
  it("wrong argument counts (multimedia 16566071)", () => {
    const c = checkGraph(record("multimedia", "16566071"), cat("multimedia"));
    expect(codes(c)).toEqual(["unknown_input@n0.arg_3", "missing_required_input@n1.text"]);
  });
  it("no arguments, extra keys, unknown tool (huggingface 10790521)", () => {
    const c = checkGraph(record("huggingface", "10790521"), cat("huggingface"));
    expect(c.notes).toEqual(expect.arrayContaining(['n0: unknown tool "AudioNoiseReduction"', "n0: no arguments"]));
    expect(c.notes.join("\n")).toMatch(/ignored key "input_file"/);
  });
  it("object arguments and `<node0>` (huggingface 30127428, 24055409)", () => {
    const a = checkGraph(record("huggingface", "30127428"), cat("huggingface"));
    expect(codes(a)).toEqual(["invalid_literal@n2.text", "invalid_literal@n2.image"]);
    const b = checkGraph(record("huggingface", "24055409"), cat("huggingface"));
    expect(codes(b)).toContain("unknown_step_ref@n1.text_2");
  });
  it("dailylifeapis parameters and task_links (38563456, 16988029)", () => {
    const a = checkGraph(record("dailylifeapis", "38563456"), cat("dailylifeapis"));
    expect(codes(a)).toEqual(expect.arrayContaining(["unknown_input@n0.from_bank", "missing_required_input@n0.instruction"]));
    const b = checkGraph(record("dailylifeapis", "16988029"), cat("dailylifeapis"));
    expect(b.valid).toBe(true);
    expect(b.plan.steps.map((s) => s.after ?? [])).toEqual([[], ["n0"], ["n1"], ["n2"]]);
  });
  it("prediction quirks: path, unknown tool, placeholder, self reference at 0", () => {
    expect(codes(checkGraph(prediction("31893844"), cat("multimedia")))).toEqual(expect.arrayContaining(["invalid_path@n2.url"]));
    expect(codes(checkGraph(prediction("28432126"), cat("multimedia")))).toContain("unknown_action@n1");
    const ph = checkGraph(prediction("12176023"), cat("multimedia"));
    expect(ph.plan.steps[0].inputs.text).toEqual({ kind: "input", name: "user_input_text" });
    expect(codes(ph)).toContain("missing_plan_input@n0.text");
    expect(codes(checkGraph(prediction("10605598"), cat("multimedia")))).toContain("self_reference@n0.text");
  });
  it("README quirks not in this sample: string arguments, `<node-0> <node-1>`", () => {
    const c = checkGraph(
      { task_nodes: [{ task: "Text Search", arguments: "cats" }, { task: "Text Summarizer", arguments: ["x"] }, { task: "Text Expander", arguments: ["<node-0> <node-1>"] }] },
      cat("multimedia"),
    );
    expect(c.notes).toContain("n0: arguments is a string; read as one argument");
    expect(c.plan.steps[0].inputs.text).toEqual({ kind: "literal", value: "cats" });
    expect(c.plan.steps[2].after).toEqual(["n0", "n1"]);
    expect(c.valid).toBe(true);
  });
  it("a graph that is not a graph becomes an empty plan", () => {
    const c = checkGraph("nonsense", cat("multimedia"));
    expect(c.plan.steps).toEqual([]);
    expect(codes(c)).toEqual(["empty_plan@undefined"]);
  });
});

describe("round trip on clean records", () => {
  for (const set of SETS) {
    it(`${set}: graph → plan → graph → plan`, () => {
      const tools = metricToolsFromDesc(readToolDesc(set));
      let clean = 0;
      for (const r of gold.get(set)!) {
        const first = graphToPlan(r, cat(set));
        if (first.notes.length) continue;
        clean++;
        const graph = planToGraph(first.plan, cat(set));
        expect(graph.task_nodes, `${set} ${r.id}`).toEqual(r.task_nodes);
        expect(graphToPlan(graph, cat(set)).plan, `${set} ${r.id}`).toEqual(first.plan);
        const a = graphFacts(r, tools);
        const b = graphFacts(graph, tools);
        for (const k of ["nodes", "links", "argNames", "argValues"] as const) expect([...b[k]].sort(), `${set} ${r.id} ${k}`).toEqual([...a[k]].sort());
      }
      expect(clean).toBeGreaterThan(gold.get(set)!.length / 2);
    });
  }
});
