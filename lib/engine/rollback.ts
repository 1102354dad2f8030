/**
 * Rollback of a failed run (run option `rollbackOnFailure`), the one rule the run executor and
 * queue workers (queue/rollback-job.ts) share: which steps are undone, in which order, and what
 * one undo stores.
 */
import type { Action, LlmClient } from "../core";
import type { NewEvent } from "./run-store";

/** What rollback reads of a step (a step row or a folded step). */
export interface UndoableStep {
  status: string;
  attempts: number;
  input?: unknown;
  output?: unknown;
  reusedFromRunId?: string | null;
}

/**
 * The steps to undo, newest first: of `completed` (the run's step successes in the order they
 * happened), those that succeeded in this run (a step reused from an earlier run is not this
 * run's to undo) and whose action is a `write` with an `undo`.
 */
export function stepsToUndo(completed: readonly string[], step: (id: string) => UndoableStep | undefined, actionOf: (id: string) => Action | undefined): { stepId: string; action: Action }[] {
  const out: { stepId: string; action: Action }[] = [];
  for (const stepId of [...completed].reverse()) {
    const s = step(stepId);
    if (s?.status !== "succeeded" || s.reusedFromRunId) continue;
    const action = actionOf(stepId);
    if (action?.effect === "write" && action.undo) out.push({ stepId, action });
  }
  return out;
}

/** Runs one step's undo; the `step.undone` event to store says whether it worked. */
export async function undoStep(action: Action, s: UndoableStep, ctx: { runId: string; stepId: string; idempotencyKey: string; workspaceDir: string; llm?: LlmClient }): Promise<NewEvent> {
  try {
    await action.undo!(s.input as never, s.output as never, { ...ctx, signal: new AbortController().signal, log: () => undefined, progress: () => undefined, attempt: s.attempts });
    return { type: "step.undone", stepId: ctx.stepId, data: { ok: true } };
  } catch (err) {
    return { type: "step.undone", stepId: ctx.stepId, data: { ok: false, error: (err as Error).message } };
  }
}
