/**
 * Quarantine: a run whose step crashes or hangs the process is not resumed forever. A resume
 * records in its `run.started` event the steps it found mid-flight (`interrupted`): the process
 * that executed the run stopped while they ran. A step found mid-flight by this resume and by
 * the resumes right before it stopped the process that many times in a row; at
 * QUARANTINE_AFTER_CRASHES the run is failed instead of running the step once more. The count
 * is read from the event log, so it survives the crashes it counts. A stop the process was told
 * to make (planned-stop.ts; `planned` in `run.started`) is no crash: it neither counts nor
 * continues a streak.
 */
import type { Failure, RunEvent } from "../core";

/** How many times in a row a step may be running when its process stops before its run is quarantined. */
export const QUARANTINE_AFTER_CRASHES = 2;

export type RunStartedEvent = Extract<RunEvent, { type: "run.started" }>;

/**
 * For each step a resume finds mid-flight now: how many times in a row the process stopped
 * while it ran, this time included. `earlier` are the run's earlier `run.started` events, oldest
 * first (the last QUARANTINE_AFTER_CRASHES - 1 are enough).
 */
export function crashStreaks(earlier: readonly RunStartedEvent[], interrupted: readonly string[], planned: readonly string[] = []): Map<string, number> {
  const streaks = new Map<string, number>();
  for (const stepId of interrupted) {
    if (planned.includes(stepId)) {
      streaks.set(stepId, 0);
      continue;
    }
    let n = 1;
    for (let i = earlier.length - 1; i >= 0; i--) {
      const d = earlier[i].data;
      if (!d?.resumed || !d.interrupted?.includes(stepId) || d.planned?.includes(stepId)) break;
      n++;
    }
    streaks.set(stepId, n);
  }
  return streaks;
}

/** The steps that put the run in quarantine now (in the order given), if any. */
export function quarantinedSteps(earlier: readonly RunStartedEvent[], interrupted: readonly string[], planned: readonly string[] = []): { steps: string[]; crashes: number } | null {
  const streaks = crashStreaks(earlier, interrupted, planned);
  const steps = interrupted.filter((id) => streaks.get(id)! >= QUARANTINE_AFTER_CRASHES);
  if (!steps.length) return null;
  return { steps, crashes: Math.max(...steps.map((id) => streaks.get(id)!)) };
}

/** The failures of a quarantined run: of each step that put it there, and of the run. */
export function quarantineFailures(q: { steps: string[]; crashes: number }): { step: Failure; run: Failure } {
  const details = { quarantined: true, steps: q.steps, crashes: q.crashes };
  const which = q.steps.length === 1 ? `step "${q.steps[0]}" was` : `steps ${q.steps.map((s) => `"${s}"`).join(", ")} were`;
  return {
    step: { code: "internal", message: `quarantined: the process stopped ${q.crashes} times in a row while this step was running (it crashed or hung), so Trellis does not run it again`, retryable: false, details },
    run: { code: "internal", message: `Quarantined: the process executing this run stopped ${q.crashes} times in a row while ${which} running (it crashed or hung), so Trellis failed the run instead of resuming it again. Fix the step before retrying the run.`, retryable: false, details },
  };
}
