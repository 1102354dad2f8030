import { describe, expect, it } from "vitest";
import { builtinActions } from "../actions";
import { ActionRegistry, isObject, validatePlan } from "../core";
import { builtinTemplates, describeTemplate, instantiateTemplate, templateProblems, templateRegistry } from ".";

const catalog = new ActionRegistry(builtinActions({ httpAllowHosts: ["*"] })).catalog;

/** A value for every parameter: its default, else the first example of its schema. */
function exampleValues(params: (typeof builtinTemplates)[number]["params"]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of params) {
    const examples = isObject(p.schema) && Array.isArray(p.schema.examples) ? p.schema.examples : [];
    if (p.default === undefined && examples.length) out[p.name] = examples[0];
  }
  return out;
}

describe("built-in templates", () => {
  it("are registered with unique ids", () => {
    expect(templateRegistry.list().map((t) => t.id)).toEqual(builtinTemplates.map((t) => t.id));
    expect(builtinTemplates.map((t) => t.id)).toEqual(["csv-report", "sql-answer", "sql-or-general", "web-digest", "web-links"]);
  });

  for (const t of builtinTemplates) {
    describe(t.id, () => {
      it("is a well-formed template", () => {
        expect(templateProblems(t, { strict: true })).toEqual([]);
        for (const p of t.params) expect(p.description ?? p.title, `${t.id}.${p.name} is explained`).toBeTruthy();
      });

      it("instantiates with its defaults to a plan that validates against the built-in catalog", () => {
        const r = instantiateTemplate(t, {});
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        const check = validatePlan(r.plan, catalog);
        expect(check.issues.filter((i) => i.severity === "error")).toEqual([]);
        expect(r.plan.goal).not.toMatch(/\{\{/);
      });

      it("instantiates with every parameter given to a valid plan with no open inputs", () => {
        const r = instantiateTemplate(t, exampleValues(t.params));
        if (!r.ok) throw new Error(JSON.stringify(r.problems));
        expect(r.openInputs).toEqual([]);
        expect(validatePlan(r.plan, catalog).valid).toBe(true);
        expect(JSON.stringify(r.plan)).not.toMatch(/\{\{/);
      });

      it("uses only actions of its own flows", () => {
        const info = describeTemplate(t, catalog);
        for (const id of info.actions) expect(catalog.get(id)?.flows.some((f) => t.plan.flows.includes(f)), id).toBe(true);
      });
    });
  }

  it("describe what they need: LLM, approval, writes", () => {
    const info = Object.fromEntries(builtinTemplates.map((t) => [t.id, describeTemplate(t, catalog)]));
    expect(info["csv-report"]).toMatchObject({ usesLlm: false, needsApproval: false, writes: true });
    expect(info["sql-answer"]).toMatchObject({ usesLlm: true, needsApproval: true, writes: false });
    expect(info["sql-answer"].actions).toEqual(["sql.generate", "sql.query_generated", "data.to_markdown"]);
    expect(info["sql-or-general"]).toMatchObject({ usesLlm: true, needsApproval: true, writes: false });
    expect(info["sql-or-general"].actions).toEqual(["text.classify", "sql.list_tables", "sql.pick_tables", "sql.trim_schema", "sql.draft_query", "sql.ensure_read_only", "sql.query", "data.to_markdown", "text.answer"]);
    expect(info["web-digest"]).toMatchObject({ usesLlm: true, needsApproval: false });
    expect(info["web-links"]).toMatchObject({ usesLlm: false });
  });
});
