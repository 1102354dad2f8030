/**
 * The LLM re-planner: the planning prompt (same format, same structured answer, same repair
 * rounds) with the plan that failed as the earlier plan and an instruction that says what
 * finished (with its outputs, limited and redacted by the engine), what failed and why, and
 * what may change. The answer's finished steps, goal and plan inputs are put back as they were:
 * a re-plan may change only what has not run (the engine validates it again).
 */
import type { LlmClient } from "../../core/action";
import type { Catalog } from "../../core/catalog";
import type { Plan } from "../../core/plan";
import type { ReplanProposal, ReplanRequest } from "../../core/replan";
import { planWithLlm } from "../llm-planner";
import { PlanningLog } from "../planning-log";
import { retrieveActions } from "../retrieval";

/** the most characters of finished outputs in one prompt */
const MAX_OUTPUTS_CHARS = 8000;

export async function replanWithLlm(request: ReplanRequest, options: { llm: LlmClient; catalog: Catalog; maxAttempts?: number; signal?: AbortSignal }): Promise<ReplanProposal> {
  const { plan } = request;
  const catalog = options.catalog.forFlows(plan.flows);
  const failedStep = plan.steps.find((s) => s.id === request.failedStepId);
  const actions = retrieveActions(catalog.list(), { text: [plan.goal, request.failure.message].join("\n"), include: plan.steps.map((s) => s.action) });
  const out = await planWithLlm({
    llm: options.llm,
    catalog,
    actions,
    prompt: { goal: plan.goal, given: request.inputs, instruction: replanInstruction(request), earlierPlans: [plan], maxSteps: request.maxSteps },
    flows: plan.flows,
    given: request.inputs,
    maxAttempts: options.maxAttempts ?? 2,
    allowPartial: false,
    maxSteps: request.maxSteps,
    log: new PlanningLog(),
    signal: options.signal,
  });
  if (!out.plan) return { source: "llm", reason: `the LLM gave no plan${out.fatal ?? out.lastError ? `: ${out.fatal ?? out.lastError}` : ""}` };
  const proposed = keepFinished(plan, out.plan, request.finished);
  const changed = failedStep && proposed.steps.find((s) => s.id === failedStep.id);
  const what = !changed ? `drops step "${request.failedStepId}"` : changed.action !== failedStep!.action ? `runs ${changed.action} for step "${request.failedStepId}" instead of ${failedStep!.action}` : `changes step "${request.failedStepId}"`;
  return { plan: proposed, source: "llm", reason: `step "${request.failedStepId}" failed (${request.failure.message}); the LLM's new remainder ${what}` };
}

/** What the LLM is told about the run. */
export function replanInstruction(request: ReplanRequest): string {
  const finished = request.plan.steps.filter((s) => request.finished.has(s.id));
  let budget = MAX_OUTPUTS_CHARS;
  const done = finished.map((s) => {
    const text = JSON.stringify(request.outputs[s.id] ?? null);
    const shown = text.length <= budget ? text : `${text.slice(0, Math.max(0, budget))}…`;
    budget = Math.max(0, budget - shown.length);
    return `- ${s.id} (${s.action}) finished; output: ${shown}`;
  });
  const tried = request.failedBefore.filter((f) => f.stepId === request.failedStepId).map((f) => f.action);
  return [
    "This plan is running, and one of its steps failed for good (after its retries). Propose the whole plan again with a new remainder that reaches the goal another way.",
    `Failed step: ${request.failedStepId}. Failure (${request.failure.code}): ${request.failure.message}`,
    tried.length ? `Actions that already failed at this step: ${[...new Set(tried)].join(", ")}. Do not use them again with the same inputs.` : "",
    done.length ? `Steps that finished (keep each exactly as it is: same id, action and inputs; use their outputs):\n${done.join("\n")}` : "No step finished yet.",
    "Only steps that have not run may change, be removed or be added. Keep the plan's inputs as they are.",
  ].filter(Boolean).join("\n");
}

/** The answer with the goal, flows, plan inputs and finished steps of the running plan put back. */
function keepFinished(before: Plan, answer: Plan, finished: ReadonlySet<string>): Plan {
  const kept = before.steps.filter((s) => finished.has(s.id));
  const keptIds = new Set(kept.map((s) => s.id));
  return { ...answer, goal: before.goal, flows: before.flows, inputs: before.inputs, steps: [...kept, ...answer.steps.filter((s) => !keptIds.has(s.id))] };
}
