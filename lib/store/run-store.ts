/**
 * The engine's RunStore on Prisma: one transaction per batch of changes, gap-free seqs per
 * run. Run and step rows are written as the projection of the events (lib/core run-state.ts):
 * a batch's events and the row changes they imply commit together.
 */
import { z } from "zod";
import { Failure, MAX_EVENT_DEPTH, Plan, RunEvent, RunStatus, StepStatus, Usage, findUnstorable, repairForStorage, type RunFieldsPatch, type StepFieldsPatch } from "../core";
import { newRunRecords, SeqConflictError, stampEvent, type CreatedRun, UnstorableChangeError, type CommittedChange, type LoadedRun, type LockedReads, type NewEvent, type NewRun, type RunClaim, type RunRecord, type RunStore, type StepRecord } from "../engine/run-store";
import { RunOptions } from "../engine/run-options";
import type { Db } from "./database";
import { actingLabel } from "./acting";
import { Prisma } from "./generated/client.ts";
import { CorruptRowError } from "./plans";
import { classifyStorageError, type StorageErrorKind } from "./errors";
import type pg from "pg";
import { appendLockedPg, type PlanCache } from "./locked-change";
import { batchRows, deleteSteps, insertEvents, insertSteps, updateRuns, updateSteps, type RawWriter } from "./batch-writes";

const ApprovalRow = z.object({ decision: z.enum(["approved", "rejected"]), by: z.string().optional(), comment: z.string().optional(), input: z.unknown().optional(), at: z.string() });

