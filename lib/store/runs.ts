/** Run queries for lists and detail pages. The engine's own writes live in run-store.ts. */
import { Plan, RunStatus, StepStatus, runOutcome, stepCounts, type RunOutcome } from "../core";
import { archivedWhere, CorruptRowError, type ArchivedFilter } from "./plans";
import type { Db } from "./database";
import { toRunRecord, toStepRecord } from "./run-store";

export interface RunFilter {
  status?: RunStatus;
  outcome?: RunOutcome;
  planId?: string;
  since?: Date;
  until?: Date;
  take?: number;
  /** the createdAt of the last row of the previous page */
  before?: Date;
  /** runs of archived plans (default: include) */
  archived?: ArchivedFilter;
}

/** The rows of a succeeded run that went each way (runOutcome in lib/core run-state.ts, as a query). */
const OUTCOME_WHERE = {
  clean: { status: "succeeded", rejected: false, partial: false },
  with_rejections: { status: "succeeded", rejected: true },
  partial: { status: "succeeded", rejected: false, partial: true },
} as const;

/** How the steps of each run ended, counted by the database. */
async function stepCountsOf(db: Db, runIds: string[]) {
  const groups = runIds.length ? await db.stepRun.groupBy({ by: ["runId", "status"], where: { runId: { in: runIds } }, _count: { _all: true } }) : [];
  const byRun = new Map<string, { status: StepStatus; count: number }[]>();
  for (const g of groups) byRun.set(g.runId, [...(byRun.get(g.runId) ?? []), { status: StepStatus.parse(g.status), count: g._count._all }]);
  return new Map([...byRun].map(([id, groups]) => [id, stepCounts(groups)]));
}

export async function listRuns(db: Db, f: RunFilter = {}) {
  const rows = await db.run.findMany({
    where: {
      status: f.status,
      ...(f.outcome ? { AND: [OUTCOME_WHERE[f.outcome]] } : {}),
      planId: f.planId,
      createdAt: { gte: f.since, lte: f.until, lt: f.before },
      ...(f.archived && f.archived !== "include" ? { plan: archivedWhere(f.archived) } : {}),
    },
    orderBy: { createdAt: "desc" },
    take: Math.min(f.take ?? 50, 500),
    include: { plan: { select: { title: true } }, planVersion: { select: { number: true } }, _count: { select: { steps: true } } },
  });
  const counts = await stepCountsOf(db, rows.map((r) => r.id));
  return rows.map((r) => ({
    ...toRunRecord(r),
    planTitle: r.plan.title,
    versionNumber: r.planVersion.number,
    stepCount: r._count.steps,
    steps: counts.get(r.id) ?? stepCounts([]),
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
  if (!planIds.length) return new Map<string, { id: string; status: RunStatus; outcome: RunOutcome | null; createdAt: Date }>();
  const rows = await db.run.findMany({ where: { planId: { in: planIds } }, orderBy: { createdAt: "desc" }, distinct: ["planId"], select: { id: true, planId: true, status: true, rejected: true, partial: true, createdAt: true } });
  return new Map(rows.map((r) => {
    const status = RunStatus.parse(r.status);
    return [r.planId, { id: r.id, status, outcome: runOutcome({ status, rejected: r.rejected, partial: r.partial }), createdAt: r.createdAt }];
  }));
}
