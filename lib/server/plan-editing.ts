/**
 * What the plan editor asks of the server: read a plan with its latest version, save an
 * edited plan as a new version (validated again here: the browser is never trusted), list
 * versions, read one, restore one, diff two, and ask the planner to refine a plan.
 * Responses are plain JSON (dates as ISO text) so the page, the REST API and the browser
 * cache hold the same shapes.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import type { DeletePlanQuery, DiffQuery, DiffResult, PlanArchived, PlanDeleted, PlanDetail, RefineResult, SavePlanBody, SaveResult, VersionDetail, VersionList, VersionOne, VersionSummary } from "../contract/plans";
import { Plan, diffPlans, validatePlan } from "../core";
import { planGoal } from "../planner/plan-goal";
import { addVersion, deletePlan, getPlan, getVersion, listVersions, planRunCounts, setPlanArchived, type StoredVersion, type VersionSource } from "../store/plans";
import { RequestError, badRequest, conflict, notFound } from "./errors";
import { redactSecrets } from "./connections/redaction";
import { configuredLlm } from "./planning";
import { validateSavedPlan } from "./plan-validation";
import { getTrellis, runsFolder } from "./trellis";

export type { PlanDetail, RefineResult, SaveResult, VersionDetail, VersionSummary } from "../contract/plans";

export function summarizeVersion(v: StoredVersion): VersionSummary {
  return {
    id: v.id,
    planId: v.planId,
    number: v.number,
    hash: v.hash,
    note: v.note,
    source: v.source,
    model: v.model,
    valid: v.valid,
    errorCount: v.issues.filter((i) => i.severity === "error").length,
    stepCount: v.plan.steps.length,
    createdBy: v.createdBy,
    createdAt: v.createdAt.toISOString(),
  };
}

function detailOf(v: StoredVersion): VersionDetail {
  return { ...summarizeVersion(v), plan: v.plan, issues: v.issues, ...(v.memory ? { memory: v.memory } : {}) };
}

export async function planDetail(planId: string): Promise<PlanDetail> {
  const t = await getTrellis();
  const plan = await getPlan(t.database.prisma, planId);
  if (!plan) throw notFound(`There is no plan ${planId}.`);
  const current = validatePlan(plan.latest.plan, t.catalog);
  const runs = await planRunCounts(t.database.prisma, planId);
  const coverage = plan.latest.coverage ?? (await listVersions(t.database.prisma, planId)).find((v) => v.coverage)?.coverage ?? null;
  const publishing = await t.database.prisma.plan.findUnique({ where: { id: planId }, select: { slug: true, published: true } });
  return {
    plan: { id: plan.id, title: plan.title, createdAt: plan.createdAt.toISOString(), updatedAt: plan.updatedAt.toISOString(), archivedAt: plan.archivedAt?.toISOString() ?? null, createdBy: plan.createdBy, slug: publishing?.slug ?? null, published: publishing?.published ?? false, runs },
    latest: detailOf(plan.latest),
    issues: current.issues,
    valid: current.valid,
    coverage,
  };
}

/** What the editor page needs to open: the plan, the catalog it is checked against, and the planner in use. */
export async function editorBootstrap(planId: string) {
  const t = await getTrellis();
  const detail = await planDetail(planId);
  // The editor is a page: no secret value on it (a plan literal, a goal or an action's description that holds one).
  return redactSecrets({
    detail,
    catalog: t.catalog.toJSON(),
    planner: t.config.llm.configured ? { kind: "llm" as const, model: t.config.llm.model } : { kind: "offline" as const },
  });
}

/**
 * Saves an edited plan as a new version. A body that is not a plan is refused (422) with the
 * fields at fault; a plan with validation errors is kept as a draft (it cannot run).
 */
