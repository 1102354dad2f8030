/**
 * A failed run's rollback (run option `rollbackOnFailure`) on a worker. The change that found the
 * run failed stored what the failure stops (cancels, skips) but not the run's end, and added this
 * job (advance.ts). The job undoes, newest first, the writes that succeeded in the run (the order
 * of the stored `step.succeeded` events) and have no `step.undone` event yet, with the run
 * executor's rule (rollback.ts), storing each undo's event as it ends; then it stores the run's
 * end, as the run executor stores it after its undos.
 *
 * A worker that stops midway loses only the undo it was running: BullMQ gives the stalled job to
 * another worker (or the reconciler adds it again), which reads the stored `step.undone` events
 * and undoes only the rest. An undo whose worker stopped after it ran and before its event was
 * stored runs again there. Each step's `step.undone` is stored once, whatever runs twice.
 */
import { TERMINAL_RUN } from "../../core";
import type { ActionLookup, LlmClient } from "../../core";
import type { LoadedRun, LockedReads } from "../run-store";
import { stepsToUndo, undoStep } from "../rollback";
import type { QueueRuns } from "./queue-runs";

export interface RollbackJobDeps {
  runs: Pick<QueueRuns, "change" | "rollsBack">;
  registry: ActionLookup;
  llm?: LlmClient;
  workspaceFor(runId: string): string;
}

type Claim = { loaded: LoadedRun; completed: string[]; undone: Set<string> } | null;

/** What is left to undo of the run's writes, read under its lock. */
async function undoClaim(loaded: LoadedRun, reads: LockedReads): Promise<NonNullable<Claim>> {
  const completed = (await reads.eventsOfType("step.succeeded")).map((e) => e.stepId!);
  const undone = new Set((await reads.eventsOfType("step.undone")).map((e) => e.stepId!));
  return { loaded, completed, undone };
}

/** Undoes what is left to undo of the run's writes, then ends the run; "skipped" when the run is not rolling back. */
export async function runRollbackJob(d: RollbackJobDeps, runId: string): Promise<"ran" | "skipped"> {
  const claimed = await d.runs.change<Claim>(runId, async (loaded, reads) => {
    // (a run that has ended does not roll back: rollsBack says no)
    if (!(await d.runs.rollsBack(loaded))) return { events: [], settled: true, result: null };
    return { events: [], settled: true, result: await undoClaim(loaded, reads) };
  });
  const claim = claimed?.result;
  if (!claim) return "skipped";
  await undoWrites(d, runId, claim);
  // The run's end, as the change that failed it would have stored it.
  await d.runs.change(runId, async () => ({ events: [], result: undefined }), { rolledBack: true });
  return "ran";
}

/**
 * Undoes, newest first, the run's writes that have no `step.undone` yet (read under its lock,
 * unless `claim` says), storing each undo's event as it ends; the run's end is the caller's (a
 * rollback job's, or a replan job's that found no re-plan, replan-job.ts).
 */
export async function undoWrites(d: Omit<RollbackJobDeps, "runs"> & { runs: Pick<QueueRuns, "change"> }, runId: string, claim?: NonNullable<Claim>): Promise<void> {
  const read = claim ?? (await d.runs.change(runId, async (loaded, reads) => ({ events: [], settled: true, result: await undoClaim(loaded, reads) })))?.result;
  if (!read) return;
  const { loaded } = read;
  const defs = new Map(loaded.plan.steps.map((s) => [s.id, s]));
  const rows = new Map(loaded.steps.map((s) => [s.stepId, s]));
  const todo = stepsToUndo(read.completed, (id) => rows.get(id), (id) => d.registry.get(defs.get(id)?.action ?? "")).filter((u) => !read.undone.has(u.stepId));
  for (const { stepId, action } of todo) {
    const row = rows.get(stepId)!;
    const event = await undoStep(action, row, { runId, stepId, idempotencyKey: row.idempotencyKey, workspaceDir: d.workspaceFor(runId), llm: d.llm });
    await d.runs.change(runId, async (now, reads) => {
      // another worker took the job over meanwhile and stored this step's undo first
      if (TERMINAL_RUN.has(now.run.status) || (await reads.eventsOfType("step.undone")).some((e) => e.stepId === stepId)) return { events: [], settled: true, result: undefined };
      return { events: [event], settled: true, result: undefined };
    });
  }
}
