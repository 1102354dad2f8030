/**
 * `defineTemplate`: a template written in code, with its plan in the compact text form.
 * Every parameter is declared as a plan input of the template's plan; mistakes in the
 * definition (a reference to an unknown parameter, a `{{NAME}}` that could never be filled)
 * throw at definition time, so a broken template never reaches the registry.
 */
import type { Binding } from "../core";
import { expandPlan, type CompactPlan } from "./compact-plan";
import { inputFromParam } from "./instantiate";
import { placeholderNames, placeholdersIn } from "./placeholders";
import { Template, paramBinding, type TemplateParam } from "./template";

export interface TemplateDefinition {
  id: string;
  name: string;
  description: string;
  tags?: string[];
  params: TemplateParam[];
  /** the plan; its goal and labels may use {{NAME}}, its literal strings {{NAME}} of literal parameters */
  plan: CompactPlan;
}

export class TemplateDefinitionError extends Error {
  constructor(id: string, problems: string[]) {
    super(`template "${id}" is not valid: ${problems.join("; ")}`);
    this.name = "TemplateDefinitionError";
  }
}

export function defineTemplate(def: TemplateDefinition): Template {
  const declared = new Set(def.params.map((p) => p.name));
  const extraInputs = (def.plan.inputs ?? []).filter((i) => !declared.has(i.name));
  const expanded = expandPlan({ ...def.plan, inputs: [...def.params.map((p) => inputFromParam(p)), ...extraInputs] });
  if (!expanded.ok) throw new TemplateDefinitionError(def.id, expanded.errors);
  const parsed = Template.safeParse({ id: def.id, name: def.name, description: def.description, source: "builtin", tags: def.tags ?? [], params: def.params, plan: expanded.plan });
  if (!parsed.success) throw new TemplateDefinitionError(def.id, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  const problems = templateProblems(parsed.data, { strict: true });
  if (problems.length) throw new TemplateDefinitionError(def.id, problems);
  return parsed.data;
}

/**
 * What makes a template unusable, whatever its origin (code or a saved row). `strict` (a
 * template written in code) also checks its `{{NAME}}` placeholders: each must name a
 * parameter that fills it. In a plan saved as a template, `{{…}}` that no literal parameter
 * fills is the plan's own text, kept as it is.
 */
export function templateProblems(t: Template, options: { strict?: boolean } = {}): string[] {
  const problems: string[] = [];
  const params = new Map(t.params.map((p) => [p.name, p]));
  const inputs = new Set(t.plan.inputs.map((i) => i.name));
  const seen = new Set<string>();
  for (const p of t.params) {
    if (seen.has(p.name)) problems.push(`the parameter "${p.name}" is declared twice`);
    seen.add(p.name);
    if (!inputs.has(p.name)) problems.push(`the parameter "${p.name}" is not an input of the template's plan`);
    if (typeof p.default === "string") {
      for (const name of placeholderNames(p.default)) if (name === p.name || !t.params.some((q) => q.name === name)) problems.push(`the default of "${p.name}" uses {{${name}}}, which is not another parameter`);
    }
  }
  const literalParams = new Set(t.params.filter((p) => paramBinding(p) === "literal").map((p) => p.name));
  const checkBinding = (b: Binding, where: string) => {
    if (b.kind === "input" && !inputs.has(b.name)) problems.push(`${where} uses \${inputs.${b.name}}, which is neither a parameter nor a plan input`);
    if (b.kind === "literal" && options.strict) {
      for (const name of placeholdersIn(b.value)) {
        if (!literalParams.has(name)) problems.push(`${where} uses {{${name}}}, but only literal parameters fill literals${params.has(name) ? ` ("${name}" is bound as an input)` : ""}`);
      }
    }
  };
  for (const s of t.plan.steps) for (const [name, b] of Object.entries(s.inputs)) checkBinding(b, `step "${s.id}" input "${name}"`);
  for (const [name, b] of Object.entries(t.plan.outputs)) checkBinding(b, `output "${name}"`);
  for (const text of [t.plan.goal, ...t.plan.steps.map((s) => s.label ?? "")]) {
    for (const name of placeholderNames(text)) if (options.strict && !params.has(name)) problems.push(`"{{${name}}}" in "${text}" names no parameter`);
  }
  return problems;
}
