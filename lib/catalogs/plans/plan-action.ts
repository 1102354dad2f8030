/**
 * A saved plan as an action: id `plan.<slug>`, one action version per plan version (so
 * `plan.<slug>` is the latest and `plan.<slug>@<n>` pins version n), input the plan's inputs
 * (their JSON Schemas; required as declared), output its named outputs (each output's schema
 * from its binding). Running it starts a child run and waits for it (`PlanRunner`).
 */
import { z } from "zod";
import { ActionError, defineAction, type Action, type ActionContext, type Effect } from "../../core/action";
import { PLANS_FLOW, type CatalogView } from "../../core/catalog";
import { checkValue, formatValueErrors } from "../../core/check-value";
import { isObject, type JsonSchema } from "../../core/json-schema";
import type { Binding, Plan } from "../../core/plan";
import { schemaAtPath } from "../../core/type-compat";
import { stepOutputSchema } from "../../core/for-each";

export const PLAN_ACTION_PREFIX = "plan.";
/** how deep plans may call plans at run time (a cycle that slipped past validation stops here) */
export const MAX_PLAN_DEPTH = 8;
/** a child run may wait for people: its step's clock is long unless the step sets its own */
export const PLAN_ACTION_TIMEOUT_MS = 24 * 3_600_000;

/** A saved plan version that can be an action. */
export interface PlanActionSource {
  planId: string;
  slug: string;
  title: string;
  versionId: string;
  /** the plan version's number: the action's version */
  number: number;
  plan: Plan;
}

/** What a plan action needs to run: start a child run, find one already started, wait, cancel. */
export interface PlanRunner {
  /** the child run the step started before (a crash, a resume), when it is still running or succeeded */
  findChild(parentRunId: string, parentStepId: string): Promise<string | undefined>;
  /** how many plan runs deep the run is (a top-level run: 0) */
  depthOf(runId: string): Promise<number>;
  start(req: { planVersionId: string; inputs: Record<string, unknown>; parent: { runId: string; stepId: string } }): Promise<string>;
  wait(runId: string): Promise<ChildEnd>;
  cancel(runId: string, reason: string): Promise<void>;
  /** whether a step's abort means its engine stopped (the run resumes later): the child is left running then */
  isEngineStop(reason: unknown): boolean;
}

export interface ChildEnd {
  status: string;
  outputs?: Record<string, unknown> | null;
  failure?: { code: string; message: string; retryable?: boolean } | null;
  usage?: { promptTokens: number; completionTokens: number } | null;
}

/** Whether a plan can be an action: it declares inputs and outputs. */
export function isActionablePlan(plan: Plan): boolean {
  return plan.inputs.length > 0 && Object.keys(plan.outputs).length > 0;
}

/** A slug from a title: lower case words joined by dashes, at most 48 characters. */
export function slugFromTitle(title: string): string {
  const slug = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48).replace(/-+$/, "");
  return slug || "plan";
}

export function planActionId(slug: string): string {
  return `${PLAN_ACTION_PREFIX}${slug}`;
}

/** The slug a plan action id names (with or without a pinned version), or undefined. */
export function slugOfActionRef(ref: string): string | undefined {
  if (!ref.startsWith(PLAN_ACTION_PREFIX)) return undefined;
  return ref.slice(PLAN_ACTION_PREFIX.length).replace(/@\d+$/, "");
}

export function planInputSchema(plan: Plan): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const pi of plan.inputs) {
    properties[pi.name] = { ...(pi.schema as object), ...(pi.description && !(pi.schema as { description?: unknown }).description ? { description: pi.description } : {}), ...(pi.default !== undefined ? { default: pi.default } : {}) };
    if (pi.required !== false && pi.default === undefined) required.push(pi.name);
  }
  return { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

/** Each output's schema from its binding: the bound step's action output at the path, the input's schema, or the literal's type. */
export function planOutputSchema(plan: Plan, catalog: CatalogView): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, binding] of Object.entries(plan.outputs)) {
    const found = bindingSchema(plan, binding, catalog);
    properties[name] = found.schema;
    if (!found.optional) required.push(name);
  }
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

function bindingSchema(plan: Plan, binding: Binding, catalog: CatalogView): { schema: JsonSchema; optional: boolean } {
  if (binding.kind === "input") {
    const pi = plan.inputs.find((i) => i.name === binding.name);
    return pi ? { schema: pi.schema as JsonSchema, optional: pi.required === false && pi.default === undefined } : { schema: {}, optional: true };
  }
  if (binding.kind === "literal") return { schema: literalSchema(binding.value), optional: binding.value === undefined };
  // A merge gives the first branch that produced a value, and may give none.
  if (binding.kind === "firstOf") {
    const branches = binding.of.map((b) => bindingSchema(plan, b, catalog));
    return { schema: branches.length === 1 ? branches[0].schema : { anyOf: branches.map((b) => b.schema) }, optional: true };
  }
  if (binding.kind === "item") return { schema: {}, optional: true };
  const step = plan.steps.find((s) => s.id === binding.step);
  const spec = step ? catalog.get(step.action) : undefined;
  if (!step || !spec) return { schema: {}, optional: true };
  const at = schemaAtPath(stepOutputSchema(step, spec.output), binding.path ?? []);
  // A step that may end without its output (onError: continue) leaves the output to its fallback.
  // So does a step that runs only when its condition holds.
  const optional = (at?.optional ?? true) || (step.onError === "continue" && step.fallback === undefined) || step.when !== undefined;
  return { schema: isObject(at?.schema) ? (at!.schema as JsonSchema) : {}, optional };
}

