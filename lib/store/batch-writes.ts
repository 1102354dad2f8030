/**
 * The writes of one committed batch as set-based statements: all its events in one INSERT, all
 * its runs' row changes in one UPDATE, all its steps' row changes in one UPDATE, whatever the
 * batch holds. Each statement takes its rows as one jsonb parameter, the same on PGlite and
 * PostgreSQL, so no statement is ever built (nor compiled by Prisma) per row or per batch shape.
 *
 * A patch says which fields change: a key that is absent keeps the column (`p->'key'` is SQL
 * NULL), a key set to null clears it (as Prisma's undefined and DbNull do). Times are ISO strings, stored as UTC in the
 * `timestamp(3)` columns, as Prisma stores them.
 */
import type { RunEvent, RunFieldsPatch, StepFieldsPatch } from "../core";
import { Prisma } from "./generated/client.ts";

/** What runs raw statements: the client or a transaction of it. */
export interface RawWriter {
  $executeRaw(query: Prisma.Sql): Prisma.PrismaPromise<number>;
}

export async function insertEvents(db: RawWriter, events: readonly RunEvent[]): Promise<number> {
  if (!events.length) return 0;
  const rows = events.map((e) => ({ runId: e.runId, seq: e.seq, type: e.type, stepId: e.stepId ?? null, at: e.at, data: e.data ?? {} }));
  return db.$executeRaw(Prisma.sql`
    INSERT INTO "RunEvent" ("runId", "seq", "type", "stepId", "at", "data")
    SELECT r->>'runId', (r->>'seq')::int, r->>'type', r->>'stepId', ((r->>'at')::timestamptz AT TIME ZONE 'UTC'), r->'data'
    FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS x(r)`);
}

export interface RunRowPatch {
  runId: string;
  /** 0: unchanged */
  lastSeq: number;
  run: RunFieldsPatch;
}

/** Updates the runs' rows; returns how many rows it updated. */
export async function updateRuns(db: RawWriter, patches: readonly RunRowPatch[]): Promise<number> {
  if (!patches.length) return 0;
  const rows = patches.map((p) => ({ ...p.run, id: p.runId, ...(p.lastSeq ? { lastSeq: p.lastSeq } : {}) }));
  return db.$executeRaw(Prisma.sql`
    UPDATE "Run" AS t SET
      "lastSeq" = CASE WHEN p->'lastSeq' IS NOT NULL THEN (p->>'lastSeq')::int ELSE t."lastSeq" END,
      "status" = CASE WHEN p->'status' IS NOT NULL THEN p->>'status' ELSE t."status" END,
      "planVersionId" = CASE WHEN p->'planVersionId' IS NOT NULL THEN p->>'planVersionId' ELSE t."planVersionId" END,
      "outputs" = CASE WHEN p->'outputs' IS NOT NULL THEN NULLIF(p->'outputs', 'null'::jsonb) ELSE t."outputs" END,
      "failure" = CASE WHEN p->'failure' IS NOT NULL THEN NULLIF(p->'failure', 'null'::jsonb) ELSE t."failure" END,
      "usage" = CASE WHEN p->'usage' IS NOT NULL THEN NULLIF(p->'usage', 'null'::jsonb) ELSE t."usage" END,
      "rejected" = CASE WHEN p->'rejected' IS NOT NULL THEN (p->>'rejected')::boolean ELSE t."rejected" END,
      "partial" = CASE WHEN p->'partial' IS NOT NULL THEN (p->>'partial')::boolean ELSE t."partial" END,
      "startedAt" = CASE WHEN p->'startedAt' IS NOT NULL THEN ((p->>'startedAt')::timestamptz AT TIME ZONE 'UTC') ELSE t."startedAt" END,
      "finishedAt" = CASE WHEN p->'finishedAt' IS NOT NULL THEN ((p->>'finishedAt')::timestamptz AT TIME ZONE 'UTC') ELSE t."finishedAt" END
    FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS x(p)
    WHERE t."id" = p->>'id'`);
}

export interface StepRowPatch {
  runId: string;
  stepId: string;
  patch: StepFieldsPatch;
}

/** Updates the steps' rows; returns how many rows it updated. */
export async function updateSteps(db: RawWriter, patches: readonly StepRowPatch[]): Promise<number> {
  if (!patches.length) return 0;
  const rows = patches.map((p) => ({ ...p.patch, runId: p.runId, stepId: p.stepId }));
  return db.$executeRaw(Prisma.sql`
    UPDATE "StepRun" AS t SET
      "status" = CASE WHEN p->'status' IS NOT NULL THEN p->>'status' ELSE t."status" END,
      "attempts" = CASE WHEN p->'attempts' IS NOT NULL THEN (p->>'attempts')::int ELSE t."attempts" END,
      "input" = CASE WHEN p->'input' IS NOT NULL THEN NULLIF(p->'input', 'null'::jsonb) ELSE t."input" END,
      "output" = CASE WHEN p->'output' IS NOT NULL THEN NULLIF(p->'output', 'null'::jsonb) ELSE t."output" END,
      "failure" = CASE WHEN p->'failure' IS NOT NULL THEN NULLIF(p->'failure', 'null'::jsonb) ELSE t."failure" END,
      "usage" = CASE WHEN p->'usage' IS NOT NULL THEN NULLIF(p->'usage', 'null'::jsonb) ELSE t."usage" END,
      "approval" = CASE WHEN p->'approval' IS NOT NULL THEN NULLIF(p->'approval', 'null'::jsonb) ELSE t."approval" END,
      "reusedFromRunId" = CASE WHEN p->'reusedFromRunId' IS NOT NULL THEN p->>'reusedFromRunId' ELSE t."reusedFromRunId" END,
      "startedAt" = CASE WHEN p->'startedAt' IS NOT NULL THEN ((p->>'startedAt')::timestamptz AT TIME ZONE 'UTC') ELSE t."startedAt" END,
      "finishedAt" = CASE WHEN p->'finishedAt' IS NOT NULL THEN ((p->>'finishedAt')::timestamptz AT TIME ZONE 'UTC') ELSE t."finishedAt" END
    FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS x(p)
    WHERE t."runId" = p->>'runId' AND t."stepId" = p->>'stepId'`);
}

/** Adds the step rows a re-plan gives its run (pending, as a new run's); a row that is there is kept. */
export async function insertSteps(db: RawWriter, rows: readonly { runId: string; stepId: string }[]): Promise<number> {
  if (!rows.length) return 0;
  return db.$executeRaw(Prisma.sql`
    INSERT INTO "StepRun" ("runId", "stepId", "status", "attempts", "idempotencyKey")
    SELECT r->>'runId', r->>'stepId', 'pending', 0, (r->>'runId') || ':' || (r->>'stepId')
    FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS x(r)
    ON CONFLICT ("runId", "stepId") DO NOTHING`);
}

/** Removes the step rows a re-plan takes out of its run (their events stay). */
export async function deleteSteps(db: RawWriter, rows: readonly { runId: string; stepId: string }[]): Promise<number> {
  if (!rows.length) return 0;
  return db.$executeRaw(Prisma.sql`
    DELETE FROM "StepRun" AS t
    USING jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS x(r)
    WHERE t."runId" = r->>'runId' AND t."stepId" = r->>'stepId'`);
}
