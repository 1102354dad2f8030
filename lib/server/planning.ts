/**
 * Planning, composed: the configured LLM (or none), the catalog, the planner, and storage.
 * What app/ calls to turn a goal into a saved plan version, to read plan input values out of
 * free text, and to describe flows for planning.
 */
import { uncoveredParts, type LlmClient, type Plan, type PlanInput, type PlanningEvent } from "../core";
import type { FlowDetail, FlowList } from "../contract/flows";
import type { ParseInputsBody, PlanRequestBody, PlannedPlan } from "../contract/plans";
import { missingInputs } from "../planner/missing-inputs";
import { parseInputs, type ParsedInputs } from "../planner/parse-inputs";
import { planGoal } from "../planner/plan-goal";
import type { PlanGoalRequest, PlanResult, StoredPlanning } from "../planner/request";
import { getPlan, titleFromGoal } from "../store/plans";
import { badRequest, notFound, RequestError } from "./errors";
import { rememberedPlans } from "./memory";
import { parsePlanId, savePlan } from "./plans";
import { getTrellis, type Trellis } from "./trellis";

/** The configured LLM client (one per process, shared with the engine), or none. */
export function configuredLlm(t: Trellis): LlmClient | undefined {
  return t.llm;
}

/** A planned goal: where it is stored, or nulls when there was no plan to store (status no_plan). */
export interface PlannedVersion {
  planId: string | null;
  versionId: string | null;
  version: number | null;
  title: string;
  result: PlanResult;
}

export interface PlanAndSaveOptions {
  /** the plan the goal builds on: its latest version goes to the planner, and the result becomes its next version */
  basePlanId?: string;
  onEvent?: (event: PlanningEvent) => void;
  signal?: AbortSignal;
}

/** Plan a goal and store the result as a plan version (a new plan, or the next version of the base plan). */
export async function planAndSave(request: PlanGoalRequest, options: PlanAndSaveOptions = {}): Promise<PlannedVersion> {
  const t = await getTrellis();
  const unknownFlows = (request.flows ?? []).filter((f) => !t.catalog.flows().includes(f));
  if (unknownFlows.length) throw badRequest(`Unknown flow${unknownFlows.length > 1 ? "s" : ""}: ${unknownFlows.join(", ")}. Flows: ${t.catalog.flows().join(", ")}.`);
  let earlierPlans: Plan[] | undefined;
  if (options.basePlanId) {
    const base = await getPlan(t.database.prisma, parsePlanId(options.basePlanId));
    if (!base) throw notFound(`There is no plan ${options.basePlanId}.`);
    earlierPlans = [base.latest.plan];
  }
  const memory = request.memory === false ? [] : (await rememberedPlans()).plans;
  const result = await planGoal(request, { catalog: t.catalog, llm: configuredLlm(t), earlierPlans, onEvent: options.onEvent, signal: options.signal, memory });
  // Nobody is waiting for a plan whose request was cancelled; do not store a half-planned one.
  if (options.signal?.aborted) throw new RequestError(499, "cancelled", "Planning was cancelled.");
  // Nothing in the catalog does any part of the goal: there is no plan to keep.
  if (result.status === "no_plan") return { planId: null, versionId: null, version: null, title: titleFromGoal(result.plan.goal), result };
  const saved = await savePlan(result.plan, {
    source: result.planning.source,
    model: result.planning.model,
    note: noteFor(result),
    planId: options.basePlanId,
    planning: { ...result.planning, status: result.status, missingInputs: result.missingInputs, coverage: result.coverage, ...(result.help ? { help: result.help } : {}), ...(result.memory ? { memory: result.memory } : {}) } satisfies StoredPlanning,
    // The same check as the planner's report (lib/planner/plan-goal): the whole catalog, this request's step limit.
    maxSteps: request.constraints?.maxSteps,
  });
  return { planId: saved.planId, versionId: saved.id, version: saved.number, title: titleFromGoal(result.plan.goal), result };
}

/** Where a planned version is and what state it is in: what the REST answer and the stream's last chunk share. */
export function plannedSummary(saved: PlannedVersion) {
  const { result } = saved;
  return { planId: saved.planId, versionId: saved.versionId, version: saved.version, url: saved.planId ? `/plans/${saved.planId}` : null, status: result.status, valid: result.valid };
}

/** POST /api/plans: plan the goal, save it, and answer the plan with where it is stored. */
export async function planGoalAndSave(body: PlanRequestBody, signal?: AbortSignal): Promise<PlannedPlan> {
  const { basePlanId, ...goal } = body;
  const saved = await planAndSave(goal, { basePlanId, signal });
  return { ...plannedSummary(saved), ...saved.result };
}

function noteFor(result: PlanResult): string {
  const how = result.planning.source === "llm" ? `Planned by ${result.planning.model ?? "the LLM"}` : "Planned offline";
  const tries = result.planning.attempts > 1 ? ` in ${result.planning.attempts} attempts` : "";
  const fixes = result.planning.repairs.length ? `, ${result.planning.repairs.length} automatic fix${result.planning.repairs.length === 1 ? "" : "es"}` : "";
  // A partial plan is a draft that says what it leaves out.
  const open = uncoveredParts(result.coverage);
  const missing = open.length ? `. Not covered: ${open.map((p) => `"${p.text}" (${REASON_TEXT[p.uncovered?.reason ?? "no_action"]})`).join("; ")}` : "";
  return `${how}${tries}${fixes}${missing}`.slice(0, 500);
}

const REASON_TEXT = { no_action: "no action fits", needs_llm: "needs an LLM", needs_value: "needs a value the goal does not give" } as const;

export async function parsePlanInputs(request: ParseInputsBody): Promise<ParsedInputs> {
  const t = await getTrellis();
  let keys: Pick<PlanInput, "name" | "schema" | "description">[];
  if (request.planId) {
    const plan = await getPlan(t.database.prisma, parsePlanId(request.planId));
    if (!plan) throw notFound(`There is no plan ${request.planId}.`);
    const missing = new Set(missingInputs(plan.latest.plan).map((m) => m.name));
    keys = plan.latest.plan.inputs.filter((i) => (request.names ? request.names.includes(i.name) : missing.has(i.name)));
  } else if (request.inputs?.length) {
    keys = request.names ? request.inputs.filter((i) => request.names!.includes(i.name)) : request.inputs;
  } else {
    throw badRequest("Give planId (a plan whose inputs to read) or inputs (the inputs to read).");
  }
  const llm = configuredLlm(t);
  return parseInputs(request.message, keys, { llm, today: request.today });
}

/** Every flow with its number of actions; global actions (no flow) are offered with every flow. */
export async function listFlows(): Promise<FlowList> {
  const t = await getTrellis();
  const flows = t.catalog.flows().map((id) => {
    const actions = t.catalog.list().filter((a) => a.flows.includes(id));
    return { id, actions: actions.length, titles: actions.map((a) => a.title) };
  });
  const llm = configuredLlm(t);
  return { flows, globalActions: t.catalog.list().filter((a) => a.flows.length === 0).length, planner: { llm: Boolean(llm), ...(llm ? { model: llm.model } : {}) }, sources: [...t.catalog.sources] };
}

/** A flow's actions with their input and output schemas, as the planner sees them. */
export async function flowDetail(id: string): Promise<FlowDetail> {
  const t = await getTrellis();
  if (!t.catalog.flows().includes(id)) throw notFound(`There is no flow "${id}". Flows: ${t.catalog.flows().join(", ")}.`);
  return { id, actions: [...t.catalog.forFlows([id]).list()] };
}
