"use server";
/**
 * Every server action of the app, in one place. Each is its operation's lib function behind
 * `action(op, fn)`: the same schemas, the same error mapping and the same answers as the REST
 * route, returned as `{ ok: true, value } | { ok: false, error, code, status, details? }`.
 */
import { redirect } from "next/navigation";
import type { Coverage } from "@/lib/core/coverage";
import type { PlanHelp } from "@/lib/planner/request";
import { OPERATIONS } from "@/lib/contract/operations";
import { action } from "@/lib/server/route";
import { forgetMemory } from "@/lib/server/memory";
import { authorizeAction } from "@/lib/server/auth/access";
import { TrellisError } from "@/lib/core/errors";
import { planGoalAndSave } from "@/lib/server/planning";
import { importPlanJson } from "@/lib/server/plans";
import { approveStep, cancelRun, decideReplan, rejectStep, replanRun, retryRun, startRun } from "@/lib/server/runs";
import { deleteTemplate, instantiate, parseTemplateId, saveTemplate } from "@/lib/server/templates";
import { parseInputLines } from "@/components/planning/input-lines";

// ---- runs ----

const start = action(OPERATIONS.startRun, ({ params, body, actor }) => startRun(params.id, body, actor));
const cancel = action(OPERATIONS.cancelRun, ({ params, actor }) => cancelRun(params.id, actor));
const approve = action(OPERATIONS.approveStep, ({ params, body, actor }) => approveStep(params.id, body, actor));
const reject = action(OPERATIONS.rejectStep, ({ params, body, actor }) => rejectStep(params.id, body, actor));
const retry = action(OPERATIONS.retryRun, ({ params, body }) => retryRun(params.id, body));
const replan = action(OPERATIONS.replanRun, ({ params }) => replanRun(params.id));
const decideReplanOp = action(OPERATIONS.decideReplan, ({ params, body, actor }) => decideReplan(params.id, body, actor));

export async function startRunAction(planId: string, body: unknown) {
  return start({ params: { id: planId }, body });
}
export async function cancelRunAction(runId: string) {
  return cancel({ params: { id: runId } });
}
export async function approveStepAction(runId: string, body: unknown) {
  return approve({ params: { id: runId }, body });
}
export async function rejectStepAction(runId: string, body: unknown) {
  return reject({ params: { id: runId }, body });
}
export async function retryRunAction(runId: string, body: unknown) {
  return retry({ params: { id: runId }, body });
}
export async function replanRunAction(runId: string) {
  return replan({ params: { id: runId } });
}
export async function decideReplanAction(runId: string, body: unknown) {
  return decideReplanOp({ params: { id: runId }, body });
}

// ---- templates ----

const instantiateTemplate = action(OPERATIONS.instantiateTemplate, ({ params, body }) => instantiate(parseTemplateId(params.id), body));
const removeTemplate = action(OPERATIONS.deleteTemplate, ({ params }) => deleteTemplate(parseTemplateId(params.id)));
const addTemplate = action(OPERATIONS.saveTemplate, ({ body }) => saveTemplate(body));

/** Makes and stores a plan from the template; the form then opens it. */
export async function instantiateTemplateAction(id: string, params: unknown) {
  return instantiateTemplate({ params: { id }, body: { params } });
}
export async function deleteTemplateAction(id: string) {
  return removeTemplate({ params: { id } });
}
/** Saves a stored plan (a version of it) as a template. */
export async function saveTemplateAction(body: unknown) {
  return addTemplate({ body });
}

// ---- plan memory ----

const forget = action(OPERATIONS.forgetMemory, ({ params }) => forgetMemory(params.id));

/** Forgets a remembered plan: planning no longer recalls it. */
export async function forgetMemoryAction(id: string) {
  return forget({ params: { id } });
}

// ---- forms that work without JavaScript (useActionState) ----

export type ImportState = { error?: string; json?: string };

const MAX_IMPORT_CHARS = 5_000_000;

/** The import page: a plan file's text; opens the stored plan. */
export async function importPlanAction(_prev: ImportState, form: FormData): Promise<ImportState> {
  const json = form.get("json");
  if (typeof json !== "string") return { error: "Paste a plan's JSON or choose a file first." };
  if (json.length > MAX_IMPORT_CHARS) return { error: "The plan is larger than 5 MB." };
  if (!json.trim()) return { error: "Paste a plan's JSON or choose a file first." };
  // The same check as POST /api/plans/import (this form reads a file, not the operation's body).
  const actor = await authorizeAction(OPERATIONS.importPlan.permission).catch((err: unknown) => (TrellisError.isInstance(err) ? (err as Error) : Promise.reject(err)));
  if (actor instanceof Error) return { error: actor.message, json };
  // The plan file's own rules and messages (lib/contract/plan-file), as everywhere else.
  const result = await importPlanJson(json);
  if (!result.ok) return { error: result.error, json };
  redirect(`/plans/${result.planId}`);
}

export interface GoalFormState {
  error?: string;
  goal?: string;
  /** nothing in the catalog fits the goal: no plan was stored */
  unplanned?: { goal: string; coverage: Coverage; help?: PlanHelp };
}

const plan = action(OPERATIONS.planGoal, ({ body }) => planGoalAndSave(body));

/** The goal form: plans and opens the plan without JavaScript (the form streams progress when it can). */
export async function planGoalAction(_previous: GoalFormState, form: FormData): Promise<GoalFormState> {
  const goal = String(form.get("goal") ?? "");
  const lines = parseInputLines(String(form.get("inputs") ?? ""));
  if (lines.errors.length) return { error: lines.errors.join("\n"), goal };
  const flows = form.getAll("flow").map(String).filter(Boolean);
  // An unchecked checkbox sends nothing: the form says it had one with `memoryShown`.
  const memory = form.get("memoryShown") ? form.get("memory") === "on" : undefined;
  const r = await plan({ body: { goal, flows, ...(Object.keys(lines.values).length ? { inputs: lines.values } : {}), ...(memory === false ? { memory } : {}) } });
  if (!r.ok) return { error: r.code === "internal" ? "Planning failed on the server; the error is in its log." : r.error, goal };
  if (r.value.planId === null) return { goal, unplanned: { goal, coverage: r.value.coverage, ...(r.value.help ? { help: r.value.help } : {}) } };
  redirect(`/plans/${r.value.planId}`);
}
