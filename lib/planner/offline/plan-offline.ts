/**
 * The offline planner: deterministic, no LLM. The goal is cut into clauses; each clause picks
 * the action that matches it best lexically (BM25 with stemming and synonyms), weighed by
 * whether its typed inputs can be fed from what is already available; then the builder chains
 * the chosen actions by type and fills their inputs (see builder.ts). Same goal and catalog,
 * same plan.
 */
import type { ActionSpec } from "../../core/action";
import type { CatalogView } from "../../core/catalog";
import { isAnySchema, isObject, type JsonSchema } from "../../core/json-schema";
import type { Binding, Plan, Step } from "../../core/plan";
import { dependenciesOf } from "../../core/plan";
import { upstreamOf } from "../../core/graph";
import { isAssignable } from "../../core/type-compat";
import { actionIndex, type ActionIndex } from "../retrieval";
import { isTypedSchema, kindOfSchema } from "../schema-kind";
import { terms } from "../text/tokens";
import { sinkOutputs } from "../sink-outputs";
import { OfflineBuilder } from "./builder";
import { splitClauses, type Clause } from "./clauses";
import { extractLiterals, type GoalLiteral } from "./literals";

export interface OfflineRequest {
  goal: string;
  flows?: string[];
  /** values the person already gave, by plan input name */
  inputs?: Record<string, unknown>;
  maxSteps?: number;
  useActions?: string[];
  avoidActions?: string[];
  /** an earlier plan the new goal builds on: its steps are kept and new steps chain from them */
  basePlan?: Plan;
}

export interface OfflineResult {
  plan: Plan;
  notes: string[];
}

/** Below this BM25 score a clause is not about any action (it sets the scene: "I have a video"). */
const MIN_SCORE = 2.2;
const CANDIDATES = 6;
const STATEMENT_FACTOR = 2.5;
/** how close the runner-up must score to be added as well, when one feeds the other */
const PAIR_RATIO = 0.6;

export function planOffline(request: OfflineRequest, catalog: CatalogView): OfflineResult {
  const avoid = new Set(request.avoidActions ?? []);
  const specs = catalog.list().filter((s) => !avoid.has(s.id));
  const index = actionIndex(specs);
  const literals = extractLiterals(request.goal);
  const clauses = splitClauses(request.goal, literals);
  const builder = new OfflineBuilder(request.goal, literals, specs, index, request.inputs ?? {});
  const maxSteps = request.maxSteps ?? 20;
  const base = request.basePlan ? seed(builder, request.basePlan, catalog) : 0;

  for (const clause of clauses) {
    for (const pick of choose(clause, specs, index, builder)) {
      if (builder.built.length >= maxSteps) break;
      // The same action again without anything new for it to work on is the same request said twice.
      if (builder.built.some((b) => b.spec.id === pick.id) && !hasNewInputFor(pick, clause, literals, builder)) continue;
      const before = builder.built.length;
      const added = builder.add(pick, clause);
      if (clause.sequential && before > base) orderAfterPrevious(builder.steps, added.step, builder.built[before - 1]?.step);
    }
  }
  for (const id of request.useActions ?? []) {
    const spec = specs.find((s) => s.id === id);
    if (spec && !builder.built.some((b) => b.spec.id === id) && builder.built.length < maxSteps) builder.add(spec, undefined);
  }
  if (builder.built.length === base && specs.length) {
    // No clause was clearly about an action: take the closest match for the whole goal, and say so.
    const best = index.search(request.goal, 1)[0]?.spec ?? closestByTrigrams(request.goal, specs);
    builder.add(best, { index: 0, text: request.goal, words: request.goal, literals: literals.map((_, i) => i), sequential: false, request: true, start: 0, end: request.goal.length });
    builder.notes.push(`no part of the goal clearly matches an action; "${best.id}" is the closest`);
  }
  const steps = builder.steps.slice(0, Math.max(maxSteps, base));
  const plan: Plan = {
    goal: request.goal,
    flows: request.flows ?? [],
    inputs: [...(request.basePlan?.inputs ?? []), ...builder.planInputs.filter((p) => !request.basePlan?.inputs.some((b) => b.name === p.name))],
    steps,
    outputs: sinkOutputs(steps),
  };
  return { plan, notes: builder.notes };
}

/**
 * The clause's actions: the best by BM25 relevance times how well it fits what is available
 * (see `fit`), plus, when the runner-up is nearly as relevant and one feeds the other (a report
 * to write, a dataset to aggregate), the runner-up too, producer first.
 */
