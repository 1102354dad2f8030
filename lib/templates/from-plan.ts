/**
 * Any plan saved as a template. Its plan inputs become parameters; a parameter can also
 * lift a literal out of a step (`from: { step, input }`): the literal becomes
 * `${inputs.NAME}` and its value the parameter's default.
 */
import { z } from "zod";
import type { Plan, PlanInput } from "../core";
import { templateProblems } from "./define-template";
import { inputFromParam, type ParamProblem } from "./instantiate";
import { Template, TemplateParam } from "./template";

export const SavedTemplateParam = TemplateParam.extend({
  /** turn this step input's literal into the parameter; the literal becomes its default */
  from: z.object({ step: z.string().min(1), input: z.string().min(1) }).optional(),
});
export type SavedTemplateParam = z.infer<typeof SavedTemplateParam>;

export interface TemplateMeta {
  id: string;
  name: string;
  description: string;
  tags: string[];
  basedOnPlanId?: string | null;
  createdAt?: string;
}

export type FromPlanResult = { ok: true; template: Template } | { ok: false; problems: ParamProblem[] };

export function templateFromPlan(source: Plan, meta: TemplateMeta, params?: SavedTemplateParam[]): FromPlanResult {
  const problems: ParamProblem[] = [];
  const plan: Plan = structuredClone(source);
  const byName = new Map<string, PlanInput>(plan.inputs.map((i) => [i.name, i]));
  const chosen: TemplateParam[] = [];
  if (!params) {
    for (const i of plan.inputs) chosen.push(paramFromInput(i));
  }
  for (const p of params ?? []) {
    const { from, ...param } = p;
    if (from) {
      const step = plan.steps.find((s) => s.id === from.step);
      const binding = step?.inputs[from.input];
      if (!step) problems.push({ param: p.name, message: `the plan has no step "${from.step}"` });
      else if (!binding || binding.kind !== "literal") problems.push({ param: p.name, message: `step "${from.step}" has no literal input "${from.input}" to turn into a parameter` });
      else if (byName.has(p.name)) problems.push({ param: p.name, message: `the plan already has an input "${p.name}"; choose another name` });
      else {
        step.inputs[from.input] = { kind: "input", name: p.name };
        const withDefault = param.default === undefined ? { ...param, default: binding.value } : param;
        chosen.push(withDefault);
        byName.set(p.name, inputFromParam(withDefault));
      }
      continue;
    }
    const existing = byName.get(p.name);
    if (!existing) {
      problems.push({ param: p.name, message: `the plan has no input "${p.name}"; to make a step's literal a parameter, say which with from: { step, input }` });
      continue;
    }
    const merged: TemplateParam = { ...paramFromInput(existing), ...stripUndefined(param) };
    chosen.push(merged);
    byName.set(p.name, inputFromParam(merged));
  }
  if (problems.length) return { ok: false, problems };
  // Lifted parameters join the plan's inputs; adopted ones take the parameter's schema and default.
  plan.inputs = [...byName.values()];
  const parsed = Template.safeParse({ ...meta, source: "saved", params: chosen, plan });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ param: i.path.map(String).join("."), message: i.message })) };
  const invalid = templateProblems(parsed.data);
  if (invalid.length) return { ok: false, problems: invalid.map((message) => ({ param: "", message })) };
  return { ok: true, template: parsed.data };
}

function paramFromInput(i: PlanInput): TemplateParam {
  return {
    name: i.name,
    schema: i.schema,
    ...(i.description ? { description: i.description } : {}),
    ...(i.default !== undefined ? { default: i.default } : {}),
    ...(i.required !== undefined ? { required: i.required } : {}),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