/** Json columns: undefined leaves a value, null clears it. */
function json(v: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull | undefined {
  if (v === undefined) return undefined;
  if (v === null) return Prisma.DbNull;
  return v as Prisma.InputJsonValue;
}

/** Time columns: undefined leaves a value, null clears it. */
function time(v: string | Date | null | undefined): Date | null | undefined {
  return v === undefined || v === null || v instanceof Date ? v : new Date(v);
}

function stepData(p: StepFieldsPatch | Omit<StepRecord, "stepId" | "idempotencyKey">) {
  return {
    status: p.status,
    attempts: p.attempts,
    input: json(p.input),
    output: json(p.output),
    failure: json(p.failure),
    usage: json(p.usage),
    approval: json(p.approval),
    reusedFromRunId: p.reusedFromRunId,
    startedAt: time(p.startedAt),
    finishedAt: time(p.finishedAt),
  };
}

function runData(p: RunFieldsPatch | Partial<RunRecord>) {
  return { status: p.status, outputs: json(p.outputs), failure: json(p.failure), usage: json(p.usage), rejected: p.rejected, partial: p.partial, startedAt: time(p.startedAt), finishedAt: time(p.finishedAt) };
}

export class PrismaRunStore implements RunStore {
  /**
   * `exclusive`: this process is the database's only user (the embedded database is locked
   * to one process), so a claim never has to wait for another owner's lease to run out.
   */
  /** parsed plans of the versions queue-mode changes read (appendLocked), by version id */
  private readonly plans = new PlanVersionCache();

  /**
   * `pool`: the PostgreSQL connections under `db` (Database.pool), for queue mode's changes
   * under a run's lock (locked-change.ts), which skip the ORM.
   */
  constructor(private readonly db: Db, private readonly options: { exclusive?: boolean; pool?: pg.Pool } = {}) {}

  async claim(runId: string, owner: RunClaim, options: { from?: string } = {}): Promise<boolean> {
    const now = new Date();
    const free = [{ ownerId: null }, { ownerId: owner.ownerId }, { leaseUntil: { lt: now } }, ...(options.from ? [{ ownerId: options.from }] : [])];
    const { count } = await this.db.run.updateMany({
      where: this.options.exclusive ? { id: runId } : { id: runId, OR: free },
      data: { ownerId: owner.ownerId, leaseUntil: new Date(now.getTime() + owner.leaseMs) },
    });
    return count === 1;
  }

  async renew(runIds: string[], owner: RunClaim): Promise<string[]> {
    if (!runIds.length) return [];
    await this.db.run.updateMany({ where: { id: { in: runIds }, ownerId: owner.ownerId }, data: { leaseUntil: new Date(Date.now() + owner.leaseMs) } });
    const held = await this.db.run.findMany({ where: { id: { in: runIds }, ownerId: owner.ownerId }, select: { id: true } });
    return held.map((r) => r.id);
  }

  async holder(runId: string): Promise<{ ownerId: string; leaseUntil: Date | null } | null> {
    const row = await this.db.run.findUnique({ where: { id: runId }, select: { ownerId: true, leaseUntil: true } });
    return row?.ownerId ? { ownerId: row.ownerId, leaseUntil: row.leaseUntil } : null;
  }

  async release(runId: string, ownerId: string): Promise<void> {
    await this.db.run.updateMany({ where: { id: runId, ownerId }, data: { ownerId: null, leaseUntil: null } });
  }

  async createRun(input: NewRun, owner?: RunClaim): Promise<CreatedRun> {
    const at = new Date();
    const stamp = at.toISOString();
    const events = input.events.map((e, i) => stampEvent(e, i + 1, input.run.id, stamp));
    // The rows are the projection of the first events, as every later change is.
    const { run: r, steps } = newRunRecords(input, events, at);
    await this.db.$transaction([
      this.db.run.create({
        data: {
          id: r.id, planId: r.planId, planVersionId: r.planVersionId, inputs: r.inputs as Prisma.InputJsonValue, options: r.options as Prisma.InputJsonValue, retryOfId: r.retryOfId ?? null, parentRunId: r.parentRunId ?? null, parentStepId: r.parentStepId ?? null, lastSeq: r.lastSeq,
          startedBy: actingLabel(),
          ...runData(r), status: r.status,
          ownerId: owner?.ownerId ?? null, leaseUntil: owner ? new Date(Date.now() + owner.leaseMs) : null,
        },
      }),
      this.db.stepRun.createMany({
        data: steps.map(({ stepId, idempotencyKey, ...s }) => ({ runId: r.id, stepId, idempotencyKey, ...stepData(s), status: s.status, attempts: s.attempts })),
      }),
      this.db.runEvent.createMany({ data: events.map((e) => ({ runId: e.runId, seq: e.seq, type: e.type, stepId: e.stepId ?? null, at, data: (e.data ?? {}) as Prisma.InputJsonValue })) }),
    ]);
    return { events, records: { run: r, steps } };
  }

  async apply(changes: CommittedChange[]): Promise<void> {
    try {
      await this.db.$transaction(async (tx) => { await writeChanges(tx, changes); });
    } catch (err) {
      throw applyError(err, changes);
    }
  }

  /**
   * Queue mode, where several processes write one run: in one transaction, locks the run's row
   * (every other writer of the run waits), reads the run as stored, asks `decide` for the events
   * to append, gives them the seqs after the last stored one and writes them with their row
   * changes. `notify` sends a PostgreSQL notification with the change, delivered at commit.
   * Returns the events as stored (none when `decide` gave none) and what `decide` returned.
   */
  async appendLocked<T>(runId: string, decide: (loaded: LoadedRun, reads: LockedReads) => Promise<{ events: NewEvent[]; result: T }>, notify?: (events: RunEvent[], result: T) => { channel: string; payload: string }[]): Promise<{ events: RunEvent[]; result: T } | null> {
    if (this.options.pool) return appendLockedPg(this.options.pool, this.plans, runId, decide, notify);
    const changes: CommittedChange[] = [];
    try {
      return await this.db.$transaction(async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Run" WHERE "id" = ${runId} FOR UPDATE`;
        if (!locked.length) return null;
        const loaded = await loadRun(tx as unknown as Db, runId, this.plans);
        if (!loaded) return null;
        const reads: LockedReads = {
          async eventsOfType(type) {
            const rows = await tx.runEvent.findMany({ where: { runId, type }, orderBy: { seq: "asc" } });
            return rows.map(toRunEvent) as never;
          },
        };
        const { events: fresh, result } = await decide(loaded, reads);
        const at = new Date().toISOString();
        const events = fresh.map((e, i) => ({ ...repairForStorage(e), seq: loaded.run.lastSeq + i + 1, runId, at }) as RunEvent);
        if (events.length) {
          changes.push({ runId, events });
          await writeChanges(tx, changes);
        }
        for (const n of notify?.(events, result) ?? []) await tx.$executeRaw`SELECT pg_notify(${n.channel}, ${n.payload})`;
        return { events, result };
      }, { maxWait: 20_000, timeout: 60_000 });
    } catch (err) {
      throw applyError(err, changes);
    }
  }

  load(runId: string): Promise<LoadedRun | null> {
    return loadRun(this.db, runId);
  }

  async unfinished(): Promise<string[]> {
    const rows = await this.db.run.findMany({ where: { status: { in: ["queued", "running"] } }, select: { id: true }, orderBy: { createdAt: "asc" } });
    return rows.map((r) => r.id);
  }

  async events(runId: string, afterSeq = 0, limit = 10_000): Promise<RunEvent[]> {
    const rows = await this.db.runEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take: limit });
    return rows.map(toRunEvent);
  }

  async lastEvents<T extends RunEvent["type"]>(runId: string, type: T, limit: number): Promise<Extract<RunEvent, { type: T }>[]> {
    const rows = await this.db.runEvent.findMany({ where: { runId, type }, orderBy: { seq: "desc" }, take: limit });
    return rows.reverse().map((r) => toRunEvent(r) as Extract<RunEvent, { type: T }>);
  }
}

