/** What a person chooses when starting a run. One schema: API body, stored column, engine input. */
import { z } from "zod";
import { MAX_PLAN_STEPS } from "./validate-plan";

export const RunOptions = z.object({
  /** fail_fast: the first unhandled failure cancels the rest; continue: skip only what depends on it */
  failurePolicy: z.enum(["fail_fast", "continue"]).default("fail_fast"),
  /** steps of this run that may run at once */
  concurrency: z.number().int().min(1).max(256).optional(),
  /** resolve and check every step; run only `pure` actions */
  dryRun: z.boolean().default(false),
  /** every `write` step waits for approval */
  approveWrites: z.boolean().default(false),
  /** a rejected approval skips what depends on the step, or fails the run */
  onReject: z.enum(["skip_dependents", "fail_run"]).default("skip_dependents"),
  /** undo completed `write` steps in reverse order when the run fails */
  rollbackOnFailure: z.boolean().default(false),
  /** a lower step limit for this run; never above the one limit plans are saved with */
  maxSteps: z.number().int().min(1).max(MAX_PLAN_STEPS).default(MAX_PLAN_STEPS),
});
export type RunOptions = z.infer<typeof RunOptions>;
export type RunOptionsInput = z.input<typeof RunOptions>;
