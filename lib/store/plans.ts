/** Plans and their immutable, content-hashed versions. */
import { randomUUID } from "node:crypto";
import { contentHash, Coverage, Plan, ValidationIssue } from "../core";
import { TrellisError } from "../core/errors";
import { MemoryUse } from "../planner/memory/remembered-plan";
import type { Db } from "./database";
import { actingLabel } from "./acting";
import { z } from "zod";

export const VersionSource = z.enum(["llm", "offline", "editor", "import", "api", "template"]);
export type VersionSource = z.infer<typeof VersionSource>;

export interface PlanSummary {
  id: string;
  title: string;
  goal: string;
  flows: string[];
  versionCount: number;
  updatedAt: Date;
  createdAt: Date;
  valid: boolean | null;
  /** the latest version was planned and leaves parts of its goal uncovered (a draft) */
  partial: boolean;
  stepCount: number;
  /** set while the plan is archived */
  archivedAt: Date | null;
}

/** Which plans a list holds: archived plans are left out unless asked for. */
export type ArchivedFilter = "exclude" | "include" | "only";

export function archivedWhere(archived: ArchivedFilter): { archivedAt?: null | { not: null } } {
  return archived === "exclude" ? { archivedAt: null } : archived === "only" ? { archivedAt: { not: null } } : {};
}

export interface StoredVersion {
  id: string;
  planId: string;
  number: number;
  hash: string;
  plan: Plan;
  note: string | null;
  source: VersionSource;
  model: string | null;
  issues: ValidationIssue[];
  valid: boolean;
  /** who saved it (null: before Trellis recorded it, or outside a request) */
  createdBy: string | null;
  createdAt: Date;
  /** what the planned version covers of its goal; null for versions that were not planned (or planned before coverage) */
  coverage: Coverage | null;
  /** how plan memory took part in planning it (the remembered plan it started from), when it did */
  memory?: MemoryUse;
}

export interface NewVersion {
  plan: Plan;
  issues: ValidationIssue[];
  note?: string;
  source: VersionSource;
  model?: string;
  planning?: unknown;
}

export function titleFromGoal(goal: string): string {
  const clean = goal.replace(/\s+/g, " ").trim();
  if (!clean) return "Untitled plan";
  return clean.length > 80 ? `${clean.slice(0, 77).trimEnd()}…` : clean;
}

export async function createPlan(db: Db, version: NewVersion, title?: string): Promise<StoredVersion> {
  const planId = randomUUID();
  const versionId = randomUUID();
  const hash = contentHash(version.plan);
  const valid = !version.issues.some((i) => i.severity === "error");
  const createdBy = actingLabel();
  const [, row] = await db.$transaction([
    db.plan.create({
      data: { id: planId, title: title ?? titleFromGoal(version.plan.goal), goal: version.plan.goal, flows: version.plan.flows, latestVersionId: versionId, versionCount: 1, createdBy },
    }),
    db.planVersion.create({
      data: { id: versionId, planId, number: 1, hash, createdBy, body: version.plan as object, note: version.note, source: version.source, model: version.model, planning: (version.planning ?? undefined) as object | undefined, issues: version.issues as object[], valid },
    }),
  ]);
  return toStoredVersion(row);
}

/** Appends a version; returns the latest one unchanged when the content is identical. */
export async function addVersion(db: Db, planId: string, version: NewVersion): Promise<{ version: StoredVersion; created: boolean }> {
  const hash = contentHash(version.plan);
  const createdBy = actingLabel();
  return db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id: planId } });
    if (!plan) throw new NotFoundError(`plan ${planId}`);
    if (plan.latestVersionId) {
      const latest = await tx.planVersion.findUnique({ where: { id: plan.latestVersionId } });
      if (latest && latest.hash === hash && !version.note) return { version: toStoredVersion(latest), created: false };
    }
    const number = plan.versionCount + 1;
    const id = randomUUID();
    const row = await tx.planVersion.create({
      data: { id, planId, number, hash, createdBy, body: version.plan as object, note: version.note, source: version.source, model: version.model, planning: (version.planning ?? undefined) as object | undefined, issues: version.issues as object[], valid: !version.issues.some((i) => i.severity === "error") },
    });
    await tx.plan.update({ where: { id: planId }, data: { latestVersionId: id, versionCount: number, goal: version.plan.goal, flows: version.plan.flows } });
    return { version: toStoredVersion(row), created: true };
  });
}

export async function listPlans(db: Db, options: { take?: number; archived?: ArchivedFilter } = {}): Promise<PlanSummary[]> {
  const plans = await db.plan.findMany({ where: archivedWhere(options.archived ?? "exclude"), orderBy: { updatedAt: "desc" }, take: options.take ?? 100 });
  const latestIds = plans.map((p) => p.latestVersionId).filter((x): x is string => Boolean(x));
  const versions = await db.planVersion.findMany({ where: { id: { in: latestIds } }, select: { id: true, valid: true, body: true, planning: true } });
  const byId = new Map(versions.map((v) => [v.id, v]));
  return plans.map((p) => {
    const v = p.latestVersionId ? byId.get(p.latestVersionId) : undefined;
    const body = v ? Plan.safeParse(v.body) : undefined;
    return {
      id: p.id,
      title: p.title,
      goal: p.goal,
      flows: p.flows,
      versionCount: p.versionCount,
      updatedAt: p.updatedAt,
      createdAt: p.createdAt,
      valid: v ? v.valid : null,
      partial: Boolean(coverageOf(v?.planning)?.parts.some((part) => part.uncovered || !part.steps.length)),
      stepCount: body?.success ? body.data.steps.length : 0,
      archivedAt: p.archivedAt,
    };
  });
}

