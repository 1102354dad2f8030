import { describe, expect, it } from "vitest";
import { builtinActions } from "../actions";
import { ActionRegistry, validatePlan, type Plan } from "../core";
import { TemplateDefinitionError, defineTemplate, expandPlan, instantiateTemplate, templateFromPlan, TemplateRegistry } from ".";

const catalog = new ActionRegistry(builtinActions({ httpAllowHosts: ["*"] })).catalog;

const csv = defineTemplate({
  id: "test-csv",
  name: "Test CSV",
  description: "test",
  params: [
    { name: "source", schema: { type: "string" }, default: "sample:sales.csv" },
    { name: "top", schema: { type: "integer", minimum: 1 }, bind: "literal" },
    { name: "column", schema: { type: "string" }, default: "revenue", bind: "literal" },
  ],
  plan: {
    goal: "Top {{top}} rows of {{source}} by {{column}}",
    flows: ["data"],
    steps: [
      { id: "load", action: "data.load_csv", inputs: { path: "${inputs.source}" } },
      { id: "top", action: "data.sort", label: "Top {{top}}", inputs: { table: "${steps.load.output.table}", by: [{ column: "{{column}}", direction: "desc" }], limit: "{{top}}" } },
    ],
    outputs: { table: "${steps.top.output.table}" },
  },
});

describe("instantiating a template", () => {
  it("keeps input parameters as plan inputs and writes literal ones into the plan, typed", () => {
    const r = instantiateTemplate(csv, { top: 3, source: "sample:other.csv" });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.plan.inputs).toEqual([{ name: "source", schema: { type: "string" }, default: "sample:other.csv" }]);
    expect(r.plan.goal).toBe("Top 3 rows of sample:other.csv by revenue");
    const sort = r.plan.steps[1];
    expect(sort.label).toBe("Top 3");
    expect(sort.inputs.limit).toEqual({ kind: "literal", value: 3 });
    expect(sort.inputs.by).toEqual({ kind: "literal", value: [{ column: "revenue", direction: "desc" }] });
    expect(r.plan.steps[0].inputs.path).toEqual({ kind: "input", name: "source" });
    expect(validatePlan(r.plan, catalog).valid).toBe(true);
  });

  it("names every parameter problem: unknown, missing, wrong type", () => {
    const r = instantiateTemplate(csv, { top: "three", nope: 1 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.param).sort()).toEqual(["nope", "top"]);
    expect(r.problems.find((p) => p.param === "top")!.message).toMatch(/expected integer/);
    const missing = instantiateTemplate(csv, {});
    expect(!missing.ok && missing.problems).toEqual([{ param: "top", message: '"top" needs a value' }]);
  });

  it("leaves an input parameter without a value open, and says so in the goal", () => {
    const t = defineTemplate({
      id: "open",
      name: "Open",
      description: "",
      params: [{ name: "path", schema: { type: "string" } }],
      plan: { goal: "Load {{path}}", flows: ["data"], steps: [{ id: "load", action: "data.load_csv", inputs: { path: "${inputs.path}" } }] },
    });
    const r = instantiateTemplate(t, {});
    expect(r.ok && r.openInputs).toEqual(["path"]);
    expect(r.ok && r.plan.goal).toBe("Load ${inputs.path}");
  });

  it("fills a text default made of other parameters", () => {
    const t = defineTemplate({
      id: "titled",
      name: "Titled",
      description: "",
      params: [
        { name: "column", schema: { type: "string" }, default: "revenue", bind: "literal" },
        { name: "title", schema: { type: "string", minLength: 1 }, default: "Top {{column}}", bind: "literal" },
      ],
      plan: { goal: "{{title}}", flows: ["data"], steps: [{ id: "load", action: "data.load_csv", inputs: { path: "sample:sales.csv", delimiter: "," } }] },
    });
    const units = instantiateTemplate(t, { column: "units" });
    expect(units.ok && units.plan.goal).toBe("Top units");
    const mine = instantiateTemplate(t, { title: "Mine" });
    expect(mine.ok && mine.plan.goal).toBe("Mine");
    expect(() => defineTemplate({ ...{ id: "x", name: "x", description: "" }, params: [{ name: "a", schema: {}, default: "{{b}}", bind: "literal" }], plan: { goal: "", steps: [] } })).toThrow(/the default of "a" uses \{\{b\}\}/);
  });

  it("fills a given text made of other parameters too: a form sends the default's text back as given", () => {
    const t = defineTemplate({
      id: "titled",
      name: "Titled",
      description: "",
      params: [
        { name: "column", schema: { type: "string" }, default: "revenue", bind: "literal" },
        { name: "top", schema: { type: "integer" }, default: 3, bind: "literal" },
        { name: "path", schema: { type: "string" } },
        { name: "heading", schema: { type: "string" }, default: "{{column}}", bind: "literal" },
        { name: "title", schema: { type: "string", minLength: 1 }, default: "Top {{top}} by {{heading}}", bind: "literal" },
      ],
      plan: { goal: "{{title}}", flows: ["data"], steps: [{ id: "load", action: "data.load_csv", label: "{{title}}", inputs: { path: "sample:sales.csv", delimiter: "{{title}}" } }] },
    });
    const sent = instantiateTemplate(t, { column: "units", top: 3, heading: "{{column}}", title: "Top {{top}} by {{heading}}" });
    if (!sent.ok) throw new Error(JSON.stringify(sent.problems));
    expect(sent.plan.goal).toBe("Top 3 by units");
    expect(sent.plan.steps[0].inputs.delimiter).toEqual({ kind: "literal", value: "Top 3 by units" });
    expect(JSON.stringify(sent.plan)).not.toContain("{{");
    const open = instantiateTemplate(t, { title: "From {{path}}" });
    expect(!open.ok && open.problems).toEqual([{ param: "title", message: '"title" uses {{path}}, which has no value' }]);
  });
});

