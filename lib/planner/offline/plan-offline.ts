/**
 * The offline planner: deterministic, no LLM. The goal is cut into clauses; each clause picks
 * the action that matches it best lexically (BM25 with stemming and synonyms), weighed by
 * whether its typed inputs can be fed from what is already available; then the builder chains
 * the chosen actions by type and fills their inputs (see builder.ts). With a prior (what plan
 * memory learned of how people word requests for each action), a clause the catalog matches
 * chooses again with that evidence added. Same goal, catalog and memory, same plan.
 */
import type { ActionSpec } from "../../core/action";
import type { Coverage, GoalPart, UncoveredReason } from "../../core/coverage";
import type { CatalogView } from "../../core/catalog";
import { isAnySchema, isObject, type JsonSchema } from "../../core/json-schema";
import type { Binding, Plan, Step } from "../../core/plan";
import { dependenciesOf } from "../../core/plan";
import { upstreamOf } from "../../core/graph";
import { isAssignable } from "../../core/type-compat";
import { actionIndex, nameTerms, type ActionIndex } from "../retrieval";
import { isTypedSchema, kindOfSchema } from "../schema-kind";
import { normalizeWord, terms } from "../text/tokens";
import { sinkOutputs } from "../sink-outputs";
import { OfflineBuilder, requestText } from "./builder";
import { tableTerms } from "./table-slots";
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
  /** whether an LLM is configured: without one, actions that call an LLM are chosen only when nothing else does the part */
  llm?: boolean;
  /** evidence for actions beyond the catalog's words (plan memory: the requests each action served) */
  prior?: ActionPrior;
}

/** Scores of actions for a clause's terms from another source than the catalog, on the BM25 scale; 0 for no evidence. */
export interface ActionPrior {
  /** per action, and for clauses that asked for no action at all (`none`) */
  scoreTerms(query: readonly string[], actionIds: readonly string[]): { scores: number[]; none: number };
}

export interface OfflineResult {
  plan: Plan;
  notes: string[];
  /** each part of the goal (a clause that asks for something) with the steps that do it, or why none does */
  coverage: Coverage;
  /**
   * actions the prior chose where the catalog's words alone would have chosen another, with the
   * clause; without `action`, the prior said the clause sets the scene and asks for none
   */
  informed?: { action?: string; instead: string; clause: string }[];
}

/** Below this BM25 score a clause is not about any action (it sets the scene: "I have a video"). */
const MIN_SCORE = 2.2;
const CANDIDATES = 6;
const STATEMENT_FACTOR = 2.5;
/** how close the runner-up must score to be added as well, when one feeds the other */
const PAIR_RATIO = 0.6;
/** how close an action without an LLM must come to the best match that needs one to be chosen instead */
const LLM_ALTERNATIVE = 0.75;
/**
 * How much what remembered plans say counts against the catalog's own words (both BM25 over the
 * same terms): half. The catalog says what an action does; a remembered request says it only
 * through a guessed clause-to-step alignment, and one request is one person's wording.
 */
const PRIOR_WEIGHT = 0.5;