async function loadRun(db: Db, runId: string, plans?: PlanCache): Promise<LoadedRun | null> {
  if (plans) {
    // A plan version never changes once saved: its parsed plan is kept, and only the run is read.
    const row = await db.run.findUnique({ where: { id: runId }, include: { steps: true } });
    if (!row) return null;
    let plan = plans.get(row.planVersionId);
    if (!plan) {
      const version = await db.planVersion.findUnique({ where: { id: row.planVersionId }, select: { body: true } });
      const parsed = Plan.safeParse(version?.body);
      if (!parsed.success) throw new CorruptRowError(`run ${runId}: its plan version no longer parses`);
      plan = parsed.data;
      plans.set(row.planVersionId, plan);
    }
    return { run: toRunRecord(row), steps: row.steps.map(toStepRecord), plan };
  }
  const row = await db.run.findUnique({ where: { id: runId }, include: { steps: true, planVersion: { select: { body: true } } } });
  if (!row) return null;
  const plan = Plan.safeParse(row.planVersion.body);
  if (!plan.success) throw new CorruptRowError(`run ${runId}: its plan version no longer parses`);
  return { run: toRunRecord(row), steps: row.steps.map(toStepRecord), plan: plan.data };
}

const PLAN_CACHE_SIZE = 200;

/** Parsed plans of the versions queue-mode changes read, the oldest dropped past PLAN_CACHE_SIZE. */
class PlanVersionCache implements PlanCache {
  private readonly plans = new Map<string, Plan>();

  get(versionId: string): Plan | undefined {
    return this.plans.get(versionId);
  }

  set(versionId: string, plan: Plan): void {
    if (this.plans.size >= PLAN_CACHE_SIZE) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(versionId, plan);
  }
}

/**
 * One batch's writes inside a transaction: three set-based statements, whatever the batch holds.
 * The seqs are assigned, so nothing needs a read in between. The (runId, seq) key makes a second
 * writer of the same run fail the whole batch.
 */
async function writeChanges(tx: RawWriter, changes: CommittedChange[]): Promise<void> {
  const { events, runs, steps, added, removed } = batchRows(changes);
  if (!events.length && !runs.length && !steps.length) return;
  await insertEvents(tx, events);
  // A re-plan's step rows: added before the patches that set them, removed ones gone from the patches.
  await insertSteps(tx, added);
  await deleteSteps(tx, removed);
  const [runRows, stepRows] = [await updateRuns(tx, runs), await updateSteps(tx, steps)];
  checkRowCounts(runs.length, runRows, steps.length, stepRows);
}