function choose(clause: Clause, specs: readonly ActionSpec[], index: ActionIndex, builder: OfflineBuilder): ActionSpec[] {
  const query = terms(clause.words);
  if (!query.length) return [];
  const scores = index.scoreTerms(query);
  // A sentence that only sets the scene ("I recorded a video") needs a much clearer match.
  const min = clause.request ? MIN_SCORE : MIN_SCORE * STATEMENT_FACTOR;
  const ranked = scores
    .map((score, i) => ({ spec: specs[i], score }))
    .filter((s) => s.score >= min * 0.6)
    .sort((a, b) => b.score - a.score)
    .slice(0, CANDIDATES);
  if (!ranked.length) return [];
  const top = ranked[0].score;
  const valued = ranked
    .filter((r) => r.score >= top * 0.5)
    .map((r) => {
      const preview = builder.dryRun(r.spec, clause);
      return { ...r, preview, value: r.score * fit(preview) };
    })
    .sort((a, b) => b.value - a.value);
  const best = valued[0];
  if (!best || best.value < min) return [];
  // Backward chaining within the clause: a nearly as relevant action that makes what the best
  // one would otherwise have to ask for, or take from further back ("write a report").
  const used = new Set(builder.built.map((b) => b.spec.id));
  const producer = valued.find((r) => r !== best && r.score >= best.score * PAIR_RATIO && !used.has(r.spec.id) && feedsWeakInput(r.spec, best.spec, best.preview));
  return producer ? [producer.spec, best.spec] : [best.spec];
}

/** Continuing from the latest step is good; asking the person for values or adding converters is not. */
function fit(preview: { planInputs: number; converters: number; chained: boolean }): number {
  return (preview.chained ? 1.15 : 1) * 0.75 ** preview.planInputs * 0.9 ** preview.converters;
}

/**
 * Whether `producer` makes a natural value for a required input of `consumer` that the preview
 * fills weakly: with a plan input, with an output from further back than the latest step, or
 * with a content field of another name (an SVG where a report's text is meant).
 */
function feedsWeakInput(producer: ActionSpec, consumer: ActionSpec, preview: { inputs: Record<string, Binding>; latest?: string }): boolean {
  const props = isObject(consumer.input.properties) ? (consumer.input.properties as Record<string, JsonSchema>) : {};
  const required = Array.isArray(consumer.input.required) ? (consumer.input.required as string[]) : [];
  const outProps = isObject(producer.output.properties) ? (producer.output.properties as Record<string, JsonSchema>) : {};
  return required.some((name) => {
    const target = props[name];
    const kind = kindOfSchema(target);
    const content = CONTENT.has(name.toLowerCase()) && kind === "string";
    if (!STRONG_KINDS.has(kind) && !content) return false;
    const now = preview.inputs[name];
    const weak = !now || now.kind === "input" || (now.kind === "step" && (now.step !== preview.latest || (content && now.path?.[0] !== name)));
    if (!weak) return false;
    if (!content && !isAnySchema(producer.output) && isAssignable(producer.output, target).ok && kindOfSchema(producer.output) === kind) return true;
    return Object.entries(outProps).some(([field, s]) => !isAnySchema(s) && isAssignable(s, target).ok && (content ? CONTENT.has(field.toLowerCase()) : kindOfSchema(s) === kind));
  });
}

const CONTENT = new Set(["text", "content", "markdown", "body", "html"]);
const STRONG_KINDS = new Set(["table", "image", "audio", "video", "uri"]);

function hasNewInputFor(spec: ActionSpec, clause: Clause, literals: readonly GoalLiteral[], builder: OfflineBuilder): boolean {
  const props = isObject(spec.input.properties) ? Object.values(spec.input.properties) : [];
  return clause.literals.some((i) => !builder.isLiteralUsed(i) && props.some((p) => isTypedSchema(p) && literalFits(literals[i], p)));
}

function literalFits(lit: GoalLiteral | undefined, target: unknown): boolean {
  if (!lit || !isObject(target)) return false;
  const f = target.format;
  if (f === "image" || f === "audio" || f === "video") return lit.kind === f;
  if (f === "uri" || f === "url") return lit.kind === "url";
  if (f === "date") return lit.kind === "date";
  if (target.type === "number" || target.type === "integer") return lit.kind === "number";
  return false;
}

/** "…, then X": X waits for the step before it when no data connects them. */
function orderAfterPrevious(steps: Step[], step: Step, previous: Step | undefined) {
  if (!previous || previous.id === step.id) return;
  if (upstreamOf(steps, step.id).has(previous.id)) return;
  if (dependenciesOf(previous).includes(step.id)) return;
  step.after = [...(step.after ?? []), previous.id];
}

function seed(builder: OfflineBuilder, base: Plan, catalog: CatalogView): number {
  for (const step of base.steps) {
    const spec = catalog.get(step.action);
    if (spec) builder.adopt(step, spec);
  }
  return builder.built.length;
}

/** The action whose title and description share the most letter trigrams with the goal's words. */
function closestByTrigrams(goal: string, specs: readonly ActionSpec[]): ActionSpec {
  const grams = (text: string) => {
    const out = new Set<string>();
    for (const w of terms(text)) for (let i = 0; i + 3 <= w.length + 2; i++) out.add(` ${w} `.slice(i, i + 3));
    return out;
  };
  const g = grams(goal);
  let best = specs[0];
  let bestScore = -1;
  for (const spec of specs) {
    const a = grams(`${spec.title} ${spec.description}`);
    let shared = 0;
    for (const t of a) if (g.has(t)) shared++;
    const score = shared / Math.sqrt(a.size || 1);
    if (score > bestScore) { best = spec; bestScore = score; }
  }
  return best;
}
