/** What the app asks of plans: list, read, import. Validates on the server every time. */
import { planFromJson, readPlanFile } from "../contract/plan-file";
import type { ImportedPlan, PlanList, PlanListQuery } from "../contract/plans";
import { Plan, type ValidationIssue } from "../core";
import { addVersion, createPlan, listPlans, type ArchivedFilter, type StoredVersion, type VersionSource } from "../store/plans";
import { latestRunsByPlan } from "../store/runs";
import { badRequest } from "./errors";
import { validateSavedPlan } from "./plan-validation";
import { getTrellis } from "./trellis";

/** The home page's plans (archived ones only with `archived: "include"`), with the workspace's state. */
export async function homeOverview(options: { archived?: ArchivedFilter } = {}) {
  const t = await getTrellis();
  const listed = await listPlans(t.database.prisma, { take: 50, archived: options.archived ?? "exclude" });
  const archivedCount = await t.database.prisma.plan.count({ where: { archivedAt: { not: null } } });
  const latest = await latestRunsByPlan(t.database.prisma, listed.map((p) => p.id));
  const plans = listed.map((p) => ({ ...p, latestRun: latest.get(p.id) ?? null }));
  return {
    plans,
    archivedCount,
    llm: { configured: t.config.llm.configured, model: t.config.llm.model, provider: t.config.llm.provider },
    database: { kind: t.database.kind },
    catalog: { actions: t.catalog.list().length, flows: t.catalog.flows() },
  };
}

/** GET /api/plans: the plans, most recently changed first. */
export async function planList(query: PlanListQuery): Promise<PlanList> {
  const t = await getTrellis();
  const listed = await listPlans(t.database.prisma, { take: query.limit ?? 100, archived: query.archived ?? "exclude" });
  return {
    plans: listed.map((p) => ({
      id: p.id, title: p.title, goal: p.goal, flows: p.flows, versionCount: p.versionCount, stepCount: p.stepCount, valid: p.valid,
      createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(), archivedAt: p.archivedAt ? p.archivedAt.toISOString() : null,
    })),
  };
}

export type ImportResult = { ok: true; planId: string; issues: ValidationIssue[] } | { ok: false; error: string };

/**
 * Imports a plan from a plan file's text (any of its forms: lib/contract/plan-file). Malformed
 * JSON or text that is not a plan is refused with the reason and nothing is written; a plan
 * with validation errors is saved as a draft with its issues (it cannot run until they are fixed).
 */
export async function importPlanJson(text: string, options: { source?: VersionSource; note?: string; planId?: string } = {}): Promise<ImportResult> {
  const read = readPlanFile(text);
  if (!read.ok) return { ok: false, error: read.error.message };
  const saved = await savePlan(read.plan, { source: options.source ?? "import", note: options.note, planId: options.planId });
  return { ok: true, planId: saved.planId, issues: saved.issues };
}

/**
 * The REST form of import: the body's `plan`, a plan file in any of its forms (lib/contract/plan-file);
 * one that is not a plan is a 400 naming the problem, and nothing is written.
 */
export async function importPlan(raw: unknown, options: { note?: string } = {}): Promise<ImportedPlan> {
  const read = planFromJson(raw);
  if (!read.ok) throw badRequest(read.error.message, { issues: read.error.issues });
  const saved = await savePlan(read.plan, { source: "api", note: options.note });
  return { planId: saved.planId, versionId: saved.id, valid: saved.valid, issues: saved.issues };
}

/**
 * Stores a plan as a version with its issues, checked here against the whole catalog (the
 * plan's flows enforced by the validator): the check it meets when it runs. `maxSteps` is a
 * planning request's limit, so a planned version records what its planning reported.
 */
export async function savePlan(plan: Plan, options: { source: VersionSource; note?: string; planId?: string; model?: string; planning?: unknown; maxSteps?: number }): Promise<StoredVersion> {
  const t = await getTrellis();
  const { issues } = validateSavedPlan(t, plan, options.planId, { maxSteps: options.maxSteps });
  const version = { plan, issues, note: options.note, source: options.source, model: options.model, planning: options.planning };
  const saved = options.planId ? (await addVersion(t.database.prisma, options.planId, version)).version : await createPlan(t.database.prisma, version);
  await t.plans.refresh();
  return saved;
}

export function parsePlanId(id: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw badRequest(`"${id}" is not a plan id.`);
  return id;
}
