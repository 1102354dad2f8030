/**
 * The planner's entry point: a goal in, a validated plan out, with the planning record
 * (events, attempts, usage, repairs) to store next to it. It chooses the LLM when one is
 * given (falling back to the offline planner when the LLM produces nothing usable, unless the
 * LLM was asked for by name) and never throws a plan away: a plan that still has errors is
 * returned with them. The catalog and the LLM are parameters; nothing here reads configuration.
 */
import type { LlmClient } from "../core/action";
import { PLANS_FLOW, type Catalog } from "../core/catalog";
import type { PlanningEvent } from "../core/events";
import type { Coverage } from "../core/coverage";
import { hasErrors, type ValidationIssue } from "../core/issues";
import { emptyPlan, type Plan } from "../core/plan";
import { validatePlan } from "../core/validate-plan";
import { checkClaims, coverageCarriedOver, coverageOfPlan, planHelp, statusOf } from "./coverage";
import { planWithLlm } from "./llm-planner";
import { recall, startFromMemory, EXAMPLES, EXAMPLE_SIMILARITY } from "./memory/recall";
import { memoryRef, type MemoryRef, type MemoryUse, type RememberedPlan } from "./memory/remembered-plan";
import { actionEvidence } from "./memory/memory-model";
import { missingInputs } from "./missing-inputs";
import { planOffline } from "./offline/plan-offline";
import { PlanningLog } from "./planning-log";
import { repairPlan, type Repair } from "./repair/repair-plan";
import type { PlanGoalRequest, PlanResult, PlanningRecord } from "./request";
import { retrieveActions } from "./retrieval";

export interface PlanGoalOptions {
  catalog: Catalog;
  /** the LLM to plan with; without one the offline planner plans */
  llm?: LlmClient;
  /** plans the new goal builds on (incremental planning) */
  earlierPlans?: Plan[];
  onEvent?: (event: PlanningEvent) => void;
  signal?: AbortSignal;
  /** how many actions the prompt offers at most (default 24) */
  promptActions?: number;
  /** remembered plans (see memory/): examples for the LLM, a starting point for the offline planner */
  memory?: readonly RememberedPlan[];
}

export const DEFAULT_ATTEMPTS = 3;

export async function planGoal(request: PlanGoalRequest, options: PlanGoalOptions): Promise<PlanResult> {
  const log = new PlanningLog(options.onEvent);
  const goal = request.goal.trim();
  const flows = request.flows ?? [];
  // Saved plans (flow "plans") are planned over only when that flow is asked for: otherwise a goal
  // close to a saved plan's would come back as one opaque call to it instead of its steps.
  const offered = options.catalog.forFlows(flows);
  const catalog = flows.includes(PLANS_FLOW) ? offered : offered.withoutFlow(PLANS_FLOW);
  const given = request.inputs ?? {};
  const choice = request.planner ?? "auto";
  const useLlm = choice === "llm" || (choice === "auto" && options.llm !== undefined);

  if (useLlm && !options.llm) {
    return failed({ goal, flows, log, reason: "No LLM provider is configured. Set OPENAI_API_KEY (or OPENAI_BASE_URL for a local server), or plan offline.", catalog: options.catalog });
  }

  if (useLlm && options.llm) {
    const llm = options.llm;
    const actions = retrieveActions(catalog.list(), {
      text: [goal, request.instruction ?? "", ...(request.context ?? [])].join("\n"),
      include: [...(request.constraints?.useActions ?? []), ...(options.earlierPlans ?? []).flatMap((p) => p.steps.map((s) => s.action))],
      exclude: request.constraints?.avoidActions,
      limit: options.promptActions,
    });
    const examples = request.memory === false ? [] : recall(goal, options.memory ?? [], catalog, EXAMPLES, EXAMPLE_SIMILARITY);
    log.emit("planning.started", { goal, source: "llm", model: llm.model, actions: actions.length, flows });
    const out = await planWithLlm({
      llm,
      catalog,
      actions,
      prompt: {
        goal,
        given,
        instruction: request.instruction,
        context: request.context,
        earlierPlans: options.earlierPlans,
        examples: examples.map((r) => ({ goal: r.remembered.goal, plan: r.remembered.plan })),
        maxSteps: request.constraints?.maxSteps,
        useActions: request.constraints?.useActions,
        avoidActions: request.constraints?.avoidActions,
      },
      flows,
      given,
      maxAttempts: request.maxAttempts ?? DEFAULT_ATTEMPTS,
      allowPartial: request.allowPartial ?? false,
      maxSteps: request.constraints?.maxSteps,
      log,
      signal: options.signal,
    });
    const record = { source: "llm" as const, model: llm.model, attempts: out.attempts, usage: out.usage };
    const memory: MemoryUse | undefined = examples.length ? { examples: examples.map((r) => memoryRef(r.remembered, r.similarity)) } : undefined;
    if (out.plan) {
      const coverage = checkClaims(goal, out.coverage, out.plan, catalog);
      return finish({ plan: out.plan, issues: reportedIssues(out.plan, options, request), repairs: out.repairs, record, log, given, coverage, help: planHelp(coverage, catalog, true), memory });
    }
    const reason = out.fatal ?? out.lastError ?? "The LLM gave no usable plan.";
    if (choice === "llm" || options.signal?.aborted) return failed({ goal, flows, log, reason, record, catalog: options.catalog });
    log.emit("planning.fallback", { from: "llm", to: "offline", reason });
    return planOfflineResult(request, catalog, options, log, given, { usage: out.usage, attempts: out.attempts, model: llm.model });
  }
  return planOfflineResult(request, catalog, options, log, given);
}

