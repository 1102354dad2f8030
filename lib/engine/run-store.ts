/**
 * What the engine needs from storage. lib/store implements it on Prisma (PGlite or
 * PostgreSQL). The event log is the truth: run and step rows are its projection by the
 * reducer of lib/core (run-state.ts), and each `apply` commits events with the row changes
 * they imply in one transaction.
 */
import { emptyRunState, foldRunEvents, type ApprovalState, type Failure, type Plan, type RunEvent, type RunState, type RunStatus, type StepFields, type StepStatus, type Usage } from "../core";
import type { RunOptions } from "./run-options";

export type ApprovalDecision = ApprovalState;

export interface StepRecord {
  stepId: string;
  status: StepStatus;
  attempts: number;
  input?: unknown;
  output?: unknown;
  failure?: Failure | null;
  usage?: Usage | null;
  idempotencyKey: string;
  approval?: ApprovalDecision | null;
  reusedFromRunId?: string | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

export interface RunRecord {
  id: string;
  planId: string;
  planVersionId: string;
  status: RunStatus;
  inputs: Record<string, unknown>;
  options: RunOptions;
  outputs?: Record<string, unknown> | null;
  failure?: Failure | null;
  usage?: Usage | null;
  /** see RunFields in lib/core run-state.ts */
  rejected?: boolean;
  partial?: boolean;
  lastSeq: number;
  retryOfId?: string | null;
  /** set on a child run: the run and step (of a plan action) that started it */
  parentRunId?: string | null;
  parentStepId?: string | null;
  createdAt: Date;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

export type NewEvent = { [T in RunEvent["type"]]: { type: T; stepId?: string; data: Extract<RunEvent, { type: T }>["data"] } }[RunEvent["type"]];

/**
 * An event with its place in its run, as it is stored. Its fields are written out: an object
 * spread per event cost a 10,000-event change tens of milliseconds.
 */
export function stampEvent(e: NewEvent, seq: number, runId: string, at: string): RunEvent {
  return (e.stepId === undefined ? { type: e.type, data: e.data, seq, runId, at } : { type: e.type, stepId: e.stepId, data: e.data, seq, runId, at }) as RunEvent;
}

/** Events of one run, in order; the row changes follow from them. */
export interface Change {
  runId: string;
  events: NewEvent[];
}

/** A change whose events have their seqs. */
export interface CommittedChange {
  runId: string;
  events: RunEvent[];
}

/** Reads a change under a run's lock (queue mode) makes on the transaction that holds the lock. */
export interface LockedReads {
  /** the run's stored events of one type, in order */
  eventsOfType<T extends RunEvent["type"]>(type: T): Promise<Extract<RunEvent, { type: T }>[]>;
}

export interface LoadedRun {
  run: RunRecord;
  steps: StepRecord[];
  plan: Plan;
}

/** An engine's claim on the runs it executes: held until `leaseMs` after the last renewal. */
export interface RunClaim {
  ownerId: string;
  leaseMs: number;
}

/** A run to create: what its events do not say, and its first events (`run.queued` first). */
export interface NewRun {
  run: Pick<RunRecord, "id" | "planId" | "planVersionId" | "inputs" | "options"> & { retryOfId?: string | null; parentRunId?: string | null; parentStepId?: string | null };
  steps: { stepId: string; idempotencyKey: string }[];
  events: NewEvent[];
}

export interface CreatedRun {
  events: RunEvent[];
  records: { run: RunRecord; steps: StepRecord[] };
}

export interface RunStore {
  /**
   * stores a new run, claimed by `owner`; its rows are the projection of its events. Answers the
   * events as stored and the records a load would read now (the engine starts from them).
   */
  createRun(input: NewRun, owner?: RunClaim): Promise<CreatedRun>;
  /**
   * claims the run for `owner` unless another owner's claim is still live; true when claimed.
   * `from`: an owner known to be gone, whose claim is taken even while its lease lasts.
   */
  claim(runId: string, owner: RunClaim, options?: { from?: string }): Promise<boolean>;
  /** who holds the run's claim now, if anybody (the lease may have run out) */
  holder(runId: string): Promise<{ ownerId: string; leaseUntil: Date | null } | null>;
  /** renews the owner's claims; returns the ids it still holds */
  renew(runIds: string[], owner: RunClaim): Promise<string[]>;
  release(runId: string, ownerId: string): Promise<void>;
  /** stores the events and the row changes they imply in one transaction; a seq that exists already fails the whole transaction */
  apply(changes: CommittedChange[]): Promise<void>;
  load(runId: string): Promise<LoadedRun | null>;
  /** ids of runs that are queued or running (awaiting approval runs need a person, not a resume) */
  unfinished(): Promise<string[]>;
  events(runId: string, afterSeq?: number, limit?: number): Promise<RunEvent[]>;
  /** the run's last `limit` events of one type, oldest first (a resume reads its earlier resumes) */
  lastEvents<T extends RunEvent["type"]>(runId: string, type: T, limit: number): Promise<Extract<RunEvent, { type: T }>[]>;
}

/**
 * `apply` found an event of the run already stored at one of the seqs: another engine executes
 * the run now (it took over an unrenewed claim). Nothing more of the run may be written here.
 */
export class SeqConflictError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SeqConflictError";
  }
}

