/**
 * The offline re-planner: replaces the step that failed by another action of the catalog that
 * takes the same inputs and whose output fits the same consumers (the validator checks them),
 * never an action that already failed at that step. Candidates are ranked by how much of the
 * step they keep (its inputs, its effect, its action's family); the first whose plan validates
 * as a re-plan wins. When none does, there is no proposal, with the reason.
 */
import { isAssignable } from "../../core/type-compat";
import { isObject } from "../../core/json-schema";
import { isInFlows, type CatalogView } from "../../core/catalog";
import { nameSimilarity } from "../../core/similarity";
import { validateReplan, type ReplanProposal, type ReplanRequest } from "../../core/replan";
import type { ActionSpec } from "../../core/action";
import type { Plan, Step } from "../../core/plan";

/** the most candidate plans validated for one re-plan */
const MAX_TRIED = 40;

export function replanOffline(request: ReplanRequest, catalog: CatalogView): ReplanProposal {
  const { plan, failedStepId } = request;
  const step = plan.steps.find((s) => s.id === failedStepId);
  if (!step) return { source: "offline", reason: `the plan has no step "${failedStepId}"` };
  const failed = catalog.get(step.action);
  if (!failed) return { source: "offline", reason: `the failed step's action ${step.action} is not in the catalog` };
  const avoid = new Set(request.failedBefore.filter((f) => f.stepId === failedStepId).map((f) => f.action));
  avoid.add(step.action);
  const ranked = catalog
    .list()
    .filter((c) => !avoid.has(c.id) && !c.unavailable && isInFlows(c, plan.flows) && isAssignable(c.output, failed.output).ok)
    .map((c) => ({ spec: c, step: replaceAction(step, c), score: score(step, failed, c) }))
    .filter((c): c is { spec: ActionSpec; step: Step; score: number } => c.step !== null)
    .sort((a, b) => b.score - a.score || a.spec.id.localeCompare(b.spec.id))
    .slice(0, MAX_TRIED);
  for (const c of ranked) {
    const next: Plan = { ...plan, steps: plan.steps.map((s) => (s.id === failedStepId ? c.step : s)) };
    if (validateReplan(plan, next, request.finished, catalog, { maxSteps: request.maxSteps }).valid) {
      return { plan: next, source: "offline", reason: `step "${failedStepId}" failed with ${step.action} (${request.failure.message}); it runs ${c.spec.id} instead, which takes the same inputs and gives what the steps after it need` };
    }
  }
  return { source: "offline", reason: `no other action of the catalog takes the inputs of step "${failedStepId}" and gives what the steps after it need${avoid.size > 1 ? ` (already tried: ${[...avoid].join(", ")})` : ""}` };
}

/** The step with another action, keeping the inputs it knows; null when it needs one the step does not give. */
function replaceAction(step: Step, spec: ActionSpec): Step | null {
  const props = isObject(spec.input.properties) ? spec.input.properties : {};
  const required = Array.isArray(spec.input.required) ? (spec.input.required as string[]) : [];
  if (required.some((name) => step.inputs[name] === undefined)) return null;
  const inputs = Object.fromEntries(Object.entries(step.inputs).filter(([name]) => name in props));
  // the step's own retry and timeout were set for the action that failed
  const { retry: _retry, timeoutMs: _timeout, ...rest } = step;
  return { ...rest, action: spec.id, inputs, ...(step.label ? { label: `${step.label} (with ${spec.title})` } : {}) };
}

function score(step: Step, failed: ActionSpec, candidate: ActionSpec): number {
  const props = isObject(candidate.input.properties) ? candidate.input.properties : {};
  const given = Object.keys(step.inputs);
  const kept = given.length ? given.filter((n) => n in props).length / given.length : 1;
  const family = failed.id.split(".")[0] === candidate.id.split(".")[0] ? 1 : 0;
  const sameEffect = failed.effect === candidate.effect ? 1 : candidate.effect === "write" ? -2 : 0;
  return 3 * kept + family + sameEffect + nameSimilarity(failed.title, candidate.title);
}
