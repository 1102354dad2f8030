/** What a person chooses when starting a run. One schema: API body, stored column, engine input. */
import { z } from "zod";
import { ReplanOptions } from "./replan";
import { MAX_PLAN_STEPS } from "./validate-plan";

export const RunOptions = z.object({
  /** fail_fast: the first unhandled failure cancels the rest; continue: skip only what depends on it */
  failurePolicy: z.enum(["fail_fast", "continue"]).default("fail_fast"),
  /** steps of this run that may run at once */
  concurrency: z.number().int().min(1).max(256).optional(),
  /** resolve and check every step: pure and read steps run, write steps only preview their effect (nothing is written) */
  dryRun: z.boolean().default(false).describe("A dry run: every step's input is resolved and checked, pure and read steps run, and each write step is skipped with a preview of what it would do (its step.skipped event's data.dryRun.preview; for a file the path, size and a diff). Nothing is written."),
  /** every `write` step waits for approval */
  approveWrites: z.boolean().default(false),
  /** every step that sends data outside Trellis (an action that declares `egress`: network reads, LLM calls, MCP tools) waits for approval */
  approveOutgoing: z
    .boolean()
    .default(false)
    .describe("Every step that sends data outside Trellis waits for a person's approval: web requests (reads too), loads from a URL, LLM calls and MCP tools (actions whose spec says `egress: true`). A plan's own `approval: false` does not lift it. A dry run never waits: it does not send these steps either, and shows what each would have sent."),
  /** a rejected approval skips what depends on the step, or fails the run */
  onReject: z.enum(["skip_dependents", "fail_run"]).default("skip_dependents"),
  /** undo completed `write` steps in reverse order when the run fails */
  rollbackOnFailure: z.boolean().default(false).describe("When the run fails, undo the write steps it completed, newest first (each is reported by a step.undone event)."),
  /** a lower step limit for this run; never above the one limit plans are saved with */
  maxSteps: z.number().int().min(1).max(MAX_PLAN_STEPS).default(MAX_PLAN_STEPS),
  /** re-plan the steps that have not run when a step fails for good (lib/core/replan.ts) */
  replan: ReplanOptions.optional().describe('When a step fails for good (after its retries), the planner proposes a new remainder of the plan: finished steps are kept, steps that have not run may change. { onFailure, maxReplans (at most 5), approve: "auto" | "ask" }.'),
});
export type RunOptions = z.infer<typeof RunOptions>;
export type RunOptionsInput = z.input<typeof RunOptions>;
