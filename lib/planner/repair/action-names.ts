/**
 * Actions that are not in the catalog, replaced by the one they most likely mean: a near-miss
 * name ("Audio Synchronization" → video_synchronization, "data.loadCsv" → data.load_csv),
 * confirmed by types: the step's bindings must fit the candidate's inputs and the candidate's
 * output must fit what reads it. A tie between candidates is left alone (for the LLM or a
 * person to decide).
 */
import type { ActionSpec } from "../../core/action";
import { isInFlows } from "../../core/catalog";
import { checkValue } from "../../core/check-value";
import type { ValidationIssue } from "../../core/issues";
import { isAnySchema, isObject, type JsonSchema } from "../../core/json-schema";
import type { Binding, Step } from "../../core/plan";
import { nameSimilarity, normalizeName } from "../../core/similarity";
import { isAssignable } from "../../core/type-compat";
import type { RepairContext } from "./context";

const MIN_TOTAL = 0.55;
const MIN_MARGIN = 0.05;

export function repairActionNames(ctx: RepairContext, issues: readonly ValidationIssue[]): boolean {
  let changed = false;
  for (const issue of issues) {
    const step = ctx.step(issue.stepId);
    if (!step) continue;
    if (issue.code === "unknown_action") changed = replaceAction(ctx, step, ctx.catalog.list().filter((s) => isInFlows(s, ctx.plan.flows))) || changed;
    if (issue.code === "action_not_in_flow") {
      const inFlow = ctx.catalog.list().filter((s) => ctx.plan.flows.length > 0 && s.flows.some((f) => ctx.plan.flows.includes(f)));
      changed = replaceAction(ctx, step, inFlow) || changed;
    }
  }
  return changed;
}

function replaceAction(ctx: RepairContext, step: Step, pool: readonly ActionSpec[]): boolean {
  const scored = pool
    .map((spec) => ({ spec, ...scoreCandidate(ctx, step, spec) }))
    .filter((c) => c.total >= MIN_TOTAL)
    .sort((a, b) => b.total - a.total);
  const [best, next] = scored;
  if (!best || (next && best.total - next.total < MIN_MARGIN)) return false;
  const before = step.action;
  step.action = best.spec.id;
  remapInputs(ctx, step, best.spec);
  ctx.record({ kind: "action_name", stepId: step.id, message: `replaced the unknown action "${before}" in ${step.id} with ${best.spec.id} (${best.spec.title})` });
  return true;
}

/** Name similarity, with an exact title or id match counting fully, and type fit of inputs and readers. */
function scoreCandidate(ctx: RepairContext, step: Step, spec: ActionSpec): { total: number } {
  const written = step.action.replace(/@\d+$/, "");
  const exact = normalizeName(written) === normalizeName(spec.title) || normalizeName(written) === normalizeName(spec.id) || normalizeName(written) === normalizeName(spec.id.split(".").pop() ?? "");
  const name = exact ? 1 : Math.max(nameSimilarity(written, spec.id), nameSimilarity(written, spec.title), nameSimilarity(written, spec.id.split(".").pop() ?? ""));
  if (exact) return { total: 1.5 };
  const types = typeFit(ctx, step, spec);
  return { total: 0.5 * name * kindPenalty(written, spec.title) + 0.5 * types };
}

const KIND_WORDS = new Set(["image", "video", "audio", "text", "url", "table", "file", "csv", "json", "sql", "html", "email", "speech"]);

/**
 * Names that share words but mean something else: "Audio-to-Video" is not "Video-to-Audio",
 * and "Audio Search" is not "Video Search". Direction (X to Y) and the kinds of data named must agree.
 */
function kindPenalty(written: string, title: string): number {
  const a = normalizeName(written);
  const b = normalizeName(title);
  const dir = (s: string) => /(\w+) (?:to|into) (\w+)/.exec(s);
  const da = dir(a);
  const db = dir(b);
  if (da && db && (da[1] !== db[1] || da[2] !== db[2])) return 0.5;
  const ka = a.split(" ").filter((w) => KIND_WORDS.has(w));
  const kb = b.split(" ").filter((w) => KIND_WORDS.has(w));
  if (ka.length && kb.length && !ka.some((w) => kb.includes(w))) return 0.6;
  return 1;
}

/** -1..1: share of the step's bindings that fit some input of the candidate, and whether every reader accepts its output. */
function typeFit(ctx: RepairContext, step: Step, spec: ActionSpec): number {
  const props = isObject(spec.input.properties) ? (spec.input.properties as Record<string, JsonSchema>) : {};
  const bindings = Object.values(step.inputs);
  const free = new Set(Object.keys(props));
  let fitted = 0;
  let strayData = false;
  for (const b of bindings) {
    const slot = [...free].find((n) => bindingFits(ctx, b, props[n]));
    if (slot) { free.delete(slot); fitted++; }
    // An upstream output with nowhere to go says the candidate does something else.
    else if (b.kind === "step" && ctx.step(b.step)) strayData = true;
  }
  const required = Array.isArray(spec.input.required) ? (spec.input.required as string[]) : [];
  const slots = Math.max(bindings.length, required.length, 1);
  const inputs = fitted / slots;
  let readers = 1;
  for (const r of ctx.readersOf(step.id)) {
    if (!r.step || !r.input) continue;
    const target = ctx.inputSchemas(r.step)[r.input];
    if (target === undefined || isAnySchema(spec.output)) continue;
    const schema = r.binding.kind === "step" && r.binding.path?.length ? undefined : spec.output;
    if (schema !== undefined && !isAssignable(schema, target).ok) readers = -1;
  }
  if (strayData) return Math.min(0, (inputs + readers) / 2);
  return (inputs + readers) / 2;
}

function bindingFits(ctx: RepairContext, b: Binding, target: unknown): boolean {
  if (target === undefined) return false;
  if (b.kind === "literal") return checkValue(b.value, target).length === 0;
  if (b.kind === "input") return true;
  return ctx.fits(b, target);
}

/** Move the step's bindings onto the new action's inputs: same names stay, the rest by type in order. */
function remapInputs(ctx: RepairContext, step: Step, spec: ActionSpec) {
  const props = isObject(spec.input.properties) ? (spec.input.properties as Record<string, JsonSchema>) : {};
  const entries = Object.entries(step.inputs);
  const next: Record<string, Binding> = {};
  const leftovers: [string, Binding][] = [];
  for (const [name, b] of entries) {
    if (name in props && !(name in next)) next[name] = b;
    else leftovers.push([name, b]);
  }
  for (const [name, b] of leftovers) {
    const slot = Object.keys(props).find((n) => !(n in next) && bindingFits(ctx, b, props[n]));
    next[slot ?? name] = b;
  }
  step.inputs = next;
}