export function planOffline(request: OfflineRequest, catalog: CatalogView): OfflineResult {
  const avoid = new Set(request.avoidActions ?? []);
  const specs = catalog.list().filter((s) => !avoid.has(s.id));
  const index = actionIndex(specs);
  const literals = extractLiterals(request.goal);
  const clauses = splitClauses(request.goal, literals);
  const builder = new OfflineBuilder(request.goal, literals, specs, index, request.inputs ?? {});
  const maxSteps = request.maxSteps ?? 20;
  const base = request.basePlan ? seed(builder, request.basePlan, catalog) : 0;

  const parts: { clause: Clause; uncovered?: GoalPart["uncovered"]; alsoBy?: string[] }[] = [];
  const informed: NonNullable<OfflineResult["informed"]> = [];
  for (const clause of clauses) {
    const choice = choose(clause, specs, index, builder, request.llm ?? false, request.prior);
    if (choice.informed) {
      informed.push({ ...choice.informed, clause: clause.text });
      builder.notes.push(
        choice.informed.action
          ? `remembered plans chose ${choice.informed.action} for "${clause.text}" (the catalog's words alone: ${choice.informed.instead})`
          : `remembered requests set the scene like "${clause.text}": no step for it (the catalog's words alone: ${choice.informed.instead})`,
      );
    }
    if (choice.part) parts.push({ clause, uncovered: choice.uncovered });
    for (const pick of choice.picks) {
      if (builder.built.length >= maxSteps) break;
      // The same action again without anything new for it to work on is the same request said
      // twice, or more said about it ("sort it by revenue, highest first"): the step does this
      // part too, with what the part adds.
      const earlier = builder.built.find((b) => b.spec.id === pick.id);
      if (earlier && !hasNewInputFor(pick, clause, literals, builder)) {
        if (earlier.clause && earlier.clause.index === clause.index - 1) {
          const refined = builder.refine(earlier, `${earlier.clause.text} ${clause.text}`);
          const part = parts.find((p) => p.clause === clause);
          // The step does this part only when the part says more about it (an input changed) or
          // names it; else the part matched the action on other words and nothing does it.
          if (part && (refined || namesAction(clause, pick))) {
            part.alsoBy = [...(part.alsoBy ?? []), earlier.step.id];
            if (part.uncovered?.reason === "no_action") delete part.uncovered;
          }
        }
        continue;
      }
      const before = builder.built.length;
      const added = builder.add(pick, clause);
      if (clause.sequential && before > base) orderAfterPrevious(builder.steps, added.step, builder.built[before - 1]?.step);
    }
  }
  for (const id of request.useActions ?? []) {
    const spec = specs.find((s) => s.id === id);
    if (spec && !builder.built.some((b) => b.spec.id === id) && builder.built.length < maxSteps) builder.add(spec, undefined);
  }
  presentRefinedData(builder);
  const whole: Clause = { index: 0, text: request.goal, words: request.goal, literals: literals.map((_, i) => i), sequential: false, request: true, start: 0, end: request.goal.length };
  // No clause asks for anything an action does: the whole goal is the one part nothing covers.
  if (builder.built.length === base && specs.length && !parts.length) parts.push({ clause: whole });
  const coverage: Coverage = {
    parts: parts.map(({ clause, uncovered, alsoBy }) => {
      const steps = [...(alsoBy ?? []), ...builder.built.filter((b) => b.clause === clause).map((b) => b.step.id)];
      const part: GoalPart = { text: clause.text, start: clause.start, end: clause.start + clause.text.length, steps };
      if (uncovered) part.uncovered = uncovered;
      else if (!steps.length) part.uncovered = noAction(clause, specs, index);
      return part;
    }),
  };
  if (builder.built.length === base && coverage.parts.length) {
    // Read as a whole, the goal may still clearly be about one action (its clauses alone were
    // not): that action is offered as a guess, in a draft that says nothing covers the goal.
    const guess = index.search(request.goal, 3).find((r) => (request.llm || !r.spec.usesLlm) && r.score >= MIN_SCORE);
    if (guess && builder.built.length < maxSteps) {
      const added = builder.add(guess.spec, whole);
      const first = coverage.parts[0];
      first.steps = [added.step.id];
      first.uncovered = { reason: "no_action", message: `No action clearly does this; ${guess.spec.title} (${guess.spec.id}) is the closest, a guess to check.`, actions: [guess.spec.id] };
      builder.notes.push(`no part of the goal clearly matches an action; "${guess.spec.id}" is the closest`);
    } else {
      builder.notes.push("no part of the goal matches an action of the catalog");
    }
  }
  const steps = builder.steps.slice(0, Math.max(maxSteps, base));
  const plan: Plan = {
    goal: request.goal,
    flows: request.flows ?? [],
    inputs: [...(request.basePlan?.inputs ?? []), ...builder.planInputs.filter((p) => !request.basePlan?.inputs.some((b) => b.name === p.name))],
    steps,
    outputs: sinkOutputs(steps),
  };
  return { plan, notes: builder.notes, coverage, ...(informed.length ? { informed } : {}) };
}