function planOfflineResult(request: PlanGoalRequest, catalog: Catalog, options: PlanGoalOptions, log: PlanningLog, given: Record<string, unknown>, before?: { usage: { promptTokens: number; completionTokens: number }; attempts: number; model: string }): PlanResult {
  const goal = request.goal.trim();
  const flows = request.flows ?? [];
  if (!before) log.emit("planning.started", { goal, source: "offline", actions: catalog.list().length, flows });
  let drafted = planOffline(
    {
      goal,
      flows,
      inputs: given,
      maxSteps: request.constraints?.maxSteps,
      useActions: request.constraints?.useActions,
      avoidActions: request.constraints?.avoidActions,
      basePlan: options.earlierPlans?.[options.earlierPlans.length - 1],
      llm: options.llm !== undefined,
      ...(request.memory === false || !options.memory?.length ? {} : { prior: actionEvidence(options.memory, catalog.list()) }),
    },
    catalog,
  );
  const informedBy = drafted.informed?.length ? plansThatChose(goal, options.memory ?? [], drafted.informed.flatMap((i) => (i.action ? [i.action] : [])), catalog) : [];
  const fromMemory = request.memory === false ? undefined : startFromMemory(goal, options.memory ?? [], catalog, { scratch: drafted.plan, flows, maxSteps: request.constraints?.maxSteps });
  if (fromMemory) drafted = { plan: fromMemory.plan, notes: [`started from remembered plan ${fromMemory.from.id} ("${fromMemory.from.goal}")`, ...fromMemory.changes], coverage: coverageCarriedOver(drafted.coverage, drafted.plan, fromMemory.plan, goal, catalog) };
  const checked = validatePlan(drafted.plan, catalog, { maxSteps: request.constraints?.maxSteps });
  // An empty draft is no plan, not a plan with an error (see finish).
  if (drafted.plan.steps.length) log.emit("planning.validation", { attempt: 1, errors: checked.issues.filter((i) => i.severity === "error").length, warnings: checked.issues.filter((i) => i.severity === "warning").length, stage: "answer" });
  const repaired = repairPlan(drafted.plan, catalog, { lossy: true, planInputs: true, maxSteps: request.constraints?.maxSteps });
  if (repaired.repairs.length) {
    log.emit("planning.repair", { attempt: 1, repairs: repaired.repairs.map((r) => r.message) });
    log.emit("planning.validation", { attempt: 1, errors: repaired.issues.filter((i) => i.severity === "error").length, warnings: repaired.issues.filter((i) => i.severity === "warning").length, stage: "repaired" });
  }
  const record = { source: "offline" as const, attempts: (before?.attempts ?? 0) + 1, usage: before?.usage ?? { promptTokens: 0, completionTokens: 0 }, notes: drafted.notes, ...(before ? { model: before.model } : {}) };
  const coverage = coverageOfPlan(drafted.coverage, repaired.plan);
  const memory: MemoryUse | undefined = fromMemory
    ? { startedFrom: fromMemory.from, changes: fromMemory.changes }
    : drafted.informed?.length
      ? { informedBy, chose: drafted.informed.map((i) => (i.action ? `${i.action} for "${i.clause}" (instead of ${i.instead})` : `no step for "${i.clause}", which sets the scene (instead of ${i.instead})`)) }
      : undefined;
  return finish({ plan: repaired.plan, issues: reportedIssues(repaired.plan, options, request), repairs: repaired.repairs, record, log, given, coverage, help: planHelp(coverage, catalog, options.llm !== undefined), memory });
}