export async function saveEditedPlan(planId: string, body: SavePlanBody, source: VersionSource = "editor"): Promise<SaveResult> {
  const parsed = Plan.safeParse(body.plan);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 8).map((i) => `${i.path.map(String).join(".") || "plan"}: ${i.message}`);
    throw new RequestError(422, "invalid_plan", `This is not a Trellis plan: ${lines.join("; ")}`, parsed.error.issues);
  }
  const t = await getTrellis();
  const current = await getPlan(t.database.prisma, planId);
  if (!current) throw notFound(`There is no plan ${planId}.`);
  if (body.baseVersionId && body.baseVersionId !== current.latest.id) {
    throw conflict(`This plan has a newer version (v${current.latest.number}) than the one you edited. Reload it, or save anyway to replace it.`, { latest: summarizeVersion(current.latest) });
  }
  const { issues, valid } = validateSavedPlan(t, parsed.data, planId);
  const { version, created } = await addVersion(t.database.prisma, planId, { plan: parsed.data, issues, note: body.note || undefined, source });
  if (created) await t.plans.refresh();
  return { version: detailOf(version), created, issues, valid };
}

export async function versionList(planId: string): Promise<VersionList> {
  const t = await getTrellis();
  const versions = await listVersions(t.database.prisma, planId);
  if (!versions.length) throw notFound(`There is no plan ${planId}.`);
  return { versions: versions.map(summarizeVersion) };
}

/** A version by id or by number ("3" or "v3"). */
export async function findVersion(planId: string, ref: string): Promise<StoredVersion> {
  const t = await getTrellis();
  const num = /^v?(\d+)$/i.exec(ref.trim());
  let version: StoredVersion | null | undefined;
  if (num) {
    const all = await listVersions(t.database.prisma, planId);
    if (!all.length) throw notFound(`There is no plan ${planId}.`);
    version = all.find((v) => v.number === Number(num[1]));
  } else {
    version = await getVersion(t.database.prisma, ref);
    if (version && version.planId !== planId) version = undefined;
  }
  if (!version) throw notFound(`Plan ${planId} has no version ${ref}.`);
  return version;
}

export async function versionDetail(planId: string, ref: string): Promise<VersionOne> {
  return { version: detailOf(await findVersion(planId, ref)) };
}

/** Makes an old version the newest again, as a new version (history is never rewritten). */
export async function restoreVersion(planId: string, ref: string): Promise<SaveResult> {
  const old = await findVersion(planId, ref);
  return saveEditedPlan(planId, { plan: old.plan, note: `Restored v${old.number}` });
}

export async function versionDiff(planId: string, query: DiffQuery): Promise<DiffResult> {
  const t = await getTrellis();
  const to = query.to ? await findVersion(planId, query.to) : (await getPlan(t.database.prisma, planId))?.latest;
  if (!to) throw notFound(`There is no plan ${planId}.`);
  let from: StoredVersion;
  if (query.from) from = await findVersion(planId, query.from);
  else if (to.number > 1) from = await findVersion(planId, String(to.number - 1));
  else throw badRequest(`v1 is the first version: say which version to compare it with (?from=).`);
  return { from: summarizeVersion(from), to: summarizeVersion(to), diff: diffPlans(from.plan, to.plan) };
}

/**
 * Asks the planner to change a plan as the instruction says. Nothing is saved: the editor
 * shows the proposal as a diff to accept (as one undoable edit) or reject.
 */
