/**
 * Plan templates, composed: the code registry (built-in templates), saved templates in the
 * database, the catalog every instantiated plan is validated against, and plan storage.
 * What the REST routes, the templates page and the CLI call.
 */
import type { InstantiateTemplateBody, InstantiatedTemplate, SaveTemplateBody, TemplateDetail, TemplateList } from "../contract/templates";
import { Plan, validatePlan } from "../core";
import { getPlan, getVersion } from "../store/plans";
import { classifyStorageError } from "../store/errors";
import { TEMPLATE_ID_PATTERN, describeTemplate, instantiateTemplate, llmStepsCoverage, templateFromPlan, templateRegistry, type ParamProblem, type Template } from "../templates";
import { deleteSavedTemplate, getSavedTemplate, insertSavedTemplate, listSavedTemplates, takenTemplateIds } from "../templates/saved-templates";
import { RequestError, badRequest, conflict, notFound } from "./errors";
import { serverLog } from "./log";
import { parsePlanId, savePlan } from "./plans";
import { getTrellis } from "./trellis";

export function parseTemplateId(id: string): string {
  if (!TEMPLATE_ID_PATTERN.test(id)) throw badRequest(`"${id}" is not a template id (lower-case letters, digits and -).`);
  return id;
}

async function findTemplate(id: string): Promise<Template> {
  const builtin = templateRegistry.get(id);
  if (builtin) return builtin;
  const t = await getTrellis();
  const saved = await getSavedTemplate(t.database.prisma, id, serverLog().warn);
  if (!saved) throw notFound(`There is no template "${id}".`);
  return saved;
}

export async function listTemplates(): Promise<TemplateList> {
  const t = await getTrellis();
  const saved = await listSavedTemplates(t.database.prisma, serverLog().warn);
  return { templates: [...templateRegistry.list(), ...saved].map((tpl) => describeTemplate(tpl, t.catalog)) };
}

/** Whether an LLM provider is configured: without one, templates with LLM steps make plans that cannot run. */
export async function llmConfigured(): Promise<boolean> {
  return (await getTrellis()).llm !== undefined;
}

export async function templateDetail(id: string): Promise<TemplateDetail> {
  const t = await getTrellis();
  return { template: describeTemplate(await findTemplate(id), t.catalog) };
}

/** One line for a person (the first problem, and how many more); every problem in the details. */
function paramError(templateId: string, problems: ParamProblem[]): RequestError {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return new RequestError(400, "invalid_params", `Template "${templateId}": ${problems[0].message}${more}.`, { problems });
}

/** Makes a plan from a template; stores it (source "template") unless `save` is false. */
export async function instantiate(id: string, body: InstantiateTemplateBody): Promise<InstantiatedTemplate> {
  const template = await findTemplate(id);
  const made = instantiateTemplate(template, body.params);
  if (!made.ok) throw paramError(id, made.problems);
  const t = await getTrellis();
  const { issues, valid } = validatePlan(made.plan, t.catalog);
  const coverage = llmStepsCoverage(made.plan, t.catalog, t.llm !== undefined);
  const out: InstantiatedTemplate = { template: { id: template.id, name: template.name }, plan: made.plan, valid, issues, openInputs: made.openInputs, ...(coverage ? { coverage } : {}) };
  if (!body.save) return out;
  const saved = await savePlan(made.plan, { source: "template", note: body.note ?? `From the template "${template.name}"` });
  return { ...out, planId: saved.planId, versionId: saved.id, url: `/plans/${saved.planId}` };
}

/** Saves a plan as a template. Its instantiation with the defaults must validate. */
export async function saveTemplate(body: SaveTemplateBody): Promise<TemplateDetail> {
  const t = await getTrellis();
  const db = t.database.prisma;
  let plan: Plan;
  let basedOnPlanId: string | null = null;
  if (body.planId !== undefined) {
    const planId = parsePlanId(body.planId);
    const stored = await getPlan(db, planId);
    if (!stored) throw notFound(`There is no plan ${planId}.`);
    const version = body.versionId ? await getVersion(db, body.versionId) : stored.latest;
    if (!version || version.planId !== planId) throw notFound(`Plan ${planId} has no version ${body.versionId}.`);
    plan = version.plan;
    basedOnPlanId = planId;
  } else {
    const parsed = Plan.safeParse(body.plan);
    if (!parsed.success) {
      throw new RequestError(422, "invalid_plan", `This is not a Trellis plan: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join(".") || "plan"}: ${i.message}`).join("; ")}`, parsed.error.issues);
    }
    plan = parsed.data;
  }
  const id = await freeTemplateId(body.id, body.name);
  const made = templateFromPlan(plan, { id, name: body.name, description: body.description, tags: body.tags, basedOnPlanId }, body.params);
  if (!made.ok) throw paramError(id, made.problems);
  const sample = instantiateTemplate(made.template, {});
  if (sample.ok) {
    const errors = validatePlan(sample.plan, t.catalog).issues.filter((i) => i.severity === "error");
    if (errors.length) throw new RequestError(422, "invalid_plan", `A template must make plans that can run; with its defaults this one has ${errors.length} error${errors.length === 1 ? "" : "s"}: ${errors[0].message}`, errors);
  }
  const saved = await insertSavedTemplate(db, made.template).catch((err: unknown) => {
    const storage = classifyStorageError(err);
    // Two saves raced for the same id: the second is told, not a 500.
    if (storage?.kind === "unique_violation") throw conflict(`The template id "${id}" is taken.`);
    if (storage?.kind === "invalid_value") throw badRequest(`The template cannot be stored: ${storage.message}.`);
    throw err;
  });
  return { template: describeTemplate(saved, t.catalog) };
}

/** The id asked for (409 when taken), or one made from the name (numbered when taken). */
async function freeTemplateId(asked: string | undefined, name: string): Promise<string> {
  const t = await getTrellis();
  if (asked) {
    if (templateRegistry.has(asked) || (await takenTemplateIds(t.database.prisma, [asked])).has(asked)) throw conflict(`The template id "${asked}" is taken.`);
    return asked;
  }
  const base = slugify(name);
  const candidates = [base, ...Array.from({ length: 49 }, (_, i) => `${base.slice(0, 60)}-${i + 2}`)];
  const taken = await takenTemplateIds(t.database.prisma, candidates);
  const free = candidates.find((c) => !taken.has(c) && !templateRegistry.has(c));
  if (!free) throw conflict(`Too many templates are named "${name}"; give an id.`);
  return free;
}

export function slugify(name: string): string {
  const slug = name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64).replace(/-+$/, "");
  return slug || "template";
}

export async function deleteTemplate(id: string): Promise<{ ok: true }> {
  if (templateRegistry.has(id)) throw conflict(`"${id}" is a built-in template; it is part of the code and cannot be deleted.`);
  const t = await getTrellis();
  if (!(await deleteSavedTemplate(t.database.prisma, id))) throw notFound(`There is no template "${id}".`);
  return { ok: true };
}
