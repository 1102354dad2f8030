/**
 * Coverage on the planner's side: checking what an LLM claims its plan covers, finding the
 * parts of a goal when the answer claims nothing, what would help with the parts nothing
 * covers, and the status a plan has given its coverage.
 *
 * A claim holds only when the plan backs it: the steps exist, every value the part states (a
 * file name, a URL, a number, a date, quoted text) reaches those steps or what feeds them, and
 * the part shares a word with what the steps' actions are about (title, description, inputs).
 * "The 3 customers …" claimed by a step that lists tables fails the first test that matters:
 * the 3 is nowhere in the plan.
 */
import type { ActionSpec } from "../core/action";
import type { CatalogView } from "../core/catalog";
import { coverageForSteps, fullyCovered, uncoveredParts, type Coverage, type GoalPart } from "../core/coverage";
import { upstreamOf } from "../core/graph";
import { isObject } from "../core/json-schema";
import type { Plan, Step } from "../core/plan";
import { splitClauses } from "./offline/clauses";
import { extractLiterals } from "./offline/literals";
import type { MissingInput, PlanHelp, PlanStatus } from "./request";
import { actionIndex } from "./retrieval";
import { terms } from "./text/tokens";
import type { WireCoverage } from "./wire-plan";

/** The model's claims, checked against the plan. Parts it left out are found and checked the same way. */
export function checkClaims(goal: string, claims: readonly WireCoverage[], plan: Plan, catalog: CatalogView): Coverage {
  if (!claims.length) return coverageByWords(goal, plan, catalog);
  const ids = new Set(plan.steps.map((s) => s.id));
  const parts: GoalPart[] = claims.map((c) => {
    const text = c.part.trim();
    const at = goal.toLowerCase().indexOf(text.toLowerCase());
    const where = at >= 0 ? { start: at, end: at + text.length } : {};
    if (c.missing) {
      return { text, ...where, steps: [], uncovered: { reason: c.missing, message: c.note.trim() || (c.missing === "needs_value" ? "The goal leaves out a value this needs." : "No action of the catalog does this.") } };
    }
    const unknown = c.steps.filter((s) => !ids.has(s));
    const steps = c.steps.filter((s) => ids.has(s));
    const problem = !steps.length
      ? unknown.length
        ? `The plan has no step ${unknown.join(", ")}, which the answer said does this.`
        : "No step of the plan does this."
      : whyNot(text, steps, plan, catalog);
    if (problem) return { text, ...where, steps: [], uncovered: { reason: "no_action", message: problem } };
    return { text, ...where, steps };
  });
  return { parts };
}

/**
 * Why the steps do not do the part, or undefined when they may: a value the part states that
 * nothing in the steps (or what feeds them) carries, or no word in common with their actions.
 */
function whyNot(part: string, stepIds: readonly string[], plan: Plan, catalog: CatalogView): string | undefined {
  const steps = plan.steps.filter((s) => stepIds.includes(s.id));
  const feeding = new Set<string>(stepIds);
  for (const id of stepIds) for (const u of upstreamOf(plan.steps, id)) feeding.add(u);
  const carried = plan.steps
    .filter((s) => feeding.has(s.id))
    .flatMap((s) => Object.values(s.inputs).map((b) => (b.kind === "literal" ? JSON.stringify(b.value) : b.kind === "input" ? JSON.stringify(plan.inputs.find((i) => i.name === b.name)?.default ?? "") : "")))
    .join(" ")
    .toLowerCase();
  for (const lit of extractLiterals(part)) {
    const shown = String(lit.value).toLowerCase();
    if (!carried.includes(shown) && !carried.includes(lit.text.toLowerCase())) {
      return `The answer said ${stepIds.join(", ")} ${stepIds.length === 1 ? "does" : "do"} this, but "${lit.text}" is not in ${stepIds.length === 1 ? "that step" : "those steps"}.`;
    }
  }
  const partTerms = new Set(terms(part));
  if (!partTerms.size) return undefined;
  const about = steps.flatMap((s) => stepTerms(s, catalog.get(s.action)));
  if (!about.some((t) => partTerms.has(t))) {
    return `The answer said ${stepIds.join(", ")} ${stepIds.length === 1 ? "does" : "do"} this, but ${stepIds.length === 1 ? "its action is" : "their actions are"} about something else.`;
  }
  return undefined;
}

/**
 * What a step is about: its action's title and id, the inputs it takes (names and their
 * descriptions) and the values it is given. Not the whole description (a tool that lists a
 * database's tables mentions customers without finding any), and not the label the model wrote.
 */
