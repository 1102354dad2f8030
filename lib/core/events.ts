/**
 * Run and planning events: one discriminated union that types the database rows, the
 * SSE stream and the client cache. A run event says everything it changes (run-state.ts
 * folds them): `run.started` names the steps a resume put back to pending, a run's end
 * carries its token usage, and a failed step that went on with its fallback carries it.
 */
import { z } from "zod";
import { DryRunPreview } from "./dry-run";

export const RunStatus = z.enum(["queued", "running", "awaiting_approval", "succeeded", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof RunStatus>;
/** The statuses a run ends in: nothing changes it after one of these. */
export const TERMINAL_RUN: ReadonlySet<string> = new Set<RunStatus>(["succeeded", "failed", "cancelled"]);

export const StepStatus = z.enum(["pending", "queued", "running", "retrying", "awaiting_approval", "succeeded", "failed", "skipped", "cancelled"]);
export type StepStatus = z.infer<typeof StepStatus>;

/**
 * Why a step waits for a person: its plan step asks (`approval: true`), its action always does,
 * the run approves writes and it writes, or the run approves outgoing calls and it sends data
 * outside Trellis.
 */
export const ApprovalReason = z.enum(["step", "action", "writes", "outgoing"]);
export type ApprovalReason = z.infer<typeof ApprovalReason>;

/** A step or run failure as data: stored, streamed and switched on. */
export const Failure = z.object({
  /** `condition_error`: a step's condition could not be evaluated; `result_invalid`: the run's outputs do not fit the plan's result schema */
  code: z.enum(["validation", "input_invalid", "output_invalid", "timeout", "cancelled", "action_error", "rejected", "upstream_failed", "internal", "condition_error", "result_invalid"]),
  message: z.string(),
  retryable: z.boolean(),
  actionCode: z.string().optional(),
  details: z.unknown().optional(),
  /** the wait the action asked for before another attempt (an HTTP Retry-After), in ms */
  retryAfterMs: z.number().int().min(0).optional(),
});
export type Failure = z.infer<typeof Failure>;

export const Usage = z.object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0) });
export type Usage = z.infer<typeof Usage>;

/**
 * Why a step's condition skipped it: the condition as text and the values it read. A skip
 * that says `condition` (the step's own condition was false) or `byCondition` (a step it
 * needs was skipped by its condition) is the plan working as designed, not a partial run.
 */
export const SkipCondition = z.object({
  when: z.string(),
  values: z.array(z.object({ ref: z.string(), name: z.string(), value: z.unknown().optional(), missing: z.string().optional() })),
});
export type SkipCondition = z.infer<typeof SkipCondition>;

/** What a re-plan changes, by step id (the event's summary; the page shows the whole diff of the versions). */
export const ReplanSummary = z.object({
  added: z.array(z.string()),
  removed: z.array(z.string()),
  changed: z.array(z.string()),
});
export type ReplanSummary = z.infer<typeof ReplanSummary>;

/** A re-plan's proposal (lib/core/replan.ts): the new version, what it changes and why. */
const ReplanProposal = z.object({
  planVersionId: z.string(),
  fromVersionId: z.string(),
  /** the run's re-plans so far, this one included */
  replan: z.number().int().min(1),
  reason: z.string(),
  failedStepId: z.string().optional(),
  /** the action the failed step ran */
  failedAction: z.string().optional(),
  failure: Failure.optional(),
  source: z.enum(["llm", "offline"]),
  summary: ReplanSummary,
  /** steps of the new version that start from nothing: every one that did not finish */
  restart: z.array(z.string()),
});

const base = {
  seq: z.number().int().min(1),
  runId: z.string(),
  at: z.string(),
  stepId: z.string().optional(),
};

