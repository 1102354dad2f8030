/**
 * Plan memory in the database, derived by query so it cannot drift from what happened: a plan
 * version is remembered while one of its runs succeeded cleanly (status succeeded, no step
 * rejected, none that went on without its own output: the Run row's projection of its events)
 * and nobody asked to forget it. Deleting the plan or the run deletes the memory with it.
 * The only state of its own is the list of forgotten ids.
 */
import { Plan } from "../core/plan";
import type { RememberedPlan } from "../planner/memory/remembered-plan";
import type { Db } from "./database";

/** the newest remembered versions planning looks at, at most */
export const MAX_REMEMBERED_VERSIONS = 5000;

export type Warn = (message: string) => void;

/** Versions with a clean successful run, newest first; `forgotten` ids are left out. */
export async function rememberedVersions(db: Db, forgotten: ReadonlySet<string>, warn: Warn = () => {}): Promise<RememberedPlan[]> {
  const rows = await db.planVersion.findMany({
    where: { valid: true, runs: { some: { status: "succeeded", rejected: false, partial: false } } },
    select: { id: true, planId: true, body: true },
    orderBy: { createdAt: "desc" },
    take: MAX_REMEMBERED_VERSIONS,
  });
  const out: RememberedPlan[] = [];
  for (const row of rows) {
    const id = `version:${row.id}`;
    if (forgotten.has(id)) continue;
    const plan = Plan.safeParse(row.body);
    if (!plan.success) {
      warn(`plan version ${row.id} is not a readable plan; left out of plan memory`);
      continue;
    }
    if (!plan.data.goal.trim()) continue;
    out.push({ id, goal: plan.data.goal, plan: plan.data, origin: "run", planId: row.planId, versionId: row.id, accountId: null });
  }
  return out;
}

export async function forgottenIds(db: Db): Promise<Set<string>> {
  const rows = await db.forgottenPlan.findMany({ select: { id: true } });
  return new Set(rows.map((r) => r.id));
}

/** Forget a remembered plan (idempotent): it is no longer recalled, even after another clean run. */
export async function forgetPlan(db: Db, id: string): Promise<void> {
  await db.forgottenPlan.upsert({ where: { id }, create: { id, accountId: null }, update: {} });
}