/**
 * Why no action does a part: its words name nothing any action is about (no_action), or they
 * name only what actions work on, not what to do with it ("help me with my data": needs_value).
 * Either way, the actions that come closest.
 */
function noAction(clause: Clause, specs: readonly ActionSpec[], index: ActionIndex): NonNullable<GoalPart["uncovered"]> {
  const query = terms(clause.words);
  const known = query.filter((t) => index.knows(t));
  const actions = index.search(clause.words, 3).map((r) => r.spec.id);
  const reason: UncoveredReason = known.length && known.length >= query.length / 2 ? "needs_value" : "no_action";
  const message =
    reason === "needs_value"
      ? `"${clause.text}" does not say what to do or with what: name the operation and the data (a file, a table, a URL).`
      : `No action in the catalog does "${clause.text}".`;
  return { reason, message, actions };
}

/**
 * Refinements of data apply before its presentation: when a later clause transforms a table
 * ("… and sort it by revenue") that an earlier step only presents (a chart, a file), the
 * presenting step takes the refined table instead.
 */
function presentRefinedData(builder: OfflineBuilder) {
  const built = builder.built;
  for (let j = 0; j < built.length; j++) {
    const refine = built[j];
    const tableIn = Object.entries(refine.step.inputs).find(([name, b]) => b.kind === "step" && kindOfSchema(inputSchema(refine.spec, name)) === "table");
    const outField = tableField(refine.spec.output);
    if (!tableIn || outField === undefined) continue;
    const source = tableIn[1] as Extract<Binding, { kind: "step" }>;
    for (let i = 0; i < j; i++) {
      const present = built[i];
      if (present.step.id === source.step || tableField(present.spec.output) !== undefined) continue;
      if (built.some((b) => dependenciesOf(b.step).includes(present.step.id))) continue;
      const entry = Object.entries(present.step.inputs).find(([, b]) => b.kind === "step" && b.step === source.step && (b.path ?? []).join(".") === (source.path ?? []).join("."));
      if (!entry) continue;
      present.step.inputs[entry[0]] = outField ? { kind: "step", step: refine.step.id, path: [outField] } : { kind: "step", step: refine.step.id };
      // It now runs after the refinement: move it there, so the plan reads in order.
      built.splice(i, 1);
      built.splice(j, 0, present);
      present.step.after = present.step.after?.filter((a) => a !== refine.step.id);
      if (present.step.after && !present.step.after.length) delete present.step.after;
      refine.step.after = refine.step.after?.filter((a) => a !== present.step.id);
      if (refine.step.after && !refine.step.after.length) delete refine.step.after;
      builder.notes.push(`${present.step.id} presents the table after ${refine.step.id}, which the goal asks to apply to it`);
      return;
    }
  }
}

function inputSchema(spec: ActionSpec, name: string): JsonSchema {
  const props = isObject(spec.input.properties) ? (spec.input.properties as Record<string, JsonSchema>) : {};
  return props[name] ?? {};
}

/** The output field that holds a table ("" for a bare table output), or undefined. */
function tableField(output: JsonSchema): string | undefined {
  if (kindOfSchema(output) === "table") return "";
  const props = isObject(output.properties) ? (output.properties as Record<string, JsonSchema>) : {};
  return Object.keys(props).find((k) => kindOfSchema(props[k]) === "table");
}

/**
 * The clause's actions: the best by BM25 relevance times how well it fits what is available
 * (see `fit`), plus, when the runner-up is nearly as relevant and one feeds the other (a report
 * to write, a dataset to aggregate), the runner-up too, producer first.
 */
interface Choice {
  picks: ActionSpec[];
  /** whether the clause is a part of the goal (it asks for something, or an action does it) */
  part: boolean;
  uncovered?: GoalPart["uncovered"];
  /** the prior changed the best action (no action: the prior says the clause asks for none) */
  informed?: { action?: string; instead: string };
}

