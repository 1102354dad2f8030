/**
 * Re-planning a run whose step failed for good: asks the planner for a new remainder, checks it
 * (lib/core/replan.ts), saves it as a new plan version and says what the run does next, as the
 * event the executor (or the engine, for a person's request) writes: `run.replanned` (the run
 * goes on with the new version), `run.replan_proposed` (a person decides), or a failure that
 * ends the run with the reasons. The version is saved before the event, and the event is stored
 * before any step of the new remainder starts: a crash in between resumes the plan that failed.
 */
import { MAX_REPLANS, finishedStepIds, type ReplanProposal, type ReplanRequest, stepsToRestart, summarizeReplan, validateReplan, type CatalogView, type Failure, type Plan, type RunState, type ValidationIssue } from "../core";
import type { NewEvent, RunRecord, RunStore } from "./run-store";

/** What the engine needs to re-plan: a planner and a place for the new version. */
export interface ReplanService {
  propose(request: ReplanRequest): Promise<ReplanProposal>;
  saveVersion(planId: string, plan: Plan, note: string, source: ReplanProposal["source"], issues: ValidationIssue[]): Promise<{ id: string }>;
}

/**
 * `events`: what to write; `continues`: the run goes on with the new version at once (else it waits
 * for a person: the proposal is followed by `run.awaiting_approval`, as a step's approval is).
 */
export type ReplanOutcome = { kind: "events"; events: NewEvent[]; continues: boolean } | { kind: "failed"; failure: Failure };

export interface ReplanInput {
  run: Pick<RunRecord, "id" | "planId" | "planVersionId" | "inputs" | "options">;
  plan: Plan;
  state: RunState;
  conditionSkipped: ReadonlySet<string>;
  failedStepId: string;
  failure: Failure;
  /** a person asked (the run page's "Re-plan from here"): the proposal always waits for them */
  askPerson?: boolean;
}

export interface ReplanDeps {
  service: ReplanService;
  store: Pick<RunStore, "lastEvents">;
  catalog: CatalogView;
  redact?: <T>(value: T) => T;
}

/** the most text of one output shown to a planner */
const MAX_OUTPUT_CHARS = 2000;

export async function replanRun(deps: ReplanDeps, input: ReplanInput): Promise<ReplanOutcome> {
  const { run, plan, failedStepId, failure } = input;
  const stepFailed = `step "${failedStepId}" failed: ${failure.message}`;
  const limit = Math.min(run.options.replan?.maxReplans ?? MAX_REPLANS, MAX_REPLANS);
  const earlier = await deps.store.lastEvents(run.id, "run.replanned", MAX_REPLANS + 1);
  const done = earlier.length;
  const failedAction = plan.steps.find((s) => s.id === failedStepId)?.action;
  const failedBefore = earlier.flatMap((e) => (e.data.failedStepId && e.data.failedAction ? [{ stepId: e.data.failedStepId, action: e.data.failedAction }] : []));
  if (failedAction) failedBefore.push({ stepId: failedStepId, action: failedAction });
  if (done >= limit) return { kind: "failed", failure: { ...failure, message: `${stepFailed} (no re-plan left: the run re-planned ${done} time${done === 1 ? "" : "s"}, its limit)` } };
  const finished = finishedStepIds(input.state.steps, input.conditionSkipped);
  const outputs: Record<string, unknown> = {};
  for (const id of finished) outputs[id] = limitOutput(deps.redact ? deps.redact(input.state.steps[id]?.output) : input.state.steps[id]?.output);
  let proposal: ReplanProposal;
  try {
    proposal = await deps.service.propose({ plan, inputs: run.inputs, failedStepId, failedBefore, failure: deps.redact ? deps.redact(failure) : failure, finished, outputs, maxSteps: run.options.maxSteps });
  } catch (err) {
    return { kind: "failed", failure: { ...failure, message: `${stepFailed}; re-planning failed: ${(err as Error).message}` } };
  }
  if (!proposal.plan) return { kind: "failed", failure: { ...failure, message: `${stepFailed}; re-planning found no other way: ${proposal.reason}` } };
  const check = validateReplan(plan, proposal.plan, finished, deps.catalog, { maxSteps: run.options.maxSteps });
  if (!check.valid) {
    const errors = check.issues.filter((i) => i.severity === "error");
    return { kind: "failed", failure: { code: "validation", retryable: false, message: `${stepFailed}; the re-plan is not valid: ${errors.slice(0, 3).map((i) => i.message).join(" ")}`, details: { failure, issues: errors.slice(0, 20) } } };
  }
  const summary = summarizeReplan(plan, proposal.plan);
  const version = await deps.service.saveVersion(run.planId, proposal.plan, `Re-plan ${done + 1} of run ${run.id} after ${stepFailed}`, proposal.source, check.issues);
  const data = { planVersionId: version.id, fromVersionId: run.planVersionId, replan: done + 1, reason: proposal.reason, failedStepId, ...(failedAction ? { failedAction } : {}), failure, source: proposal.source, summary, restart: stepsToRestart(proposal.plan, finished) };
  if (input.askPerson || run.options.replan?.approve === "ask") return { kind: "events", events: [{ type: "run.replan_proposed", data }, { type: "run.awaiting_approval", data: { steps: [] } }], continues: false };
  return { kind: "events", events: [{ type: "run.replanned", data }], continues: true };
}

/** An output as a planner sees it: as is when short, else its JSON cut (a planner needs its shape, not all of it). */
function limitOutput(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  return text.length <= MAX_OUTPUT_CHARS ? value : `${text.slice(0, MAX_OUTPUT_CHARS)}… (${text.length} characters in all)`;
}