export async function refinePlan(planId: string, instruction: string, plan?: unknown): Promise<RefineResult> {
  const t = await getTrellis();
  let base: Plan;
  if (plan === undefined) {
    const stored = await getPlan(t.database.prisma, planId);
    if (!stored) throw notFound(`There is no plan ${planId}.`);
    base = stored.latest.plan;
  } else {
    const parsed = Plan.safeParse(plan);
    if (!parsed.success) throw new RequestError(422, "invalid_plan", `The plan to refine is not a Trellis plan: ${parsed.error.issues[0]?.message}`, parsed.error.issues);
    base = parsed.data;
  }
  const llm = configuredLlm(t);
  // The LLM reads the goal, the earlier plan and the instruction; the offline planner plans the
  // instruction itself as a goal on top of the earlier plan, keeping its steps.
  const request = llm
    ? { goal: base.goal.trim() || instruction, instruction: `Change the earlier plan as follows and keep everything else as it is: ${instruction}`, flows: base.flows }
    : { goal: instruction, flows: base.flows };
  const result = await planGoal(request, { catalog: t.catalog, llm, earlierPlans: [base] });
  // The person's goal stays the goal; the instruction is an edit of it. The offline planner
  // names its own outputs: keep the person's, and add only those of the steps it added.
  const proposed: Plan = { ...result.plan, goal: base.goal, flows: base.flows };
  if (result.planning.source === "offline") proposed.outputs = mergeOutputs(base, result.plan);
  const { issues, valid } = validatePlan(proposed, t.catalog);
  return {
    plan: proposed,
    diff: diffPlans(base, proposed),
    issues,
    valid,
    notes: [...(result.planning.notes ?? []), ...(result.planning.error ? [result.planning.error] : [])],
    planner: result.planning.source === "llm" ? `${result.planning.model ?? "LLM"}` : "offline",
  };
}

/**
 * Deletes a plan with its versions, and with `withRuns` its runs and their workspaces; refused
 * (409) while it has runs and `withRuns` is not given, and always while one of its runs has not ended.
 */
export async function deletePlanById(planId: string, query: DeletePlanQuery = {}): Promise<PlanDeleted> {
  const t = await getTrellis();
  const r = await deletePlan(t.database.prisma, planId, { withRuns: query.withRuns === "true" });
  if (r.result === "deleted") await t.plans.refresh();
  switch (r.result) {
    case "not_found":
      throw notFound(`There is no plan ${planId}.`);
    case "run_active":
      throw conflict(`This plan has ${r.runIds.length === 1 ? "a run that has" : `${r.runIds.length} runs that have`} not ended (${r.runIds.join(", ")}): cancel ${r.runIds.length === 1 ? "it" : "them"} or let ${r.runIds.length === 1 ? "it" : "them"} finish, then delete the plan.`, { runIds: r.runIds });
    case "has_runs":
      throw conflict(`This plan has ${r.runs} run${r.runs === 1 ? "" : "s"}, which keep its versions: delete it with its runs (withRuns=true), or archive it to hide it and keep its history.`, { runs: r.runs });
    case "deleted": {
      // The rows are gone; a workspace left behind only takes disk space, so a failure here is not the caller's.
      const root = runsFolder(t.config);
      await Promise.all(r.runIds.map((id) => rm(path.join(root, id), { recursive: true, force: true }).catch(() => undefined)));
      return { deleted: true, runsDeleted: r.runIds.length };
    }
  }
}

/** Archives a plan, or with `archived: false` brings it back. */
export async function archivePlanById(planId: string, archived: boolean): Promise<PlanArchived> {
  const t = await getTrellis();
  const r = await setPlanArchived(t.database.prisma, planId, archived);
  if (!r) throw notFound(`There is no plan ${planId}.`);
  await t.plans.refresh();
  return { id: planId, archivedAt: r.archivedAt?.toISOString() ?? null };
}

function mergeOutputs(base: Plan, proposed: Plan): Plan["outputs"] {
  const ids = new Set(proposed.steps.map((s) => s.id));
  const added = new Set(proposed.steps.filter((s) => !base.steps.some((b) => b.id === s.id)).map((s) => s.id));
  const outputs = Object.fromEntries(Object.entries(base.outputs).filter(([, b]) => b.kind !== "step" || ids.has(b.step)));
  for (const [name, b] of Object.entries(proposed.outputs)) {
    if (b.kind === "step" && added.has(b.step) && !(name in outputs)) outputs[name] = b;
  }
  return outputs;
}

export function parseVersionRef(ref: string): string {
  if (!/^(v?\d{1,9}|[0-9a-f-]{36})$/i.test(ref)) throw badRequest(`"${ref}" is not a version id or number.`);
  return ref;
}