function choose(clause: Clause, specs: readonly ActionSpec[], index: ActionIndex, builder: OfflineBuilder, llm: boolean, prior?: ActionPrior): Choice {
  const query = terms(clause.words);
  if (!query.length) return { picks: [], part: false };
  // A sentence that only sets the scene ("I recorded a video") needs a much clearer match.
  const min = clause.request ? MIN_SCORE : MIN_SCORE * STATEMENT_FACTOR;
  const previews = new Map<string, ReturnType<OfflineBuilder["dryRun"]>>();
  const preview = (spec: ActionSpec) => {
    let p = previews.get(spec.id);
    if (!p) previews.set(spec.id, (p = builder.dryRun(spec, clause)));
    return p;
  };
  // An action that puts more of what the clause names of the data at hand (its columns, their
  // values) to use fits the clause better: "keep the rows where region is West" fills a filter's
  // condition with both words, a column list with one.
  const data = builder.dataTerms();
  const named = new Set(query.filter((t) => data.has(t)));
  const uses = named.size ? (p: Valued["preview"]) => usedTerms(p.inputs, named) : () => 0;
  const lexical = index.scoreTerms(query);
  let pick = bestOf(lexical, specs, min, llm, preview, uses);
  // The catalog's words decide whether the clause asks for an action at all; what remembered
  // plans say only changes which one (unless they say clauses like it asked for none).
  if (!pick.best) return { picks: [], part: clause.request };
  const lexicalBest = pick.best.spec.id;
  if (prior) {
    const extra = prior.scoreTerms(query, specs.map((s) => s.id));
    // A sentence that sets the scene, worded like the scene-setting of remembered requests more
    // than like any request an action served ("I've been keeping an eye on the market"): no step.
    if (!clause.request && extra.none >= min && extra.none > Math.max(...extra.scores)) return { picks: [], part: false, informed: { instead: pick.best.spec.id } };
    if (Math.max(...extra.scores) > extra.none) {
      const combined = lexical.map((s, i) => s + extra.scores[i] * PRIOR_WEIGHT);
      const informed = bestOf(combined, specs, min, llm, preview, uses);
      // Memory chooses among words, never against the data at hand: when the catalog's choice
      // takes what the latest step made, so must memory's ("write the counts to counts.json"
      // after counting stays data.write_file even where remembered reports wrote with files.write).
      if (informed.best && (informed.best.preview.chained || !pick.best.preview.chained)) pick = informed;
    }
  }
  const { ranked, usable, best } = pick;
  if (!best) return { picks: [], part: clause.request };
  const informed = best.spec.id !== lexicalBest ? { action: best.spec.id, instead: lexicalBest } : undefined;
  const needsLlm = !llm && best.spec.usesLlm === true;
  // Backward chaining within the clause: a nearly as relevant action that makes what the best
  // one would otherwise have to ask for, or take from further back ("write a report").
  const used = new Set(builder.built.map((b) => b.spec.id));
  const others = usable.filter((r) => r !== best && !used.has(r.spec.id));
  const producer = others.find((r) => r.score >= best.score * PAIR_RATIO && feedsWeakInput(r.spec, best.spec, best.preview));
  // Forward: "chart revenue … from the sales CSV" asks to load, then chart. The clause names
  // what to do before "from" and where the data comes from after it; the best match is the
  // source, and an action named before "from" that takes what it makes goes after it.
  // Without "from", a goal that opens with an imperative whose verb names another action than
  // the best match ("Sort the sample sales CSV by revenue") asks for that action on what the best
  // match makes. Only the first step: later, the verb's action chains from the steps before.
  const from = /\bfrom\b/i.exec(clause.words);
  const asked = from || !clause.request || builder.built.length > 0 ? undefined : leadingVerb(clause.text);
  const verbTerms = asked ? terms(asked) : [];
  const bestName = new Set(nameTerms(best.spec));
  const before = from ? terms(clause.words.slice(0, from.index)) : verbTerms.filter((t) => !bestName.has(t));
  const after = from ? new Set(terms(clause.words.slice(from.index))) : new Set<string>();
  const sourceIsBest = from !== null ? terms(`${best.spec.title} ${best.spec.description}`).some((t) => after.has(t)) : before.length > 0;
  const consumer =
    (producer || !sourceIsBest || (!from && best.preview.answers) ? undefined : ranked.find((r) => r.spec !== best.spec && r.score >= min && !used.has(r.spec.id) && (llm || !r.spec.usesLlm) && namedByTitle(r.spec, best.spec, before, specs) && takesOutputOf(r.spec, best.spec))) ??
    // A source whose input was written from the clause's question (a query) answers it: nothing goes after it.
    (producer || best.preview.answers ? undefined : tableConsumer(clause, best.spec, tableTerms(best.preview.table), specs, index, min, llm, used));
  const picks = producer ? [producer.spec, best.spec] : consumer ? [best.spec, consumer.spec] : [best.spec];
  const grouped = groupingStep(clause, picks, specs, builder);
  if (grouped) picks.splice(picks.length - 1, 0, grouped);
  // "Book a table", "pay the bill", "email the report": an imperative whose verb none of the
  // chosen actions is about asks for an operation they do not do, whatever the nouns after it
  // match (unless a query written from the clause answers it). The match stays,
  // as a guess, but the part is not covered.
  const verb = clause.request ? leadingVerb(clause.text) : undefined;
  const foreignVerb = verb !== undefined && !GENERIC_VERBS.has(verb) && !best.preview.answers && !picks.some((p) => index.describes(p, normalizeWord(verb)));
  return {
    picks,
    part: true,
    ...(informed ? { informed } : {}),
    ...(needsLlm
      ? { uncovered: { reason: "needs_llm" as const, message: `${best.spec.title} needs an LLM, and none is configured.`, actions: [best.spec.id] } }
      : foreignVerb
        ? { uncovered: { reason: "no_action" as const, message: `No action is about "${verb}"; ${best.spec.title} only matches other words of it, a guess to check.`, actions: [best.spec.id] } }
        : {}),
  };
}