export async function getPlan(db: Db, planId: string): Promise<{ id: string; title: string; createdAt: Date; updatedAt: Date; archivedAt: Date | null; createdBy: string | null; latest: StoredVersion } | null> {
  const plan = await db.plan.findUnique({ where: { id: planId } });
  if (!plan || !plan.latestVersionId) return null;
  const latest = await db.planVersion.findUnique({ where: { id: plan.latestVersionId } });
  if (!latest) return null;
  return { id: plan.id, title: plan.title, createdAt: plan.createdAt, updatedAt: plan.updatedAt, archivedAt: plan.archivedAt, createdBy: plan.createdBy ?? null, latest: toStoredVersion(latest) };
}

/** How many runs a plan has, and how many of them have not ended (queued, running or awaiting approval). */
export async function planRunCounts(db: Db, planId: string): Promise<{ total: number; active: number }> {
  const [total, active] = await Promise.all([db.run.count({ where: { planId } }), db.run.count({ where: { planId, status: { in: [...ACTIVE_RUN_STATUSES] } } })]);
  return { total, active };
}

/** Run statuses of a run that has not ended: a plan with such a run is never deleted under it. */
export const ACTIVE_RUN_STATUSES = ["queued", "running", "awaiting_approval"] as const;

/** Archives a plan (keeping the first archiving time) or brings it back; null when there is no such plan. */
export async function setPlanArchived(db: Db, planId: string, archived: boolean): Promise<{ archivedAt: Date | null } | null> {
  return db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id: planId }, select: { archivedAt: true, updatedAt: true } });
    if (!plan) return null;
    const archivedAt = archived ? (plan.archivedAt ?? new Date()) : null;
    // updatedAt is left alone: archiving is not an edit, and the list keeps its order.
    await tx.plan.update({ where: { id: planId }, data: { archivedAt, updatedAt: plan.updatedAt } });
    return { archivedAt };
  });
}

export async function getVersion(db: Db, versionId: string): Promise<StoredVersion | null> {
  const row = await db.planVersion.findUnique({ where: { id: versionId } });
  return row ? toStoredVersion(row) : null;
}

export async function listVersions(db: Db, planId: string): Promise<StoredVersion[]> {
  const rows = await db.planVersion.findMany({ where: { planId }, orderBy: { number: "desc" } });
  return rows.map(toStoredVersion);
}

export class NotFoundError extends TrellisError {
  static override readonly kind: string = "NotFoundError";
  constructor(what: string) {
    super(404, "not_found", `${what} was not found`);
  }
}

export class CorruptRowError extends Error {}

type VersionRow = { id: string; planId: string; number: number; hash: string; body: unknown; note: string | null; source: string; model: string | null; issues: unknown; valid: boolean; createdBy?: string | null; createdAt: Date; planning?: unknown };

function toStoredVersion(row: VersionRow): StoredVersion {
  // Stored JSON is parsed, never trusted: a row written by an older Trellis must still read.
  const plan = Plan.safeParse(row.body);
  if (!plan.success) throw new CorruptRowError(`plan version ${row.id} holds a plan that no longer parses: ${plan.error.issues[0]?.message}`);
  const issues = z.array(ValidationIssue).safeParse(row.issues);
  const source = VersionSource.safeParse(row.source);
  const memory = MemoryUse.safeParse(row.planning && typeof row.planning === "object" ? (row.planning as { memory?: unknown }).memory : undefined);
  return {
    id: row.id,
    planId: row.planId,
    number: row.number,
    hash: row.hash,
    plan: plan.data,
    note: row.note,
    source: source.success ? source.data : "api",
    model: row.model,
    issues: issues.success ? issues.data : [],
    valid: row.valid,
    createdBy: row.createdBy ?? null,
    createdAt: row.createdAt,
    coverage: coverageOf(row.planning),
    ...(memory.success && memory.data ? { memory: memory.data } : {}),
  };
}

function coverageOf(planning: unknown): Coverage | null {
  if (!planning || typeof planning !== "object" || !("coverage" in planning)) return null;
  const parsed = Coverage.safeParse((planning as { coverage: unknown }).coverage);
  return parsed.success ? parsed.data : null;
}

export type DeletePlanResult = { result: "deleted"; runIds: string[] } | { result: "not_found" } | { result: "has_runs"; runs: number } | { result: "run_active"; runIds: string[] };

/**
 * Deletes a plan and its versions. A plan that has runs is kept (their history pins its
 * versions) unless `withRuns`, which deletes the runs too, with their steps and events; a plan
 * with a run that has not ended is always kept. Returns what happened rather than throwing, for
 * the caller to map; `runIds` are the runs deleted, whose workspaces the caller removes.
 */
export async function deletePlan(db: Db, planId: string, options: { withRuns?: boolean } = {}): Promise<DeletePlanResult> {
  return db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id: planId }, select: { id: true } });
    if (!plan) return { result: "not_found" };
    const runs = await tx.run.findMany({ where: { planId }, select: { id: true, status: true } });
    const active = runs.filter((r) => (ACTIVE_RUN_STATUSES as readonly string[]).includes(r.status));
    if (active.length) return { result: "run_active", runIds: active.map((r) => r.id) };
    if (runs.length && !options.withRuns) return { result: "has_runs", runs: runs.length };
    // Runs, their steps and events, and the versions go with the plan (ON DELETE CASCADE).
    await tx.plan.delete({ where: { id: planId } });
    return { result: "deleted", runIds: runs.map((r) => r.id) };
  });
}
