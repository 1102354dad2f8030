/** The engine's RunStore on Prisma: one transaction per batch of changes, gap-free seqs per run. */
import { z } from "zod";
import { Failure, Plan, RunEvent, RunStatus, StepStatus, Usage } from "../core";
import type { Change, LoadedRun, NewRun, RunRecord, RunStore, StepPatch, StepRecord } from "../engine/run-store";
import { RunOptions } from "../engine/run-options";
import type { Db } from "./database";
import { Prisma } from "./generated/client.ts";
import { CorruptRowError } from "./plans";

const ApprovalRow = z.object({ decision: z.enum(["approved", "rejected"]), by: z.string().optional(), comment: z.string().optional(), input: z.unknown().optional(), at: z.string() });

/** Json columns: undefined leaves a value, null clears it. */
function json(v: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull | undefined {
  if (v === undefined) return undefined;
  if (v === null) return Prisma.DbNull;
  return v as Prisma.InputJsonValue;
}

function stepData(p: StepPatch) {
  return {
    status: p.status,
    attempts: p.attempts,
    input: json(p.input),
    output: json(p.output),
    failure: json(p.failure),
    usage: json(p.usage),
    approval: json(p.approval),
    reusedFromRunId: p.reusedFromRunId,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
  };
}

export class PrismaRunStore implements RunStore {
  constructor(private readonly db: Db) {}

  async createRun(input: NewRun): Promise<RunEvent[]> {
    const at = new Date();
    const events = input.events.map((e, i): RunEvent => ({ ...e, seq: i + 1, runId: input.run.id, at: at.toISOString() }) as RunEvent);
    const r = input.run;
    await this.db.$transaction([
      this.db.run.create({
        data: { id: r.id, planId: r.planId, planVersionId: r.planVersionId, status: r.status, inputs: r.inputs as Prisma.InputJsonValue, options: r.options as Prisma.InputJsonValue, retryOfId: r.retryOfId ?? null, lastSeq: events.length },
      }),
      this.db.stepRun.createMany({
        data: input.steps.map((s) => ({ runId: r.id, stepId: s.stepId, idempotencyKey: s.idempotencyKey, ...stepData(s), status: s.status, attempts: s.attempts })),
      }),
      this.db.runEvent.createMany({ data: events.map((e) => ({ runId: e.runId, seq: e.seq, type: e.type, stepId: e.stepId ?? null, at, data: (e.data ?? {}) as Prisma.InputJsonValue })) }),
    ]);
    return events;
  }

  async apply(changes: Change[]): Promise<RunEvent[][]> {
    // Changes of the same run in one batch share one counter update.
    const byRun = new Map<string, Change[]>();
    for (const c of changes) {
      const list = byRun.get(c.runId) ?? [];
      list.push(c);
      byRun.set(c.runId, list);
    }
    const result = new Map<Change, RunEvent[]>();
    const at = new Date();
    await this.db.$transaction(async (tx) => {
      for (const [runId, list] of byRun) {
        const total = list.reduce((n, c) => n + c.events.length, 0);
        const runPatch = Object.assign({}, ...list.map((c) => c.run ?? {})) as Change["run"] & object;
        const updated = await tx.run.update({
          where: { id: runId },
          data: {
            lastSeq: { increment: total },
            status: runPatch.status,
            outputs: json(runPatch.outputs),
            failure: json(runPatch.failure),
            usage: json(runPatch.usage),
            startedAt: runPatch.startedAt,
            finishedAt: runPatch.finishedAt,
          },
          select: { lastSeq: true },
        });
        let seq = updated.lastSeq - total;
        const rows: Prisma.RunEventCreateManyInput[] = [];
        for (const c of list) {
          const committed = c.events.map((e): RunEvent => ({ ...e, seq: ++seq, runId, at: at.toISOString() }) as RunEvent);
          result.set(c, committed);
          for (const e of committed) rows.push({ runId, seq: e.seq, type: e.type, stepId: e.stepId ?? null, at, data: (e.data ?? {}) as Prisma.InputJsonValue });
        }
        if (rows.length) await tx.runEvent.createMany({ data: rows });
        // Later patches of the same step win, field by field.
        const stepPatches = new Map<string, StepPatch>();
        for (const c of list) for (const s of c.steps ?? []) stepPatches.set(s.stepId, { ...stepPatches.get(s.stepId), ...s.patch });
        for (const [stepId, patch] of stepPatches) {
          await tx.stepRun.update({ where: { runId_stepId: { runId, stepId } }, data: stepData(patch) });
        }
      }
    });
    return changes.map((c) => result.get(c) ?? []);
  }

  async load(runId: string): Promise<LoadedRun | null> {
    const row = await this.db.run.findUnique({ where: { id: runId }, include: { steps: true, planVersion: { select: { body: true } } } });
    if (!row) return null;
    const plan = Plan.safeParse(row.planVersion.body);
    if (!plan.success) throw new CorruptRowError(`run ${runId}: its plan version no longer parses`);
    return { run: toRunRecord(row), steps: row.steps.map(toStepRecord), plan: plan.data };
  }

  async unfinished(): Promise<string[]> {
    const rows = await this.db.run.findMany({ where: { status: { in: ["queued", "running"] } }, select: { id: true }, orderBy: { createdAt: "asc" } });
    return rows.map((r) => r.id);
  }

  async events(runId: string, afterSeq = 0, limit = 10_000): Promise<RunEvent[]> {
    const rows = await this.db.runEvent.findMany({ where: { runId, seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take: limit });
    return rows.map(toRunEvent);
  }
}

export function toRunEvent(row: { runId: string; seq: number; type: string; stepId: string | null; at: Date; data: unknown }): RunEvent {
  const parsed = RunEvent.safeParse({ runId: row.runId, seq: row.seq, type: row.type, stepId: row.stepId ?? undefined, at: row.at.toISOString(), data: row.data });
  if (!parsed.success) throw new CorruptRowError(`event ${row.runId}#${row.seq} (${row.type}) does not parse: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

type RunRow = { id: string; planId: string; planVersionId: string; status: string; inputs: unknown; options: unknown; outputs: unknown; failure: unknown; usage: unknown; lastSeq: number; retryOfId: string | null; createdAt: Date; startedAt: Date | null; finishedAt: Date | null };

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
    lastSeq: row.lastSeq,
    retryOfId: row.retryOfId,
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