interface Valued {
  spec: ActionSpec;
  score: number;
  preview: ReturnType<OfflineBuilder["dryRun"]>;
  value: number;
}

/**
 * The clause's best action for the given relevance scores: the most relevant candidates, each
 * valued by how it fits (see `fit`); without an LLM, one that needs none unless only an LLM
 * action fits nearly as well. No best when nothing reaches `min`.
 */
function bestOf(scores: readonly number[], specs: readonly ActionSpec[], min: number, llm: boolean, preview: (spec: ActionSpec) => Valued["preview"], uses: (preview: Valued["preview"]) => number): { ranked: { spec: ActionSpec; score: number }[]; usable: Valued[]; best?: Valued } {
  const ranked = scores
    .map((score, i) => ({ spec: specs[i], score }))
    .filter((s) => s.score >= min * 0.6)
    .sort((a, b) => b.score - a.score)
    .slice(0, CANDIDATES);
  if (!ranked.length) return { ranked, usable: [] };
  const top = ranked[0].score;
  const valued: Valued[] = ranked
    .filter((r) => r.score >= top * 0.5)
    .map((r) => {
      const p = preview(r.spec);
      return { ...r, preview: p, value: r.score * fit(p) * USES_DATA ** uses(p) };
    })
    .sort((a, b) => b.value - a.value);
  // Without an LLM, an action that needs one is chosen only when nothing else does the part.
  // "Else" means an action that fits nearly as well, not one that merely scores.
  const usable = llm ? valued : valued.filter((r) => !r.spec.usesLlm);
  const best = usable[0] && usable[0].value >= min && usable[0].value >= valued[0].value * LLM_ALTERNATIVE ? usable[0] : valued[0];
  return { ranked, usable, best: best && best.value >= min ? best : undefined };
}

