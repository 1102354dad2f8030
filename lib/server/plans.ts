/** What the app asks of plans: list, read, import. Validates on the server every time. */
import { z } from "zod";
import { Plan, validatePlan, type ValidationIssue } from "../core";
import { addVersion, createPlan, getPlan, listPlans, listVersions, type StoredVersion, type VersionSource } from "../store/plans";
import { latestRunsByPlan } from "../store/runs";
import { badRequest, notFound } from "./errors";
import { getTrellis } from "./trellis";

export async function homeOverview() {
  const t = await getTrellis();
  const listed = await listPlans(t.database.prisma, { take: 50 });
  const latest = await latestRunsByPlan(t.database.prisma, listed.map((p) => p.id));
  const plans = listed.map((p) => ({ ...p, latestRun: latest.get(p.id) ?? null }));
  return {
    plans,
    llm: { configured: t.config.llm.configured, model: t.config.llm.model, provider: t.config.llm.provider },
    database: { kind: t.database.kind },
    catalog: { actions: t.catalog.list().length, flows: t.catalog.flows() },
  };
}

export type ImportResult = { ok: true; planId: string; issues: ValidationIssue[] } | { ok: false; error: string };

/**
 * Imports a plan from JSON text. Malformed JSON or a body that is not a plan is refused
 * with the reason and nothing is written; a plan with validation errors is saved as a
 * draft with its issues (it cannot run until they are fixed).
 */
export async function importPlanJson(text: string, options: { source?: VersionSource; note?: string; planId?: string } = {}): Promise<ImportResult> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `This is not valid JSON: ${(err as Error).message}` };
  }
  const parsed = Plan.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 8).map((i) => `• ${i.path.join(".") || "(top level)"}: ${i.message}`);
    return { ok: false, error: `This JSON is not a Trellis plan:\n${lines.join("\n")}` };
  }
  const saved = await savePlan(parsed.data, { source: options.source ?? "import", note: options.note, planId: options.planId });
  return { ok: true, planId: saved.planId, issues: saved.issues };
}

/** The body of POST /api/plans/import. */
export const ImportPlanBody = z.object({ plan: z.unknown(), note: z.string().max(2000).optional() });

/** The REST form of import: a parsed body; a body that is not a plan is a 400 naming the problem. */
export async function importPlan(raw: unknown, options: { note?: string } = {}): Promise<{ planId: string; versionId: string; valid: boolean; issues: ValidationIssue[] }> {
  const parsed = Plan.safeParse(raw);
  if (!parsed.success) {
    throw badRequest(`This is not a Trellis plan: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`).join("; ")}`, parsed.error.issues);
  }
  const saved = await savePlan(parsed.data, { source: "api", note: options.note });
  return { planId: saved.planId, versionId: saved.id, valid: saved.valid, issues: saved.issues };
}

export async function savePlan(plan: Plan, options: { source: VersionSource; note?: string; planId?: string; model?: string; planning?: unknown }): Promise<StoredVersion> {
  const t = await getTrellis();
  const { issues } = validatePlan(plan, t.catalog, { trusted: true });
  const version = { plan, issues, note: options.note, source: options.source, model: options.model, planning: options.planning };
  if (options.planId) return (await addVersion(t.database.prisma, options.planId, version)).version;
  return createPlan(t.database.prisma, version);
}

export async function planView(planId: string) {
  const t = await getTrellis();
  const plan = await getPlan(t.database.prisma, planId);
  if (!plan) throw notFound(`There is no plan ${planId}.`);
  // Validate against today's catalog: an action may have changed since the version was saved.
  const current = validatePlan(plan.latest.plan, t.catalog, { trusted: true });
  const versions = await listVersions(t.database.prisma, planId);
  return { plan, issues: current.issues, valid: current.valid, versions, catalog: t.catalog.toJSON() };
}

export function parsePlanId(id: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw badRequest(`"${id}" is not a plan id.`);
  return id;
}
