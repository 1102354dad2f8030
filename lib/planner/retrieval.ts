/**
 * Lexical retrieval of actions (Okapi BM25) over what describes an action: its id and title
 * (weighted up), its description, and the names and descriptions of its input and output
 * fields. Used to keep prompts small for large catalogs and by the offline planner.
 * Indexes are cached per catalog list, so repeated planning over one catalog builds it once.
 */
import type { ActionSpec } from "../core/action";
import { isAnySchema, isObject } from "../core/json-schema";
import { isAssignable } from "../core/type-compat";
import { terms } from "./text/tokens";

const K1 = 1.2;
const MIN_DOCS = 30;
const B = 0.75;

export interface ScoredAction {
  spec: ActionSpec;
  score: number;
}

export class ActionIndex {
  readonly specs: readonly ActionSpec[];
  private readonly docs: Map<string, number>[];
  private readonly lengths: number[];
  private readonly avgLength: number;
  private readonly df = new Map<string, number>();

  constructor(specs: readonly ActionSpec[]) {
    this.specs = specs;
    this.docs = specs.map((s) => termCounts(documentTerms(s)));
    this.lengths = this.docs.map((d) => [...d.values()].reduce((a, b) => a + b, 0));
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.lengths.length);
    for (const d of this.docs) for (const t of d.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  idf(term: string): number {
    // A small catalog (one flow's few actions) is scored as if it had at least MIN_DOCS actions,
    // so a word most of them share still counts: relevance must not depend on the catalog's size.
    const n = Math.max(this.specs.length, MIN_DOCS);
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Whether any action's description uses the term. */
  knows(term: string): boolean {
    return this.df.has(term);
  }

  /** Whether the action's description (title, id, description, fields) uses the term. */
  describes(spec: ActionSpec, term: string): boolean {
    const i = this.specs.indexOf(spec);
    return i >= 0 && this.docs[i].has(term);
  }

  /** BM25 score of every action for the query terms, in catalog order. */
  scoreTerms(query: readonly string[]): number[] {
    const scores = new Array<number>(this.specs.length).fill(0);
    const unique = new Map<string, number>();
    for (const t of query) unique.set(t, (unique.get(t) ?? 0) + 1);
    for (const [t, qf] of unique) {
      if (!this.df.has(t)) continue;
      const idf = this.idf(t);
      // Repeated query words count, but less than linearly.
      const qWeight = 1 + Math.log(qf);
      for (let i = 0; i < this.docs.length; i++) {
        const tf = this.docs[i].get(t);
        if (!tf) continue;
        const norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * this.lengths[i] / this.avgLength));
        scores[i] += idf * norm * qWeight;
      }
    }
    return scores;
  }

  /** The best `limit` actions for a text, best first; only those that share a term with it. */
  search(text: string, limit = 10): ScoredAction[] {
    const scores = this.scoreTerms(terms(text));
    return scores
      .map((score, i) => ({ spec: this.specs[i], score }))
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || a.spec.id.localeCompare(b.spec.id))
      .slice(0, limit);
  }
}

const cache = new WeakMap<readonly ActionSpec[], ActionIndex>();

/** The index of a catalog's action list, built once per list. */
export function actionIndex(specs: readonly ActionSpec[]): ActionIndex {
  let index = cache.get(specs);
  if (!index) {
    index = new ActionIndex(specs);
    cache.set(specs, index);
  }
  return index;
}

/** The terms of what an action is named: its title and its id's words ("data.sort" → data, sort). */
export function nameTerms(spec: ActionSpec): string[] {
  return terms(`${spec.title} ${spec.id.replace(/[._]/g, " ")}`);
}

/** Title and id three times, then description and field names: what the action is named matters most. */
function documentTerms(spec: ActionSpec): string[] {
  const name = nameTerms(spec);
  const fields: string[] = [];
  for (const schema of [spec.input, spec.output]) {
    const props = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
    for (const [key, s] of Object.entries(props)) {
      fields.push(key);
      if (isObject(s) && typeof s.description === "string") fields.push(s.description.slice(0, 160));
    }
  }
  return [...name, ...name, ...name, ...terms(spec.description), ...terms(fields.join(" "))];
}

function termCounts(list: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of list) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

export interface RetrievalRequest {
  /** what to match: the goal, instruction and context */
  text: string;
  /** always offered (constraints, actions of earlier plans) */
  include?: readonly string[];
  exclude?: readonly string[];
  limit?: number;
}

/**
 * The actions to offer the LLM. A small catalog is offered whole; a large one is cut to the
 * most relevant actions, plus those asked for, plus for each chosen action one producer of
 * each structured input it needs that nothing chosen produces (so a chart comes with a loader).
 */
export function retrieveActions(specs: readonly ActionSpec[], request: RetrievalRequest): ActionSpec[] {
  const exclude = new Set(request.exclude ?? []);
  const pool = specs.filter((s) => !exclude.has(s.id));
  const limit = request.limit ?? 24;
  if (pool.length <= limit) return [...pool];
  const index = actionIndex(specs);
  const scores = index.scoreTerms(terms(request.text));
  const ranked = specs
    .map((spec, i) => ({ spec, score: scores[i] }))
    .filter((r) => !exclude.has(r.spec.id))
    .sort((a, b) => b.score - a.score || a.spec.id.localeCompare(b.spec.id));
  const chosen = new Map<string, ActionSpec>();
  for (const id of request.include ?? []) {
    const spec = pool.find((s) => s.id === id);
    if (spec) chosen.set(id, spec);
  }
  const core = Math.max(1, Math.floor(limit * 0.75));
  for (const r of ranked) {
    if (chosen.size >= core) break;
    if (r.score > 0) chosen.set(r.spec.id, r.spec);
  }
  // Producers for inputs nothing chosen can feed, best ranked first.
  for (const spec of [...chosen.values()]) {
    if (chosen.size >= limit) break;
    const props = isObject(spec.input.properties) ? spec.input.properties : {};
    const required = Array.isArray(spec.input.required) ? (spec.input.required as string[]) : [];
    for (const name of required) {
      const target = props[name];
      if (!isStructured(target) || [...chosen.values()].some((c) => produces(c, target))) continue;
      const producer = ranked.find((r) => !chosen.has(r.spec.id) && produces(r.spec, target));
      if (producer) chosen.set(producer.spec.id, producer.spec);
      if (chosen.size >= limit) break;
    }
  }
  for (const r of ranked) {
    if (chosen.size >= limit) break;
    chosen.set(r.spec.id, r.spec);
  }
  return [...chosen.values()];
}

function isStructured(schema: unknown): boolean {
  return isObject(schema) && (schema.type === "object" || schema.type === "array" || typeof schema.format === "string") && !isAnySchema(schema);
}

function produces(spec: ActionSpec, target: unknown): boolean {
  if (isAnySchema(spec.output)) return false;
  if (isAssignable(spec.output, target).ok) return true;
  const props = isObject(spec.output.properties) ? spec.output.properties : {};
  return Object.values(props).some((s) => !isAnySchema(s) && isAssignable(s, target).ok);
}
