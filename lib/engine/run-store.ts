/**
 * What the engine needs from storage. lib/store implements it on Prisma (PGlite or
 * PostgreSQL). Each `apply` is one transaction: row changes and their events commit together.
 */
import type { Failure, Plan, RunEvent, RunStatus, StepStatus, Usage } from "../core";
import type { RunOptions } from "./run-options";

export interface ApprovalDecision {
  decision: "approved" | "rejected";
  by?: string;
  comment?: string;
  /** an edited input that replaces the resolved one */
  input?: unknown;
  at: string;
}

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
  lastSeq: number;
  retryOfId?: string | null;
  createdAt: Date;
  startedAt?: Date | null;
  finishedAt?: Date | null;
}

export type NewEvent = { [T in RunEvent["type"]]: { type: T; stepId?: string; data: Extract<RunEvent, { type: T }>["data"] } }[RunEvent["type"]];

export type RunPatch = Partial<Pick<RunRecord, "status" | "outputs" | "failure" | "usage" | "startedAt" | "finishedAt">>;
export type StepPatch = Partial<Omit<StepRecord, "stepId" | "idempotencyKey">>;

export interface Change {
  runId: string;
  run?: RunPatch;
  steps?: { stepId: string; patch: StepPatch }[];
  events: NewEvent[];
}

/** A change whose events have their seqs. */
export interface CommittedChange {
  runId: string;
  run?: RunPatch;
  steps?: { stepId: string; patch: StepPatch }[];
  events: RunEvent[];
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

export interface NewRun {
  run: Omit<RunRecord, "lastSeq" | "createdAt">;
  steps: StepRecord[];
  events: NewEvent[];
}

export interface RunStore {
  /** stores a new run, claimed by `owner` */
  createRun(input: NewRun, owner?: RunClaim): Promise<RunEvent[]>;
  /** claims the run for `owner` unless another owner's claim is still live; true when claimed */
  claim(runId: string, owner: RunClaim): Promise<boolean>;
  /** renews the owner's claims; returns the ids it still holds */
  renew(runIds: string[], owner: RunClaim): Promise<string[]>;
  release(runId: string, ownerId: string): Promise<void>;
  /** applies the changes in one transaction; a seq that exists already fails the whole transaction */
  apply(changes: CommittedChange[]): Promise<void>;
  load(runId: string): Promise<LoadedRun | null>;
  /** ids of runs that are queued or running (awaiting approval runs need a person, not a resume) */
  unfinished(): Promise<string[]>;
  events(runId: string, afterSeq?: number, limit?: number): Promise<RunEvent[]>;
}