/** A row that is not there is a change that cannot be written (a plan changed under its run). */
export function checkRowCounts(runs: number, runRows: number, steps: number, stepRows: number): void {
  if (runRows !== runs || stepRows !== steps) throw new MissingRowsError(`${runs - runRows} of the ${runs} run rows and ${steps - stepRows} of the ${steps} step rows the batch changes do not exist`);
}

class MissingRowsError extends Error {}

/** Refusals caused by the values written: the same write fails again. */
const DATA_KINDS = new Set<StorageErrorKind>(["invalid_value", "value_too_long", "value_out_of_range"]);

/**
 * What a failed `apply` tells the committer: another writer's events at these seqs (the run
 * moved to another engine), a change that cannot be stored (what it holds, said in words), or
 * the error itself (the database is unreachable, …).
 */
export function applyError(err: unknown, changes: CommittedChange[]): unknown {
  if (err instanceof MissingRowsError) return new UnstorableChangeError(err.message, { cause: err });
  const info = classifyStorageError(err);
  if (info?.kind === "unique_violation") return new SeqConflictError(`another engine stored events of the run at the same seqs: ${info.message}`, { cause: err });
  // Prisma refuses some values before the database sees them (an unpaired surrogate, too deep
  // a nesting): the pure check names them.
  for (const c of changes) {
    for (const e of c.events) {
      const problem = (e.type === "step.succeeded" ? findUnstorable(e.data.output, "output") : null) ?? findUnstorable(e.data, "data", { maxDepth: MAX_EVENT_DEPTH });
      if (problem) return new UnstorableChangeError(problem.message, { cause: err });
    }
  }
  if (info && DATA_KINDS.has(info.kind)) return new UnstorableChangeError(`the database refused the data: ${info.message}${info.sqlState ? ` (SQLSTATE ${info.sqlState})` : ""}`, { cause: err });
  return err;
}

export function toRunEvent(row: { runId: string; seq: number; type: string; stepId: string | null; at: Date; data: unknown }): RunEvent {
  const parsed = RunEvent.safeParse({ runId: row.runId, seq: row.seq, type: row.type, stepId: row.stepId ?? undefined, at: row.at.toISOString(), data: row.data });
  if (!parsed.success) throw new CorruptRowError(`event ${row.runId}#${row.seq} (${row.type}) does not parse: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

type RunRow = { id: string; planId: string; planVersionId: string; status: string; inputs: unknown; options: unknown; outputs: unknown; failure: unknown; usage: unknown; rejected: boolean; partial: boolean; lastSeq: number; retryOfId: string | null; parentRunId?: string | null; parentStepId?: string | null; createdAt: Date; startedAt: Date | null; finishedAt: Date | null };

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    planId: row.planId,
    planVersionId: row.planVersionId,
    status: RunStatus.parse(row.status),
    inputs: z.record(z.string(), z.unknown()).parse(row.inputs ?? {}),
    options: RunOptions.parse(row.options ?? {}),
    outputs: (row.outputs as Record<string, unknown> | null) ?? null,
    failure: row.failure ? Failure.parse(row.failure) : null,
    usage: row.usage ? Usage.parse(row.usage) : null,
    rejected: row.rejected,
    partial: row.partial,
    lastSeq: row.lastSeq,
    retryOfId: row.retryOfId,
    parentRunId: row.parentRunId ?? null,
    parentStepId: row.parentStepId ?? null,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

type StepRow = { stepId: string; status: string; attempts: number; input: unknown; output: unknown; failure: unknown; usage: unknown; idempotencyKey: string; approval: unknown; reusedFromRunId: string | null; startedAt: Date | null; finishedAt: Date | null };

export function toStepRecord(row: StepRow): StepRecord {
  return {
    stepId: row.stepId,
    status: StepStatus.parse(row.status),
    attempts: row.attempts,
    input: row.input ?? undefined,
    output: row.output ?? undefined,
    failure: row.failure ? Failure.parse(row.failure) : null,
    usage: row.usage ? Usage.parse(row.usage) : null,
    idempotencyKey: row.idempotencyKey,
    approval: row.approval ? ApprovalRow.parse(row.approval) : null,
    reusedFromRunId: row.reusedFromRunId,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}