/** `apply` refused a change because of what it holds: writing the same change again fails again. */
export class UnstorableChangeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnstorableChangeError";
  }
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const date = (s: string | null | undefined) => (s ? new Date(s) : null);

/** The state the rows of a run hold (the reducer's state, as the engine resumes from it). */
export function runStateOfRecords(run: RunRecord, steps: readonly StepRecord[]): RunState {
  const state: RunState = { id: run.id, lastSeq: run.lastSeq, status: run.status, startedAt: iso(run.startedAt), finishedAt: iso(run.finishedAt), outputs: run.outputs ?? null, failure: run.failure ?? null, usage: run.usage ?? null, rejected: run.rejected ?? false, partial: run.partial ?? false, steps: {} };
  for (const s of steps) state.steps[s.stepId] = stepStateOfRecord(s);
  return state;
}

export function stepStateOfRecord(s: StepRecord): StepFields {
  return { status: s.status, attempts: s.attempts, input: s.input ?? null, output: s.output ?? null, failure: s.failure ?? null, usage: s.usage ?? null, approval: s.approval ?? null, reusedFromRunId: s.reusedFromRunId ?? null, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) };
}

export function stepRecordOf(stepId: string, idempotencyKey: string, s: StepFields): StepRecord {
  return { stepId, idempotencyKey, status: s.status, attempts: s.attempts, input: s.input ?? undefined, output: s.output ?? undefined, failure: s.failure ?? null, usage: s.usage ?? null, approval: s.approval ?? null, reusedFromRunId: s.reusedFromRunId ?? null, startedAt: date(s.startedAt), finishedAt: date(s.finishedAt) };
}

/** The rows of a new run: its first events folded from nothing. What createRun writes and a load then reads. */
export function newRunRecords(input: NewRun, events: readonly RunEvent[], createdAt: Date): { run: RunRecord; steps: StepRecord[]; state: RunState } {
  const state = foldRunEvents(emptyRunState(input.run.id, input.steps.map((s) => s.stepId)), events);
  return {
    run: { ...input.run, retryOfId: input.run.retryOfId ?? null, parentRunId: input.run.parentRunId ?? null, parentStepId: input.run.parentStepId ?? null, status: state.status, outputs: state.outputs ?? null, failure: state.failure ?? null, usage: state.usage ?? null, rejected: state.rejected ?? false, partial: state.partial ?? false, lastSeq: state.lastSeq, createdAt, startedAt: date(state.startedAt), finishedAt: date(state.finishedAt) },
    steps: input.steps.map((s) => stepRecordOf(s.stepId, s.idempotencyKey, state.steps[s.stepId])),
    /** the fold the records come from (a store that keeps state, not rows, keeps this) */
    state,
  };
}