function literalSchema(value: unknown): JsonSchema {
  if (value === null) return { type: "null" };
  if (Array.isArray(value)) return { type: "array" };
  if (typeof value === "number") return { type: Number.isInteger(value) ? "integer" : "number" };
  if (typeof value === "string" || typeof value === "boolean" || typeof value === "object") return { type: typeof value };
  return {};
}

/** The strongest effect of the plan's actions (write if any writes), and whether any of its steps uses an LLM. */
export function planEffect(plan: Plan, catalog: CatalogView): { effect: Effect; usesLlm: boolean } {
  let effect: Effect = "pure";
  let usesLlm = false;
  for (const s of plan.steps) {
    const spec = catalog.get(s.action);
    // an action not known now may write: assume the worst
    const e = spec?.effect ?? "write";
    if (e === "write" || (e === "read" && effect === "pure")) effect = e;
    if (spec?.usesLlm) usesLlm = true;
  }
  return { effect, usesLlm };
}

function jsonSchemaCheck(schema: JsonSchema): z.ZodType {
  return z.unknown().superRefine((value, ctx) => {
    const errors = checkValue(value, schema);
    if (errors.length) ctx.addIssue({ code: "custom", message: formatValueErrors(errors) });
  });
}

/** One plan version as an action; `catalog` types its outputs and effect (the catalog without plan actions, or with those built so far). */
export function planAction(source: PlanActionSource, catalog: CatalogView, runner: () => PlanRunner | undefined): Action {
  const input = planInputSchema(source.plan);
  const output = planOutputSchema(source.plan, catalog);
  const { effect, usesLlm } = planEffect(source.plan, catalog);
  const id = planActionId(source.slug);
  const action = defineAction({
    id,
    version: source.number,
    title: source.title,
    description: `Runs the saved plan "${source.title}" (version ${source.number}) as a child run: ${source.plan.goal}`,
    flows: [PLANS_FLOW],
    effect,
    usesLlm,
    timeoutMs: PLAN_ACTION_TIMEOUT_MS,
    source: `plan:${source.planId}`,
    input: jsonSchemaCheck(input),
    output: jsonSchemaCheck(output),
    run: (args, ctx) => runChild(source, isObject(args) ? args : {}, ctx, runner()),
  });
  return { ...action, spec: { ...action.spec, input, output } };
}

async function runChild(source: PlanActionSource, inputs: Record<string, unknown>, ctx: ActionContext, runner: PlanRunner | undefined): Promise<Record<string, unknown>> {
  if (!runner) throw new ActionError("plan_runner_missing", "plan actions cannot run in this process (no engine to start the child run)");
  ctx.signal.throwIfAborted();
  // A resumed step (the process crashed while it waited) finds the child it started and waits for it.
  let childId = await runner.findChild(ctx.runId, ctx.stepId);
  if (childId) ctx.log("info", `waiting for the child run ${childId} started earlier`, { childRunId: childId });
  else {
    const depth = await runner.depthOf(ctx.runId);
    if (depth + 1 > MAX_PLAN_DEPTH) {
      throw new ActionError("plan_depth_exceeded", `plans call plans more than ${MAX_PLAN_DEPTH} levels deep here (does a plan call itself?): plan.${source.slug} is not started`);
    }
    childId = await runner.start({ planVersionId: source.versionId, inputs, parent: { runId: ctx.runId, stepId: ctx.stepId } });
    ctx.log("info", `started the child run ${childId} (plan "${source.title}" v${source.number})`, { childRunId: childId });
  }
  const id = childId;
  let stopped: (reason: unknown) => void = () => undefined;
  const engineStopped = new Promise<never>((_, reject) => { stopped = reject; });
  engineStopped.catch(() => undefined);
  const onAbort = () => {
    // The engine stopped: the child goes on (or resumes), and the resumed step waits for it again.
    if (runner.isEngineStop(ctx.signal.reason)) return stopped(ctx.signal.reason);
    void runner.cancel(id, `its parent step ${ctx.stepId} of run ${ctx.runId} stopped (${String((ctx.signal.reason as Error | undefined)?.message ?? "cancelled")})`).catch(() => undefined);
  };
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const end = await Promise.race([runner.wait(id), engineStopped]);
    if (end.usage && (end.usage.promptTokens || end.usage.completionTokens)) ctx.reportUsage?.(end.usage);
    if (end.status === "succeeded") return end.outputs ?? {};
    ctx.signal.throwIfAborted();
    const why = end.failure ? `${end.failure.message}` : `it ended ${end.status}`;
    throw new ActionError("child_run_failed", `the child run ${id} (plan "${source.title}") ${end.status === "cancelled" ? "was cancelled" : "failed"}: ${why}`, { details: { childRunId: id, status: end.status, failure: end.failure ?? undefined } });
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
}
