/**
 * A RunStore in memory, for measuring the engine's own cost (bench:engine's engine.scale and
 * engine.retry rows) and for tests that need no database. It keeps the store's contract:
 * `apply` is all or nothing and refuses seqs that exist (SeqConflictError), rows are the fold
 * of the events (lib/core run-state.ts), claims hold until their lease runs out, and what it
 * hands out is a copy, as rows read from a database are (plans excepted: a plan version is
 * immutable, and MemoryPlanVersions keeps its own copy). What it is given it keeps as it is:
 * an event is never changed once the committer has queued it.
 */
import { foldRunEvent, type Plan, type RunEvent, type RunState } from "../../lib/core";
import { newRunRecords, SeqConflictError, stampEvent, stepRecordOf, type CommittedChange, type CreatedRun, type LoadedRun, type NewRun, type RunClaim, type RunRecord, type RunStore, type StepRecord } from "../../lib/engine/run-store";
import type { PlanVersionSource } from "../../lib/engine/engine";

interface StoredRun {
  /** what the events do not say (inputs, options, ids) */
  record: RunRecord;
  keys: Map<string, string>;
  state: RunState;
  events: RunEvent[];
  ownerId: string | null;
  leaseUntil: number | null;
}

const OPEN = new Set(["queued", "running"]);

/**
 * Events and step fields are JSON (the committer made them storable), so a copy of their plain
 * objects and arrays is a full one: what a JSON round trip gives (undefined fields left out),
 * without writing the text.
 */
function copy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  const out: Record<string, unknown> = {};
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = copy(v);
  }
  return out as T;
}

export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, StoredRun>();

  /** `planOf`: the plan of a plan version (what a database joins in on load) */
  constructor(private readonly planOf: (planVersionId: string) => Plan | undefined) {}

  async createRun(input: NewRun, owner?: RunClaim): Promise<CreatedRun> {
    if (this.runs.has(input.run.id)) throw new Error(`run ${input.run.id} exists already`);
    if (!this.planOf(input.run.planVersionId)) throw new Error(`plan version ${input.run.planVersionId} does not exist`);
    const at = new Date();
    const stamp = at.toISOString();
    const events = input.events.map((e, i) => stampEvent(e, i + 1, input.run.id, stamp));
    const stored = [...events];
    const { run, steps, state } = newRunRecords({ ...input, run: copy(input.run) }, stored, at);
    this.runs.set(run.id, {
      record: run,
      keys: new Map(steps.map((s) => [s.stepId, s.idempotencyKey])),
      state,
      events: stored,
      ownerId: owner?.ownerId ?? null,
      leaseUntil: owner ? Date.now() + owner.leaseMs : null,
    });
    // The store keeps its own run record; the steps' records it does not keep.
    return { events, records: { run: { ...run }, steps } };
  }

  async claim(runId: string, owner: RunClaim, options: { from?: string } = {}): Promise<boolean> {
    const r = this.runs.get(runId);
    if (!r) return false;
    const free = r.ownerId === null || r.ownerId === owner.ownerId || (r.leaseUntil !== null && r.leaseUntil < Date.now()) || (options.from !== undefined && r.ownerId === options.from);
    if (!free) return false;
    r.ownerId = owner.ownerId;
    r.leaseUntil = Date.now() + owner.leaseMs;
    return true;
  }

  async holder(runId: string): Promise<{ ownerId: string; leaseUntil: Date | null } | null> {
    const r = this.runs.get(runId);
    return r?.ownerId ? { ownerId: r.ownerId, leaseUntil: r.leaseUntil === null ? null : new Date(r.leaseUntil) } : null;
  }

  async renew(runIds: string[], owner: RunClaim): Promise<string[]> {
    const held: string[] = [];
    for (const id of runIds) {
      const r = this.runs.get(id);
      if (r?.ownerId !== owner.ownerId) continue;
      r.leaseUntil = Date.now() + owner.leaseMs;
      held.push(id);
    }
    return held;
  }

  async release(runId: string, ownerId: string): Promise<void> {
    const r = this.runs.get(runId);
    if (r?.ownerId === ownerId) { r.ownerId = null; r.leaseUntil = null; }
  }

  async apply(changes: CommittedChange[]): Promise<void> {
    // All or nothing: check every change before writing any.
    const next = new Map<string, number>();
    for (const c of changes) {
      const r = this.runs.get(c.runId);
      if (!r) throw new Error(`run ${c.runId} does not exist`);
      let last = next.get(c.runId) ?? r.state.lastSeq;
      for (const e of c.events) {
        if (e.seq <= last) throw new SeqConflictError(`run ${c.runId} has an event at seq ${e.seq} already`);
        last = e.seq;
      }
      next.set(c.runId, last);
    }
    for (const c of changes) {
      const r = this.runs.get(c.runId)!;
      for (const e of c.events) {
        r.events.push(e);
        foldRunEvent(r.state, e);
      }
    }
  }

  async load(runId: string): Promise<LoadedRun | null> {
    const r = this.runs.get(runId);
    if (!r) return null;
    const s = r.state;
    // a re-plan moves the run to another version (run.replanned)
    const planVersionId = s.planVersionId ?? r.record.planVersionId;
    const plan = this.planOf(planVersionId)!;
    const run: RunRecord = {
      ...r.record,
      planVersionId,
      status: s.status,
      outputs: s.outputs ?? null,
      failure: s.failure ?? null,
      usage: s.usage ?? null,
      rejected: s.rejected ?? false,
      partial: s.partial ?? false,
      lastSeq: s.lastSeq,
      startedAt: s.startedAt ? new Date(s.startedAt) : null,
      finishedAt: s.finishedAt ? new Date(s.finishedAt) : null,
    };
    const steps: StepRecord[] = [];
    for (const stepId in s.steps) steps.push(stepRecordOf(stepId, r.keys.get(stepId) ?? `${runId}:${stepId}`, copy(s.steps[stepId])));
    return { run: structuredClone(run), steps, plan };
  }

  async unfinished(): Promise<string[]> {
    return [...this.runs.values()].filter((r) => OPEN.has(r.state.status)).sort((a, b) => a.record.createdAt.getTime() - b.record.createdAt.getTime()).map((r) => r.record.id);
  }

  async events(runId: string, afterSeq = 0, limit = 10_000): Promise<RunEvent[]> {
    const all = this.runs.get(runId)?.events ?? [];
    return all.filter((e) => e.seq > afterSeq).slice(0, limit).map(copy);
  }

  async lastEvents<T extends RunEvent["type"]>(runId: string, type: T, limit: number): Promise<Extract<RunEvent, { type: T }>[]> {
    const all = (this.runs.get(runId)?.events ?? []).filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
    return all.slice(-limit).map(copy);
  }
}

/** Plan versions in memory, for an engine on a MemoryRunStore. */
export class MemoryPlanVersions implements PlanVersionSource {
  private readonly versions = new Map<string, { id: string; planId: string; plan: Plan }>();
  private next = 0;

  add(plan: Plan, planId = `plan-${this.next + 1}`): string {
    const id = `version-${++this.next}`;
    this.versions.set(id, { id, planId, plan: structuredClone(plan) });
    return id;
  }

  /** a newer version of the plan of `versionId` */
  addVersion(versionId: string, plan: Plan): string {
    const planId = this.versions.get(versionId)?.planId;
    if (!planId) throw new Error(`plan version ${versionId} does not exist`);
    return this.add(plan, planId);
  }

  async getVersion(versionId: string) {
    return this.versions.get(versionId) ?? null;
  }

  planOf = (versionId: string): Plan | undefined => this.versions.get(versionId)?.plan;
}
