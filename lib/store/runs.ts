/** Run queries for lists and detail pages. The engine's own writes live in run-store.ts. */
import { Plan, RunStatus } from "../core";
import { CorruptRowError } from "./plans";
import type { Db } from "./database";
import { toRunRecord, toStepRecord } from "./run-store";

export interface RunFilter {
  status?: RunStatus;
  planId?: string;
  since?: Date;
  until?: Date;
  take?: number;
  /** the createdAt of the last row of the previous page */
  before?: Date;
}

export async function listRuns(db: Db, f: RunFilter = {}) {
  const rows = await db.run.findMany({
    where: {
      status: f.status,
      planId: f.planId,
      createdAt: { gte: f.since, lte: f.until, lt: f.before },
    },
    orderBy: { createdAt: "desc" },
    take: Math.min(f.take ?? 50, 500),
    include: { plan: { select: { title: true } }, planVersion: { select: { number: true } }, _count: { select: { steps: true } } },
  });
  return rows.map((r) => ({
    ...toRunRecord(r),
    planTitle: r.plan.title,
    versionNumber: r.planVersion.number,
    stepCount: r._count.steps,
    durationMs: r.startedAt && r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
  }));
}

export async function getRunDetail(db: Db, runId: string) {
  const r = await db.run.findUnique({ where: { id: runId }, include: { steps: true, plan: { select: { title: true } }, planVersion: { select: { number: true, body: true } } } });
  if (!r) return null;
  const plan = Plan.safeParse(r.planVersion.body);
  if (!plan.success) throw new CorruptRowError(`run ${runId}: its plan version no longer parses`);
  return { run: toRunRecord(r), steps: r.steps.map(toStepRecord), plan: plan.data, planTitle: r.plan.title, versionNumber: r.planVersion.number };
}

/** The latest runs of each plan, for the plans list. */
export async function latestRunsByPlan(db: Db, planIds: string[]) {
  if (!planIds.length) return new Map<string, { id: string; status: RunStatus; createdAt: Date }>();
  const rows = await db.run.findMany({ where: { planId: { in: planIds } }, orderBy: { createdAt: "desc" }, distinct: ["planId"], select: { id: true, planId: true, status: true, createdAt: true } });
  return new Map(rows.map((r) => [r.planId, { id: r.id, status: RunStatus.parse(r.status), createdAt: r.createdAt }]));
}
