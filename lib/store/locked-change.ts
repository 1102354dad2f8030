/**
 * Queue mode's change of one run under its row lock, on node-postgres directly: three round trips
 * (BEGIN, lock and read the run, read its steps: three statements in one message; write the
 * events, the row changes and the notifications in one statement; COMMIT) and no ORM query
 * compiled or interpreted per change.
 * Workers change a run twice per step (its start, its end); through the ORM's interactive
 * transaction each change cost a worker about 10 ms of CPU (`npm run -s bench:scale` shows the
 * CPU per step).
 *
 * What it reads and writes is what PrismaRunStore.appendLocked read and wrote: the same records
 * (toRunRecord, toStepRecord) and the same set-based statements (batch-writes.ts).
 */
import pg from "pg";
import { Plan, repairForStorage, type RunEvent } from "../core";
import { stampEvent, type CommittedChange, type LoadedRun, type LockedReads, type NewEvent } from "../engine/run-store";
import { batchRows, batchStatement } from "./batch-writes";
import { CorruptRowError } from "./plans";
import { applyError, checkRowCounts, toRunEvent, toRunRecord, toStepRecord } from "./run-store";

/**
 * The run's row, locked; times as timestamptz (stored as UTC). Its steps are read by the next
 * statement, never by a subquery of this one: under READ COMMITTED a statement that waited for
 * the lock sees the locked row as the other writer committed it, but every other table as it was
 * when the statement began, so a subquery would answer the steps as they were before that
 * writer's change (a run whose last step ended would never end).
 */
const LOCK_RUN = `
  SELECT r."id", r."planId", r."planVersionId", r."status", r."inputs", r."options", r."outputs", r."failure", r."usage",
         r."rejected", r."partial", r."lastSeq", r."retryOfId", r."parentRunId", r."parentStepId",
         r."createdAt" AT TIME ZONE 'UTC' AS "createdAt", r."startedAt" AT TIME ZONE 'UTC' AS "startedAt", r."finishedAt" AT TIME ZONE 'UTC' AS "finishedAt"
  FROM "Run" r WHERE r."id" = $1
  FOR UPDATE`;

/**
 * BEGIN, the lock and the steps' read in one message (the simple query protocol runs its
 * statements in order, each with its own snapshot, as separate messages would): a round trip
 * less each. Parameters cannot go with it, so the run id goes in as a quoted literal.
 */
function beginLockRead(runId: string): string {
  const id = pg.escapeLiteral(runId);
  return `BEGIN; ${LOCK_RUN.replace("$1", id)}; ${READ_STEPS.replace("$1", id)}`;
}

const READ_STEPS = `
  SELECT s."stepId", s."status", s."attempts", s."input", s."output", s."failure", s."usage", s."idempotencyKey", s."approval", s."reusedFromRunId",
         s."startedAt" AT TIME ZONE 'UTC' AS "startedAt", s."finishedAt" AT TIME ZONE 'UTC' AS "finishedAt"
  FROM "StepRun" s WHERE s."runId" = $1`;

/** A run's events of one type (what a change asks of the log, such as its skips), on the transaction that holds the lock. */
const READ_EVENTS_OF_TYPE = `
  SELECT e."runId", e."seq", e."type", e."stepId", e."at" AT TIME ZONE 'UTC' AS "at", e."data"
  FROM "RunEvent" e WHERE e."runId" = $1 AND e."type" = $2 ORDER BY e."seq"`;

export interface PlanCache {
  get(versionId: string): Plan | undefined;
  set(versionId: string, plan: Plan): void;
}

/** See PrismaRunStore.appendLocked, which this serves on PostgreSQL. */
export async function appendLockedPg<T>(
  pool: pg.Pool,
  plans: PlanCache,
  runId: string,
  decide: (loaded: LoadedRun, reads: LockedReads) => Promise<{ events: NewEvent[]; result: T }>,
  notify?: (events: RunEvent[], result: T) => { channel: string; payload: string }[],
): Promise<{ events: RunEvent[]; result: T } | null> {
  const client = await pool.connect();
  const changes: CommittedChange[] = [];
  let open = false;
  try {
    open = true;
    const [, locked, steps] = (await client.query(beginLockRead(runId))) as unknown as pg.QueryResult[];
    if (!locked.rows.length) {
      await client.query("COMMIT");
      open = false;
      return null;
    }
    const row = locked.rows[0];
    const loaded: LoadedRun = { run: toRunRecord(row), steps: steps.rows.map(toStepRecord), plan: await planOf(client, plans, runId, row.planVersionId) };
    const reads: LockedReads = {
      async eventsOfType(type) {
        const { rows } = await client.query(READ_EVENTS_OF_TYPE, [runId, type]);
        return rows.map(toRunEvent) as never;
      },
    };
    const { events: fresh, result } = await decide(loaded, reads);
    const at = new Date().toISOString();
    const events = fresh.map((e, i) => stampEvent(repairForStorage(e), loaded.run.lastSeq + i + 1, runId, at));
    const notifications = notify?.(events, result) ?? [];
    if (events.length) {
      changes.push({ runId, events });
      const batch = batchRows(changes);
      const { rows: [counts] } = await client.query(batchStatement(batch, notifications));
      checkRowCounts(batch.runs.length, counts.runs, batch.steps.length, counts.steps);
    } else if (notifications.length) {
      await client.query(`SELECT pg_notify(n->>'channel', n->>'payload') FROM jsonb_array_elements($1::jsonb) AS y(n)`, [JSON.stringify(notifications)]);
    }
    await client.query("COMMIT");
    open = false;
    return { events, result };
  } catch (err) {
    if (open) await client.query("ROLLBACK").catch(() => undefined);
    throw applyError(err, changes);
  } finally {
    client.release();
  }
}

async function planOf(client: pg.PoolClient, plans: PlanCache, runId: string, versionId: string): Promise<Plan> {
  // A plan version never changes once saved: its parsed plan is kept, and only the run is read.
  const cached = plans.get(versionId);
  if (cached) return cached;
  const { rows } = await client.query(`SELECT "body" FROM "PlanVersion" WHERE "id" = $1`, [versionId]);
  const parsed = Plan.safeParse(rows[0]?.body);
  if (!parsed.success) throw new CorruptRowError(`run ${runId}: its plan version no longer parses`);
  plans.set(versionId, parsed.data);
  return parsed.data;
}