/**
 * Verbs that say little about which operation is meant ("get me…", "figure out…", "tell me…"):
 * never a reason on their own to say no action fits.
 */
const GENERIC_VERBS = new Set(
  "do make get give show tell let find figure see check look know understand identify determine work take put turn bring keep help try provide explain describe handle deal go come start finish complete need want run use create produce prepare process manage perform execute answer solve compute calculate".split(" "),
);

/** The clause's first word when it reads as an imperative ("Book me a flight" → book), after politeness. */
function leadingVerb(text: string): string | undefined {
  const first = /^([A-Za-z]+)\b/.exec(requestText(text))?.[1]?.toLowerCase();
  if (!first || first.length < 3) return undefined;
  // Words that start descriptions and questions rather than commands.
  if (/^(the|this|that|these|those|there|what|which|who|how|why|when|where|some|any|all|each|every|my|our|your|its|their|it|an?|i|we|you|he|she|they|also|just|now|then|so|and|but|or|if|in|on|at|for|with|from|by|of|to)$/.test(first)) return undefined;
  return first;
}

/**
 * Whether the clause names the action by a word of its title that tells it apart: one the
 * best action's title does not have and at most one other action's title has ("chart").
 */
function namedByTitle(spec: ActionSpec, best: ActionSpec, query: readonly string[], specs: readonly ActionSpec[]): boolean {
  const q = new Set(query);
  const titleTerms = (s: ActionSpec) => new Set(terms(`${s.title} ${s.id.split(".").pop() ?? ""}`));
  const bestTerms = titleTerms(best);
  return [...titleTerms(spec)].some((t) => q.has(t) && !bestTerms.has(t) && specs.filter((s) => titleTerms(s).has(t)).length <= 2);
}

/** Whether the clause's words include a word of the action's title or id ("sort" for data.sort). */
function namesAction(clause: Clause, spec: ActionSpec): boolean {
  const name = new Set(nameTerms(spec));
  return terms(clause.words).some((t) => name.has(t));
}

/**
 * "What is the average revenue per region in the sample sales CSV": the best match makes a table
 * the clause names after "from" or "in"; what the words before it ask for, when they are more
 * about another action than the source, is the action that matches them best among those that
 * take that table.
 */
function tableConsumer(clause: Clause, source: ActionSpec, data: ReadonlySet<string>, specs: readonly ActionSpec[], index: ActionIndex, min: number, llm: boolean, used: ReadonlySet<string>): { spec: ActionSpec } | undefined {
  if (tableField(source.output) === undefined) return undefined;
  const sourceTerms = new Set(terms(`${source.title} ${source.description}`));
  const cuts = [...clause.words.matchAll(/\b(?:from|in)\b/gi)].map((m) => m.index);
  for (const at of [...cuts, undefined]) {
    // Without "from" or "in" ("Total the sample sales by region"), what the clause says beyond
    // the source's own words.
    if (at !== undefined && !terms(clause.words.slice(at)).some((t) => sourceTerms.has(t))) continue;
    const before = at === undefined ? terms(clause.words).filter((t) => !sourceTerms.has(t)) : terms(clause.words.slice(0, at));
    if (!before.length) return undefined;
    const scores = index.scoreTerms(before);
    // The words before must be more about another action than the source ("the 3 customers with
    // the highest total order value in the shop database" is what the query answers), leaving out
    // those that name the table's columns and values: they say what to work on, not what to do.
    const doing = index.scoreTerms(before.filter((t) => !data.has(t)));
    const own = doing[specs.indexOf(source)] ?? 0;
    let best: { spec: ActionSpec; score: number } | undefined;
    specs.forEach((spec, i) => {
      if (spec === source || used.has(spec.id) || (!llm && spec.usesLlm) || scores[i] < min || doing[i] <= own || !takesTableOf(spec, source)) return;
      if (!best || scores[i] > best.score) best = { spec, score: scores[i] };
    });
    return best;
  }
  return undefined;
}