describe("defining a template", () => {
  it("refuses references to unknown parameters and placeholders that could never be filled", () => {
    const bad = () =>
      defineTemplate({
        id: "bad",
        name: "Bad",
        description: "",
        params: [{ name: "a", schema: { type: "string" } }],
        plan: { goal: "{{b}}", flows: [], steps: [{ id: "s", action: "data.load_csv", inputs: { path: "{{a}}", x: "${inputs.c}" } }] },
      });
    expect(bad).toThrow(TemplateDefinitionError);
    expect(bad).toThrow(/\$\{inputs\.c\}.*neither a parameter/);
    expect(bad).toThrow(/\{\{a\}\}, but only literal parameters fill literals \("a" is bound as an input\)/);
    expect(bad).toThrow(/"\{\{b\}\}" in "\{\{b\}\}" names no parameter/);
  });

  it("the registry refuses a second template with the same id", () => {
    const r = new TemplateRegistry([csv]);
    expect(() => r.register(csv)).toThrow(/already registered/);
  });
});

describe("the compact plan form", () => {
  it("expands text-form bindings and leaves binding objects alone", () => {
    const r = expandPlan({ goal: "g", steps: [{ id: "a", action: "x", inputs: { p: "${inputs.p}", q: { kind: "step", step: "b" }, r: [1, 2] } }], outputs: { o: "${steps.a.output.rows[0]}" } });
    expect(r).toEqual({
      ok: true,
      plan: {
        goal: "g",
        flows: [],
        inputs: [],
        steps: [{ id: "a", action: "x", inputs: { p: { kind: "input", name: "p" }, q: { kind: "step", step: "b" }, r: { kind: "literal", value: [1, 2] } } }],
        outputs: { o: { kind: "step", step: "a", path: ["rows", 0] } },
      },
    });
  });

  it("names what is malformed", () => {
    const r = expandPlan({ goal: "g", steps: [{ id: "a", action: "x", inputs: { p: "${nope.x}" } }] });
    expect(r).toEqual({ ok: false, errors: [expect.stringMatching(/^steps\.a\.inputs\.p: a reference starts with inputs\. or steps\./)] });
    expect(expandPlan([]).ok).toBe(false);
  });
});

describe("a plan saved as a template", () => {
  const plan: Plan = {
    goal: "Sorted sales",
    flows: ["data"],
    inputs: [{ name: "path", schema: { type: "string" }, default: "sample:sales.csv" }],
    steps: [
      { id: "load", action: "data.load_csv", inputs: { path: { kind: "input", name: "path" } } },
      { id: "sort", action: "data.sort", inputs: { table: { kind: "step", step: "load", path: ["table"] }, by: { kind: "literal", value: [{ column: "revenue" }] }, limit: { kind: "literal", value: 5 } } },
    ],
    outputs: {},
  };
  const meta = { id: "sorted", name: "Sorted", description: "", tags: [] };

  it("takes the plan's inputs as parameters by default", () => {
    const r = templateFromPlan(plan, meta);
    expect(r.ok && r.template.params).toEqual([{ name: "path", schema: { type: "string" }, default: "sample:sales.csv" }]);
  });

  it("lifts a step's literal into a parameter whose default is the literal", () => {
    const r = templateFromPlan(plan, meta, [{ name: "path", schema: { type: "string", minLength: 1 } }, { name: "limit", schema: { type: "integer" }, bind: "literal", from: { step: "sort", input: "limit" } }]);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.template.params.map((p) => [p.name, p.default])).toEqual([["path", "sample:sales.csv"], ["limit", 5]]);
    expect(r.template.plan.steps[1].inputs.limit).toEqual({ kind: "input", name: "limit" });
    const made = instantiateTemplate(r.template, { limit: 2 });
    expect(made.ok && made.plan.steps[1].inputs.limit).toEqual({ kind: "literal", value: 2 });
    expect(made.ok && made.plan.inputs.map((i) => i.name)).toEqual(["path"]);
    expect(made.ok && validatePlan(made.plan, catalog).valid).toBe(true);
  });

  it("names parameters that point at nothing", () => {
    const r = templateFromPlan(plan, meta, [{ name: "x", schema: {} }, { name: "y", schema: {}, from: { step: "sort", input: "table" } }, { name: "z", schema: {}, from: { step: "nope", input: "a" } }]);
    expect(!r.ok && r.problems.map((p) => p.message)).toEqual([
      'the plan has no input "x"; to make a step\'s literal a parameter, say which with from: { step, input }',
      'step "sort" has no literal input "table" to turn into a parameter',
      'the plan has no step "nope"',
    ]);
  });
});