/** The remembered plans, nearest the goal first, that used the actions memory chose (at most EXAMPLES). */
function plansThatChose(goal: string, memory: readonly RememberedPlan[], actions: readonly string[], catalog: Catalog): MemoryRef[] {
  if (!actions.length) return [];
  const chosen = new Set(actions);
  const used = (p: RememberedPlan) => p.plan.steps.some((s) => chosen.has(s.action));
  const near = recall(goal, memory, catalog, Number.MAX_SAFE_INTEGER).filter((r) => used(r.remembered));
  // The choice came from the words of a part of the goal; a plan that shares none of the goal's
  // words as a whole can still be the one whose request worded that part the same way.
  const refs = near.length ? near.map((r) => memoryRef(r.remembered, r.similarity)) : memory.filter(used).map((p) => memoryRef(p, 0));
  return refs.slice(0, EXAMPLES);
}

/**
 * The issues a result reports: the check the plan meets when it is saved and run, against the
 * whole catalog, the validator enforcing the plan's flows (an action of another flow is
 * action_not_in_flow, its inputs typed by its real schema). The flow-filtered catalog only
 * chooses, prompts and repairs; checked against it, that action would read "not in the catalog".
 */
function reportedIssues(plan: Plan, options: PlanGoalOptions, request: PlanGoalRequest): ValidationIssue[] {
  return validatePlan(plan, options.catalog, { maxSteps: request.constraints?.maxSteps }).issues;
}

interface Finish {
  plan: Plan;
  issues: ValidationIssue[];
  repairs: Repair[];
  record: Pick<PlanningRecord, "source" | "attempts" | "usage"> & { model?: string; notes?: string[] };
  log: PlanningLog;
  given: Record<string, unknown>;
  coverage: Coverage;
  help?: PlanResult["help"];
  memory?: MemoryUse;
}

function finish({ plan, issues, repairs, record, log, given, coverage, help, memory }: Finish): PlanResult {
  const valid = !hasErrors(issues);
  const missing = missingInputs(plan, given);
  const errors = issues.filter((i) => i.severity === "error");
  const status = statusOf(plan, valid, missing, coverage);
  const unplanned = status === "no_plan" ? noPlanReason(coverage) : undefined;
  if (unplanned) {
    log.emit("planning.failed", { attempts: record.attempts, ms: log.elapsed(), usage: record.usage, reason: unplanned, unplanned: true });
  } else if (valid) {
    log.emit("planning.succeeded", { attempts: record.attempts, ms: log.elapsed(), usage: record.usage, steps: plan.steps.length, ...(missing.length ? { missingInputs: missing.map((m) => m.name) } : {}) });
  } else {
    log.emit("planning.failed", { attempts: record.attempts, ms: log.elapsed(), usage: record.usage, reason: `${errors.length} error${errors.length === 1 ? "" : "s"} remain: ${errors.slice(0, 3).map((e) => e.message).join(" ")}` });
  }
  const error = unplanned ?? (valid ? undefined : `${errors.length} validation error${errors.length === 1 ? "" : "s"} remain`);
  const planning: PlanningRecord = { ...record, repairs, events: log.events, ms: log.elapsed(), ...(error ? { error } : {}) };
  return { plan, valid, status, issues, missingInputs: missing, coverage, ...(help ? { help } : {}), planning, ...(memory ? { memory } : {}) };
}

/**
 * Why there is no plan, as the parts of the goal say: it names no operation or data (every part
 * needs more detail), every part needs an LLM and none is configured, or no action does it.
 */
function noPlanReason(coverage: Coverage): string {
  const reasons = new Set(coverage.parts.map((p) => p.uncovered?.reason).filter((r) => r !== undefined));
  if (reasons.size === 1 && reasons.has("needs_value")) return "The goal does not say what to do or with what: name the operation and the data (a file, a table, a URL).";
  if (reasons.size === 1 && reasons.has("needs_llm")) return "Every part of the goal needs an LLM, and none is configured.";
  return "No action of the catalog does what the goal asks.";
}

function failed({ goal, flows, log, reason, record, catalog }: { goal: string; flows: string[]; log: PlanningLog; reason: string; record?: Pick<PlanningRecord, "source" | "attempts" | "usage" | "model">; catalog: Catalog }): PlanResult {
  const plan = emptyPlan(goal, flows);
  const usage = record?.usage ?? { promptTokens: 0, completionTokens: 0 };
  const attempts = record?.attempts ?? 0;
  if (!log.events.some((e) => e.type === "planning.started")) log.emit("planning.started", { goal, source: "llm", flows });
  log.emit("planning.failed", { attempts, ms: log.elapsed(), usage, reason });
  // The validator's own issues (what the stored version records); the reason is the planning record's error.
  const { issues } = validatePlan(plan, catalog);
  return {
    plan,
    valid: false,
    status: "invalid",
    issues,
    missingInputs: [],
    coverage: { parts: [] },
    planning: { source: "llm", ...(record?.model ? { model: record.model } : {}), attempts, usage, repairs: [], events: log.events, ms: log.elapsed(), error: reason },
  };
}
