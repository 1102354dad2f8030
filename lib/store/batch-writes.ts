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
import { rowPatches, type RowPatches, type RunEvent, type RunFieldsPatch, type StepFieldsPatch } from "../core";
import type { CommittedChange } from "../engine/run-store";
import { Prisma } from "./generated/client.ts";

/** What runs raw statements: the client or a transaction of it. */
export interface RawWriter {
  $executeRaw(query: Prisma.Sql): Prisma.PrismaPromise<number>;
}

/** A statement that takes its rows as one jsonb parameter: its text before and after it. */
type OneParam = readonly [before: string, after: string];

const INSERT_EVENTS: OneParam = [`
    INSERT INTO "RunEvent" ("runId", "seq", "type", "stepId", "at", "data")
    SELECT r->>'runId', (r->>'seq')::int, r->>'type', r->>'stepId', ((r->>'at')::timestamptz AT TIME ZONE 'UTC'), r->'data'
    FROM jsonb_array_elements(`, `::jsonb) AS x(r)`];

const UPDATE_RUNS: OneParam = [`
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
    FROM jsonb_array_elements(`, `::jsonb) AS x(p)
    WHERE t."id" = p->>'id'`];

const UPDATE_STEPS: OneParam = [`
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
    FROM jsonb_array_elements(`, `::jsonb) AS x(p)
    WHERE t."runId" = p->>'runId' AND t."stepId" = p->>'stepId'`];

const prismaSql = (s: OneParam, rows: unknown[]) => Prisma.sql([...s], JSON.stringify(rows));

export async function insertEvents(db: RawWriter, events: readonly RunEvent[]): Promise<number> {
  if (!events.length) return 0;
  return db.$executeRaw(prismaSql(INSERT_EVENTS, eventRows(events)));
}

function eventRows(events: readonly RunEvent[]): unknown[] {
  return events.map((e) => ({ runId: e.runId, seq: e.seq, type: e.type, stepId: e.stepId ?? null, at: e.at, data: e.data ?? {} }));
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
  return db.$executeRaw(prismaSql(UPDATE_RUNS, runRows(patches)));
}

function runRows(patches: readonly RunRowPatch[]): unknown[] {
  return patches.map((p) => ({ ...p.run, id: p.runId, ...(p.lastSeq ? { lastSeq: p.lastSeq } : {}) }));
}

export interface StepRowPatch {
  runId: string;
  stepId: string;
  patch: StepFieldsPatch;
}

/** Updates the steps' rows; returns how many rows it updated. */
export async function updateSteps(db: RawWriter, patches: readonly StepRowPatch[]): Promise<number> {
  if (!patches.length) return 0;
  return db.$executeRaw(prismaSql(UPDATE_STEPS, stepRows(patches)));
}

function stepRows(patches: readonly StepRowPatch[]): unknown[] {
  return patches.map((p) => ({ ...p.patch, runId: p.runId, stepId: p.stepId }));
}

/** A batch's writes: its events, and the row changes they imply (merged per run and step). */
export interface BatchRows {
  events: RunEvent[];
  runs: RunRowPatch[];
  steps: StepRowPatch[];
  /** step rows a re-plan gives its run, and takes out of it */
  added: { runId: string; stepId: string }[];
  removed: { runId: string; stepId: string }[];
}

/**
 * Each event sets the same fields whatever came before, so a run's row changes are its events'
 * patches merged in order (later fields win): no read of the rows is needed.
 */
export function batchRows(changes: readonly CommittedChange[]): BatchRows {
  const events: RunEvent[] = [];
  const byRun = new Map<string, RowPatches>();
  for (const c of changes) {
    events.push(...c.events);
    byRun.set(c.runId, rowPatches(c.events, byRun.get(c.runId)));
  }
  const runs: RunRowPatch[] = [];
  const steps: StepRowPatch[] = [];
  const added: { runId: string; stepId: string }[] = [];
  const removed: { runId: string; stepId: string }[] = [];
  for (const [runId, { lastSeq, run, steps: patches, addedSteps, removedSteps }] of byRun) {
    if (lastSeq || Object.values(run).some((v) => v !== undefined)) runs.push({ runId, lastSeq, run });
    for (const [stepId, patch] of patches) steps.push({ runId, stepId, patch });
    for (const stepId of addedSteps ?? []) added.push({ runId, stepId });
    for (const stepId of removedSteps ?? []) removed.push({ runId, stepId });
  }
  return { events, runs, steps, added, removed };
}

/**
 * The same writes as one statement for a node-postgres client, with notifications (sent at
 * commit) in it: one round trip. Parameters: $1 events, $2 runs, $3 steps, $4 notifications
 * (`[{channel, payload}]`). Answers the counts of rows written.
 */
export function batchStatement(rows: BatchRows, notifications: readonly { channel: string; payload: string }[]): { text: string; values: string[] } {
  // A re-plan's added rows must exist before the updates that set them, which one statement's
  // parts cannot see; queue mode refuses re-planning, so no change of it adds or removes steps.
  if (rows.added.length || rows.removed.length) throw new Error("a change that adds or removes a run's steps (a re-plan) cannot be written in queue mode");
  const text = `WITH
    ev AS (${INSERT_EVENTS.join("$1")} RETURNING 1),
    ru AS (${UPDATE_RUNS.join("$2")} RETURNING 1),
    st AS (${UPDATE_STEPS.join("$3")} RETURNING 1),
    nt AS (SELECT pg_notify(n->>'channel', n->>'payload') FROM jsonb_array_elements($4::jsonb) AS y(n))
    SELECT (SELECT count(*) FROM ev)::int AS events, (SELECT count(*) FROM ru)::int AS runs, (SELECT count(*) FROM st)::int AS steps, (SELECT count(*) FROM nt)::int AS notified`;
  return { text, values: [JSON.stringify(eventRows(rows.events)), JSON.stringify(runRows(rows.runs)), JSON.stringify(stepRows(rows.steps)), JSON.stringify(notifications)] };
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
