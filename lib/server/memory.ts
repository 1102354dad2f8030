/**
 * Plan memory, composed: remembered plan versions from the store (derived from clean runs),
 * built-in and saved templates, minus what a person forgot. What planning, the REST routes and
 * the CLI call.
 */
import type { MemoryList } from "../contract/memory";
import { MEMORY_ID_PATTERN, type RememberedPlan } from "../planner/memory/remembered-plan";
import { forgetPlan, forgottenIds, rememberedVersions } from "../store/memory";
import { templateRegistry, type Template } from "../templates";
import { listSavedTemplates } from "../templates/saved-templates";
import { badRequest, notFound } from "./errors";
import { serverLog } from "./log";
import { getTrellis } from "./trellis";

/** A template as a remembered plan: its goal with `{{param}}` read as the parameter's name. */
function templateMemory(t: Template): RememberedPlan | undefined {
  const goal = (t.plan.goal || `${t.name}. ${t.description}`).replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => name.replace(/_/g, " ")).trim();
  if (!goal || !t.plan.steps.length) return undefined;
  return { id: `template:${t.id}`, goal, plan: t.plan, origin: "template", accountId: null };
}

let last: { key: string; plans: readonly RememberedPlan[] } | undefined;

/**
 * Everything remembered, newest runs first, then templates. The same array comes back while
 * nothing changed, so the goal index built on it (planner/memory/goal-index.ts) is reused.
 */
export async function rememberedPlans(): Promise<{ plans: readonly RememberedPlan[]; forgotten: number }> {
  const t = await getTrellis();
  const db = t.database.prisma;
  const warn = serverLog().warn;
  const forgotten = await forgottenIds(db);
  const versions = await rememberedVersions(db, forgotten, warn);
  const templates = [...templateRegistry.list(), ...(await listSavedTemplates(db, warn))]
    .map(templateMemory)
    .filter((p): p is RememberedPlan => p !== undefined && !forgotten.has(p.id));
  const plans = [...versions, ...templates];
  const key = plans.map((p) => `${p.id}\u0000${p.goal}`).join("\u0001");
  if (last?.key !== key) last = { key, plans };
  return { plans: last.plans, forgotten: forgotten.size };
}

export async function listMemory(): Promise<MemoryList> {
  const { plans, forgotten } = await rememberedPlans();
  return {
    items: plans.map((p) => ({ id: p.id, goal: p.goal, origin: p.origin, ...(p.planId ? { planId: p.planId } : {}), ...(p.versionId ? { versionId: p.versionId } : {}), actions: p.plan.steps.map((s) => s.action) })),
    forgotten,
  };
}

/** Forget a remembered plan; 404 when the id names nothing planning could recall (forgotten ones included, so forgetting twice is fine). */
export async function forgetMemory(id: string): Promise<{ ok: true }> {
  if (!MEMORY_ID_PATTERN.test(id)) throw badRequest(`"${id}" is not a remembered plan's id (version:<id> or template:<id>).`);
  const t = await getTrellis();
  const db = t.database.prisma;
  const { plans } = await rememberedPlans();
  if (!plans.some((p) => p.id === id) && !(await forgottenIds(db)).has(id)) throw notFound(`No remembered plan ${id}: only versions that ran to a clean success, and templates, are remembered.`);
  await forgetPlan(db, id);
  return { ok: true };
}
