/**
 * Re-planning during a run: when a step fails for good, a planner proposes a new remainder of
 * the plan. What finished stays as it was; only steps that have not run may change. This file
 * holds the option, the checks a proposal must pass and the summary of what it changes; the
 * engine (lib/engine/replan.ts) and the planners (lib/planner/replan) do the rest.
 */
import { z } from "zod";
import type { CatalogView } from "./catalog";
import { canonicalJson } from "./hash";
import type { ValidationIssue } from "./issues";
import type { Plan } from "./plan";
import type { Failure, ReplanSummary, StepStatus } from "./events";
import { validatePlan } from "./validate-plan";

/** the most re-plans one run may have, whatever its options say */
export const MAX_REPLANS = 5;

/** What the planner is given (lib/planner/replan builds its prompt or its offline proposal from it). */
export interface ReplanRequest {
  plan: Plan;
  inputs: Record<string, unknown>;
  failedStepId: string;
  failure: Failure;
  /** actions that already failed at a step in an earlier re-plan of this run: not proposed for it again */
  failedBefore: readonly { stepId: string; action: string }[];
  /** the steps that must stay as they are */
  finished: ReadonlySet<string>;
  /** the finished steps' outputs, as stored (redacted; large parts are artifact references) */
  outputs: Readonly<Record<string, unknown>>;
  maxSteps: number;
}

export interface ReplanProposal {
  /** the whole new plan; none when the planner found nothing */
  plan?: Plan;
  source: "llm" | "offline";
  /** why this change, or why there is none, in a sentence */
  reason: string;
}

export const ReplanOptions = z.object({
  /** re-plan when a step fails for good (after its retries) instead of failing the run */
  onFailure: z.boolean().default(true),
  /** how many re-plans the run may have (at most MAX_REPLANS) */
  maxReplans: z.number().int().min(1).max(MAX_REPLANS).default(1),
  /** auto: the run goes on with a valid proposal; ask: the run waits for a person to accept or reject it */
  approve: z.enum(["auto", "ask"]).default("auto"),
});
export type ReplanOptions = z.infer<typeof ReplanOptions>;

/**
 * The steps a re-plan must keep as they are: those that succeeded, those a condition skipped
 * (the plan taking a branch, not a failure), and those that failed and went on with their
 * fallback output. A step skipped or cancelled because of the failure has not run: it may change.
 */
export function finishedStepIds(steps: Readonly<Record<string, { status: StepStatus; output?: unknown }>>, conditionSkipped: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const [id, s] of Object.entries(steps)) {
    if (s.status === "succeeded" || (s.status === "skipped" && conditionSkipped.has(id)) || (s.status === "failed" && s.output !== undefined && s.output !== null)) out.add(id);
  }
  return out;
}

/**
 * Checks a proposed plan against the plan a run runs: every plan check, plus the re-plan's own
 * (finished steps unchanged, same goal and plan inputs, a real change).
 */
export function validateReplan(before: Plan, after: Plan, finished: ReadonlySet<string>, catalog: CatalogView, options: { maxSteps?: number } = {}): { valid: boolean; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [...validatePlan(after, catalog, options).issues];
  const next = new Map(after.steps.map((s) => [s.id, s]));
  for (const s of before.steps) {
    if (!finished.has(s.id)) continue;
    const kept = next.get(s.id);
    if (!kept) issues.push({ code: "replan_changed_finished_step", severity: "error", stepId: s.id, message: `Step "${s.id}" already ran; a re-plan must keep it, and it removed it.` });
    else if (canonicalJson(kept) !== canonicalJson(s)) issues.push({ code: "replan_changed_finished_step", severity: "error", stepId: s.id, message: `Step "${s.id}" already ran; a re-plan must keep it unchanged (same action and inputs), and it changed it.` });
  }
  if (canonicalJson(after.inputs) !== canonicalJson(before.inputs)) issues.push({ code: "replan_changed_inputs", severity: "error", message: "A re-plan keeps the plan's inputs: the run already has their values." });
  if (canonicalJson({ ...after, goal: before.goal }) === canonicalJson(before)) issues.push({ code: "replan_unchanged", severity: "error", message: "The proposal is the plan that failed: nothing would change." });
  return { valid: !issues.some((i) => i.severity === "error"), issues };
}

/** The steps a re-plan adds, removes and changes (by id). */
export function summarizeReplan(before: Plan, after: Plan): ReplanSummary {
  const old = new Map(before.steps.map((s) => [s.id, canonicalJson(s)]));
  const ids = new Set(after.steps.map((s) => s.id));
  return {
    added: after.steps.filter((s) => !old.has(s.id)).map((s) => s.id),
    removed: before.steps.filter((s) => !ids.has(s.id)).map((s) => s.id),
    changed: after.steps.filter((s) => old.has(s.id) && old.get(s.id) !== canonicalJson(s)).map((s) => s.id),
  };
}

/** Step ids of the new plan that start again from nothing: every one that did not finish. */
export function stepsToRestart(after: Plan, finished: ReadonlySet<string>): string[] {
  return after.steps.filter((s) => !finished.has(s.id)).map((s) => s.id);
}