export const RunEvent = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("run.queued"), data: z.object({ planVersionId: z.string(), inputs: z.record(z.string(), z.unknown()) }) }),
  z.object({ ...base, type: z.literal("run.started"), data: z.object({ resumed: z.boolean().optional(), interrupted: z.array(z.string()).optional(), planned: z.array(z.string()).optional() }).optional() }),
  z.object({ ...base, type: z.literal("run.awaiting_approval"), data: z.object({ steps: z.array(z.string()) }) }),
  z.object({ ...base, type: z.literal("run.succeeded"), data: z.object({ outputs: z.record(z.string(), z.unknown()), usage: Usage.optional() }) }),
  z.object({ ...base, type: z.literal("run.failed"), data: z.object({ failure: Failure, usage: Usage.optional() }) }),
  /** the run goes on with a new plan version: its `restart` steps start again from nothing; `summary.removed` steps leave the run */
  z.object({ ...base, type: z.literal("run.replanned"), data: ReplanProposal.extend({ by: z.string().optional() }) }),
  /** a re-plan waits for a person (run option replan.approve "ask") */
  z.object({ ...base, type: z.literal("run.replan_proposed"), data: ReplanProposal }),
  z.object({ ...base, type: z.literal("run.replan_rejected"), data: z.object({ planVersionId: z.string(), by: z.string().optional(), comment: z.string().optional() }) }),
  z.object({ ...base, type: z.literal("run.cancelled"), data: z.object({ reason: z.string().optional(), usage: Usage.optional() }) }),
  z.object({ ...base, type: z.literal("step.started"), data: z.object({ attempt: z.number().int(), input: z.unknown(), /** a for-each step: how many items it has */ items: z.number().int().min(0).optional() }) }),
  z.object({ ...base, type: z.literal("step.log"), data: z.object({ level: z.enum(["debug", "info", "warn", "error"]), message: z.string(), data: z.unknown().optional(), /** the for-each item that logged it */ item: z.number().int().min(0).optional() }) }),
  z.object({ ...base, type: z.literal("step.progress"), data: z.object({ fraction: z.number(), message: z.string().optional() }) }),
  z.object({ ...base, type: z.literal("step.retrying"), data: z.object({ attempt: z.number().int(), delayMs: z.number(), failure: Failure }) }),
  z.object({ ...base, type: z.literal("step.succeeded"), data: z.object({ attempt: z.number().int(), output: z.unknown(), usage: Usage.optional(), reusedFromRunId: z.string().optional(), ms: z.number().optional() }) }),
  z.object({ ...base, type: z.literal("step.failed"), data: z.object({ attempt: z.number().int(), failure: Failure, usedFallback: z.boolean().optional(), output: z.unknown().optional() }) }),
  z.object({ ...base, type: z.literal("step.skipped"), data: z.object({ reason: z.string(), cause: z.string().optional(), condition: SkipCondition.optional(), byCondition: z.boolean().optional(), dryRun: z.object({ input: z.unknown().optional(), effect: z.string(), wouldRun: z.boolean(), preview: DryRunPreview.optional(), output: z.unknown().optional() }).optional() }) }),
  z.object({ ...base, type: z.literal("step.cancelled"), data: z.object({ reason: z.string().optional() }) }),
  z.object({ ...base, type: z.literal("step.undone"), data: z.object({ ok: z.boolean(), error: z.string().optional() }) }),
  z.object({ ...base, type: z.literal("step.awaiting_approval"), data: z.object({ input: z.unknown(), reasons: z.array(ApprovalReason).optional() }) }),
  z.object({ ...base, type: z.literal("step.approved"), data: z.object({ by: z.string().optional(), comment: z.string().optional(), input: z.unknown().optional() }) }),
  z.object({ ...base, type: z.literal("step.rejected"), data: z.object({ by: z.string().optional(), comment: z.string().optional() }) }),
  // one item of a for-each step (for-each.ts): its output is kept so that a resume never runs it again
  z.object({ ...base, type: z.literal("step.item.started"), data: z.object({ index: z.number().int().min(0), attempt: z.number().int() }) }),
  z.object({ ...base, type: z.literal("step.item.succeeded"), data: z.object({ index: z.number().int().min(0), attempt: z.number().int(), output: z.unknown(), usage: Usage.optional(), ms: z.number().optional(), /** the hash of the item's input, which a retry compares */ inputHash: z.string().optional(), reusedFromRunId: z.string().optional() }) }),
  z.object({ ...base, type: z.literal("step.item.failed"), data: z.object({ index: z.number().int().min(0), attempt: z.number().int(), failure: Failure, /** another attempt follows after `delayMs` */ retrying: z.boolean().optional(), delayMs: z.number().optional() }) }),
  z.object({ ...base, type: z.literal("step.item.skipped"), data: z.object({ index: z.number().int().min(0), reason: z.string() }) }),
]);
export type RunEvent = z.infer<typeof RunEvent>;
export type RunEventType = RunEvent["type"];

export const PlanningSource = z.enum(["llm", "offline"]);
export type PlanningSource = z.infer<typeof PlanningSource>;

/**
 * Planning progress, streamed to the browser while a goal is planned and stored with the plan
 * version. `attempt` counts LLM rounds from 1 (the offline planner has one attempt).
 */
export const PlanningEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("planning.started"), at: z.string(), data: z.object({ goal: z.string(), source: PlanningSource, model: z.string().optional(), actions: z.number().int().optional(), flows: z.array(z.string()).optional() }) }),
  z.object({ type: z.literal("planning.llm_request"), at: z.string(), data: z.object({ attempt: z.number().int(), mode: z.string(), actions: z.number().int().optional(), promptChars: z.number().int().optional(), repair: z.boolean().optional() }) }),
  z.object({ type: z.literal("planning.llm_retry"), at: z.string(), data: z.object({ attempt: z.number().int(), retry: z.number().int(), delayMs: z.number(), reason: z.string() }) }),
  z.object({ type: z.literal("planning.llm_progress"), at: z.string(), data: z.object({ attempt: z.number().int(), chars: z.number().int() }) }),
  z.object({ type: z.literal("planning.llm_response"), at: z.string(), data: z.object({ attempt: z.number().int(), ms: z.number(), usage: Usage.optional(), ok: z.boolean(), mode: z.string().optional(), error: z.string().optional() }) }),
  z.object({ type: z.literal("planning.validation"), at: z.string(), data: z.object({ attempt: z.number().int(), errors: z.number().int(), warnings: z.number().int(), codes: z.record(z.string(), z.number()).optional(), stage: z.enum(["answer", "repaired"]).optional() }) }),
  z.object({ type: z.literal("planning.repair"), at: z.string(), data: z.object({ attempt: z.number().int(), repairs: z.array(z.string()) }) }),
  z.object({ type: z.literal("planning.fallback"), at: z.string(), data: z.object({ from: PlanningSource, to: PlanningSource, reason: z.string() }) }),
  z.object({ type: z.literal("planning.succeeded"), at: z.string(), data: z.object({ attempts: z.number().int(), ms: z.number(), usage: Usage.optional(), steps: z.number().int().optional(), missingInputs: z.array(z.string()).optional() }) }),
  z.object({ type: z.literal("planning.failed"), at: z.string(), data: z.object({ attempts: z.number().int(), ms: z.number(), reason: z.string(), usage: Usage.optional(), /** no action does any part of the goal: there is no plan at all */ unplanned: z.boolean().optional() }) }),
]);
export type PlanningEvent = z.infer<typeof PlanningEvent>;