function stepTerms(step: Step, spec: ActionSpec | undefined): string[] {
  const props = spec && isObject(spec.input.properties) ? spec.input.properties : {};
  const inputs = Object.entries(props).map(([name, s]) => `${name} ${isObject(s) && typeof s.description === "string" ? s.description : ""}`).join(" ");
  const literals = Object.values(step.inputs).map((b) => (b.kind === "literal" ? (typeof b.value === "string" ? b.value : JSON.stringify(b.value)) : "")).join(" ");
  return terms(`${spec?.title ?? ""} ${step.action.replace(/[._]/g, " ")} ${inputs} ${literals}`);
}

/**
 * Coverage when the answer claims none (an older answer shape): the goal's clauses that ask
 * for something, each with the steps whose actions its words are about.
 */
export function coverageByWords(goal: string, plan: Plan, catalog: CatalogView): Coverage {
  const clauses = splitClauses(goal, extractLiterals(goal)).filter((c) => c.request && terms(c.words).length);
  return {
    parts: clauses.map((c) => {
      const ct = new Set(terms(c.text));
      const steps = plan.steps.filter((s) => terms(`${catalog.get(s.action)?.title ?? ""} ${s.action.replace(/[._]/g, " ")} ${s.label ?? ""}`).some((t) => ct.has(t))).map((s) => s.id);
      const part: GoalPart = { text: c.text, start: c.start, end: c.start + c.text.length, steps };
      if (!steps.length) part.uncovered = { reason: "no_action", message: "No step of the plan is about this." };
      return part;
    }),
  };
}

/**
 * The coverage of a plan made another way for the same goal (a remembered plan adapted to it),
 * carried over from the plan drafted from scratch: a part is covered by the steps of the other
 * plan that use the actions that covered it in the draft, or else by the other plan's steps its
 * words are about; a part nothing in the draft covered stays uncovered, with its reason.
 */
export function coverageCarriedOver(drafted: Coverage, draft: Plan, plan: Plan, goal: string, catalog: CatalogView): Coverage {
  const actionOf = new Map(draft.steps.map((s) => [s.id, s.action]));
  const byWords = new Map(coverageByWords(goal, plan, catalog).parts.map((p) => [p.text, p.steps]));
  return {
    parts: drafted.parts.map((part) => {
      if (part.uncovered || !part.steps.length) return part;
      const actions = new Set(part.steps.map((id) => actionOf.get(id)));
      let steps = plan.steps.filter((s) => actions.has(s.action)).map((s) => s.id);
      if (!steps.length) steps = byWords.get(part.text) ?? [];
      if (steps.length) return { ...part, steps };
      return { ...part, steps: [], uncovered: { reason: "no_action" as const, message: "No step of the plan is about this." } };
    }),
  };
}

/** The plan's coverage after repairs that may have dropped or renamed steps. */
export function coverageOfPlan(coverage: Coverage, plan: Plan): Coverage {
  return coverageForSteps(coverage, new Set(plan.steps.map((s) => s.id)));
}

/** What would help with the parts nothing covers; undefined when every part is covered. */
export function planHelp(coverage: Coverage, catalog: CatalogView, llm: boolean): PlanHelp | undefined {
  const open = uncoveredParts(coverage);
  if (!open.length) return undefined;
  const specs = catalog.list();
  const index = actionIndex(specs);
  const ids: string[] = [];
  for (const part of open) {
    for (const id of part.uncovered?.actions ?? []) if (!ids.includes(id)) ids.push(id);
    for (const r of index.search(part.text, 3)) if (!ids.includes(r.spec.id)) ids.push(r.spec.id);
  }
  const nearest = ids
    .map((id) => catalog.get(id))
    .filter((s): s is ActionSpec => s !== undefined)
    .slice(0, 5)
    .map((s) => ({ id: s.id, title: s.title, description: firstSentence(s.description) }));
  return {
    nearest,
    connectLlm: !llm || open.some((p) => p.uncovered?.reason === "needs_llm"),
    connectTools: open.some((p) => p.uncovered?.reason === "no_action"),
  };
}

function firstSentence(text: string): string {
  const m = /^(.{20,200}?[.!?])(\s|$)/.exec(text);
  const s = m ? m[1] : text;
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

/** The status of a planned goal: what the plan covers decides between ready, partial and no plan. */
export function statusOf(plan: Plan, valid: boolean, missing: readonly MissingInput[], coverage: Coverage): PlanStatus {
  if (!plan.steps.length && coverage.parts.length) return "no_plan";
  if (!valid) return "invalid";
  if (!fullyCovered(coverage)) return "partial";
  return missing.length ? "needs_inputs" : "ready";
}
