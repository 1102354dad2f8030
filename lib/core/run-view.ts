/**
 * The state of a run as a viewer sees it, and how each event changes it. Pure, so the
 * browser applies live events exactly as tests expect, and a replay rebuilds the same state.
 */
import type { Failure, RunEvent, RunStatus, StepStatus, Usage } from "./events";

export interface StepView {
  status: StepStatus;
  attempts: number;
  input?: unknown;
  output?: unknown;
  failure?: Failure | null;
  usage?: Usage | null;
  /** first start, for the timeline */
  startedAt?: string | null;
  /** start of the current attempt */
  attemptStartedAt?: string | null;
  finishedAt?: string | null;
  progress?: { fraction: number; message?: string };
  logs: { at: string; level: string; message: string }[];
  skipReason?: string;
  /** the step whose failure made this one skip */
  cause?: string;
  reusedFromRunId?: string | null;
  usedFallback?: boolean;
  approval?: { decision: "approved" | "rejected"; by?: string; comment?: string } | null;
  undone?: { ok: boolean; error?: string };
  retryingInMs?: number;
}

export interface RunView {
  id: string;
  status: RunStatus;
  lastSeq: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  outputs?: Record<string, unknown> | null;
  failure?: Failure | null;
  steps: Record<string, StepView>;
}

const MAX_LOGS = 500;

export function emptyStepView(): StepView {
  return { status: "pending", attempts: 0, logs: [] };
}

/** Applies one event; events at or below `lastSeq` are already in the state and ignored. */
export function applyRunEvent(state: RunView, e: RunEvent): RunView {
  if (e.seq <= state.lastSeq || e.runId !== state.id) return state;
  const next: RunView = { ...state, lastSeq: e.seq };
  const step = (id: string | undefined, patch: (s: StepView) => Partial<StepView>) => {
    if (!id) return;
    const cur = state.steps[id] ?? emptyStepView();
    next.steps = { ...next.steps, [id]: { ...cur, ...patch(cur) } };
  };
  switch (e.type) {
    case "run.queued":
      next.status = "queued";
      break;
    case "run.started":
      next.status = "running";
      next.startedAt ??= e.at;
      break;
    case "run.awaiting_approval":
      next.status = "awaiting_approval";
      break;
    case "run.succeeded":
      Object.assign(next, { status: "succeeded", outputs: e.data.outputs, finishedAt: e.at });
      break;
    case "run.failed":
      Object.assign(next, { status: "failed", failure: e.data.failure, finishedAt: e.at });
      break;
    case "run.cancelled":
      Object.assign(next, { status: "cancelled", finishedAt: e.at });
      break;
    case "step.started":
      if (next.status === "awaiting_approval" || next.status === "queued") next.status = "running";
      step(e.stepId, (s) => ({ status: "running", attempts: e.data.attempt, input: e.data.input, startedAt: s.startedAt ?? e.at, attemptStartedAt: e.at, finishedAt: null, retryingInMs: undefined }));
      break;
    case "step.log":
      step(e.stepId, (s) => ({ logs: [...s.logs, { at: e.at, level: e.data.level, message: e.data.message }].slice(-MAX_LOGS) }));
      break;
    case "step.progress":
      step(e.stepId, () => ({ progress: { fraction: e.data.fraction, message: e.data.message } }));
      break;
    case "step.retrying":
      step(e.stepId, () => ({ status: "retrying", failure: e.data.failure, retryingInMs: e.data.delayMs }));
      break;
    case "step.succeeded":
      step(e.stepId, (s) => ({ status: "succeeded", attempts: e.data.attempt, output: e.data.output, usage: e.data.usage ?? null, finishedAt: e.at, failure: null, reusedFromRunId: e.data.reusedFromRunId ?? s.reusedFromRunId, progress: s.progress ? { ...s.progress, fraction: 1 } : undefined }));
      break;
    case "step.failed":
      step(e.stepId, () => ({ status: "failed", failure: e.data.failure, finishedAt: e.at, usedFallback: e.data.usedFallback ?? false }));
      break;
    case "step.skipped":
      step(e.stepId, () => ({ status: "skipped", skipReason: e.data.reason, cause: e.data.cause, finishedAt: e.at, ...(e.data.dryRun ? { input: e.data.dryRun.input } : {}) }));
      break;
    case "step.cancelled":
      step(e.stepId, () => ({ status: "cancelled", finishedAt: e.at }));
      break;
    case "step.awaiting_approval":
      step(e.stepId, () => ({ status: "awaiting_approval", input: e.data.input }));
      break;
    case "step.approved":
      step(e.stepId, () => ({ status: "queued", approval: { decision: "approved", by: e.data.by, comment: e.data.comment } }));
      break;
    case "step.rejected":
      step(e.stepId, () => ({ approval: { decision: "rejected", by: e.data.by, comment: e.data.comment } }));
      break;
    case "step.undone":
      step(e.stepId, () => ({ undone: { ok: e.data.ok, error: e.data.error } }));
      break;
  }
  return next;
}

export function applyRunEvents(state: RunView, events: readonly RunEvent[]): RunView {
  let s = state;
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) s = applyRunEvent(s, e);
  return s;
}

export function runProgress(view: RunView): { done: number; total: number } {
  const all = Object.values(view.steps);
  const done = all.filter((s) => s.status === "succeeded" || s.status === "failed" || s.status === "skipped" || s.status === "cancelled").length;
  return { done, total: all.length };
}

export function isRunActive(status: RunStatus): boolean {
  return status === "queued" || status === "running" || status === "awaiting_approval";
}