/** Whether a required table input of `consumer` takes the table `producer` makes. */
function takesTableOf(consumer: ActionSpec, producer: ActionSpec): boolean {
  const props = isObject(consumer.input.properties) ? (consumer.input.properties as Record<string, JsonSchema>) : {};
  const required = Array.isArray(consumer.input.required) ? (consumer.input.required as string[]) : [];
  return required.some((name) => kindOfSchema(props[name]) === "table") && takesOutputOf(consumer, producer);
}

/** Whether a required structured input of `consumer` takes `producer`'s output (or a field of it). */
function takesOutputOf(consumer: ActionSpec, producer: ActionSpec): boolean {
  const props = isObject(consumer.input.properties) ? (consumer.input.properties as Record<string, JsonSchema>) : {};
  const required = Array.isArray(consumer.input.required) ? (consumer.input.required as string[]) : [];
  const outProps = isObject(producer.output.properties) ? (producer.output.properties as Record<string, JsonSchema>) : {};
  return required.some((name) => {
    const target = props[name];
    if (!STRONG_KINDS.has(kindOfSchema(target))) return false;
    if (!isAnySchema(producer.output) && isAssignable(producer.output, target).ok) return true;
    return Object.values(outProps).some((s) => !isAnySchema(s) && isAssignable(s, target).ok);
  });
}

/**
 * "Chart revenue by product": a measure per value of a column needs the rows grouped first.
 * When the clause groups by a column the data has, the last pick presents or takes that
 * grouping (x, groupBy) without grouping itself, and the catalog has an action that groups
 * (groupBy + aggregates inputs), that action goes before it.
 */
function groupingStep(clause: Clause, picks: readonly ActionSpec[], specs: readonly ActionSpec[], builder: OfflineBuilder): ActionSpec | undefined {
  // One pick (a clause of its own: "…, and chart revenue by product") presents the latest table
  // when it draws categories (an x input) from a table.
  const alone = picks.length === 1 && builder.built.length > 0 && presentsCategories(picks[0]);
  if (picks.length < 2 && !alone) return undefined;
  const groups = (s: ActionSpec) => {
    const props = isObject(s.input.properties) ? Object.keys(s.input.properties) : [];
    return props.some((p) => /^group_?by$/i.test(p)) && props.some((p) => /^aggregates?$/i.test(p));
  };
  if (picks.some(groups)) return undefined;
  const grouping = specs.find(groups);
  if (!grouping || builder.built.some((b) => b.spec === grouping)) return undefined;
  return builder.groupsBy(clause, alone ? undefined : picks[picks.length - 2]) ? grouping : undefined;
}

/** Whether an action draws one point per row of a table input along a category input (`x`). */
function presentsCategories(spec: ActionSpec): boolean {
  const props = isObject(spec.input.properties) ? (spec.input.properties as Record<string, JsonSchema>) : {};
  return "x" in props && Object.values(props).some((s) => kindOfSchema(s) === "table");
}

/** How much better an action fits for each word of the data at hand that its inputs put to use. */
const USES_DATA = 1.1;

/** How many of `named` (terms of the data at hand) the values given to the inputs hold. */
function usedTerms(inputs: Record<string, Binding>, named: ReadonlySet<string>): number {
  const found = new Set<string>();
  for (const b of Object.values(inputs)) {
    if (b.kind !== "literal" || b.value === null || typeof b.value !== "object") continue;
    for (const t of terms(JSON.stringify(b.value).replace(/[_{}[\]":,]/g, " "))) if (named.has(t)) found.add(t);
  }
  return found.size;
}

/**
 * Continuing from the latest step is good, and answering the clause's question outright (a query
 * written from it) better; asking the person for values or adding converters is not.
 */
function fit(preview: { planInputs: number; converters: number; chained: boolean; answers?: boolean }): number {
  return (preview.chained ? 1.15 : 1) * (preview.answers ? 1.5 : 1) * 0.75 ** preview.planInputs * 0.9 ** preview.converters;
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
