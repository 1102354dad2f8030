/**
 * What remembered plans say about which action a request means. Each action that remembered
 * plans used gets a profile: the words of the part of each goal it did (the planner's terms,
 * stemmed, stop words out, values masked). A remembered goal is cut into clauses as the
 * offline planner cuts a new one, and its steps are aligned to its clauses in order (see
 * `alignSteps`), so an action's profile holds the words people used for it, not those of the
 * other steps of the same goal. A clause of a new goal is scored against these profiles with
 * the same BM25 the catalog index uses, so a request worded as people word it ("make out the
 * words in this recording") meets the action that served such requests before, even when the
 * catalog describes that action in other words. An action the catalog in use does not have
 * scores nothing.
 */
import type { ActionSpec } from "../../core/action";
import { splitClauses } from "../offline/clauses";
import { extractLiterals } from "../offline/literals";
import { ActionIndex } from "../retrieval";
import { terms } from "../text/tokens";
import type { RememberedPlan } from "./remembered-plan";

const K1 = 1.2;
const MIN_DOCS = 30;
/** the profile of the clauses no step did (scene-setting, courtesy): not an action id */
const NONE = "";
const B = 0.75;

export class ActionEvidence {
  private readonly docs = new Map<string, Map<string, number>>();
  private readonly lengths = new Map<string, number>();
  private readonly df = new Map<string, number>();
  private readonly avgLength: number;

  constructor(plans: readonly RememberedPlan[], specs: readonly ActionSpec[]) {
    const index = new ActionIndex(specs);
    const position = new Map(specs.map((s, i) => [s.id, i]));
    for (const plan of plans) {
      const steps = plan.plan.steps.map((s) => s.action);
      if (!steps.length) continue;
      const clauses = splitClauses(plan.goal, extractLiterals(plan.goal)).map((c) => terms(c.words)).filter((t) => t.length);
      if (!clauses.length) continue;
      const catalogScores = clauses.map((c) => index.scoreTerms(c));
      const aligned = alignSteps(steps, clauses, (action, _clause, j) => {
        const at = position.get(action);
        return at === undefined ? 0 : catalogScores[j][at];
      });
      const taken = new Set(aligned);
      clauses.forEach((words, j) => {
        if (!taken.has(j)) this.addWords(NONE, words);
      });
      steps.forEach((a, k) => this.addWords(a, clauses[aligned[k]]));
    }
    for (const doc of this.docs.values()) for (const t of doc.keys()) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    let total = 0;
    for (const l of this.lengths.values()) total += l;
    this.avgLength = total / Math.max(1, this.lengths.size);
  }

  private addWords(key: string, words: readonly string[]) {
    let doc = this.docs.get(key);
    if (!doc) this.docs.set(key, (doc = new Map()));
    for (const t of words) doc.set(t, (doc.get(t) ?? 0) + 1);
    this.lengths.set(key, (this.lengths.get(key) ?? 0) + words.length);
  }

  /**
   * BM25 of each action's profile for the query terms, in the order of `actionIds`; 0 for an
   * action no remembered plan used. A word every profile has tells nothing (idf near 0).
   */
  scoreTerms(query: readonly string[], actionIds: readonly string[]): { scores: number[]; none: number } {
    const scores = this.bm25(query, actionIds);
    return { scores, none: this.bm25(query, [NONE])[0] };
  }

  private bm25(query: readonly string[], actionIds: readonly string[]): number[] {
    const out = new Array<number>(actionIds.length).fill(0);
    if (!this.docs.size) return out;
    // As the catalog index does (retrieval.ts): few profiles are scored as if there were at least
    // MIN_DOCS, so a word most of them share still counts and scores do not depend on the count.
    const n = Math.max(this.docs.size, MIN_DOCS);
    const unique = new Map<string, number>();
    for (const t of query) unique.set(t, (unique.get(t) ?? 0) + 1);
    actionIds.forEach((id, i) => {
      const doc = this.docs.get(id);
      if (!doc) return;
      const len = this.lengths.get(id)!;
      let s = 0;
      for (const [t, qf] of unique) {
        const tf = doc.get(t);
        if (!tf) continue;
        const df = this.df.get(t)!;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        s += idf * ((tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * len) / this.avgLength))) * (1 + Math.log(qf));
      }
      out[i] = s;
    });
    return out;
  }

  /** The same for a text. */
  score(text: string, actionIds: readonly string[]): { scores: number[]; none: number } {
    return this.scoreTerms(terms(text), actionIds);
  }
}

/**
 * Which clause each step did: steps in plan order take clauses in goal order (never going
 * back), choosing the assignment whose clauses match their actions best (`match`, the catalog's
 * BM25), with ties going to the clause at the same relative place (a step nothing matches
 * takes the clause where its neighbours put it). Dynamic programming over steps × clauses.
 */
export function alignSteps(steps: readonly string[], clauses: readonly (readonly string[])[], match: (action: string, clause: readonly string[], at: number) => number): number[] {
  const n = steps.length;
  const m = clauses.length;
  const score = steps.map((a, k) => clauses.map((c, j) => match(a, c, j) + PLACE * (1 - Math.abs((k + 0.5) / n - (j + 0.5) / m))));
  // best[k][j]: the best total for steps 0..k with step k on clause j
  const best = score.map(() => new Array<number>(m).fill(-Infinity));
  const from = score.map(() => new Array<number>(m).fill(0));
  for (let j = 0; j < m; j++) best[0][j] = score[0][j];
  for (let k = 1; k < n; k++) {
    let runMax = -Infinity;
    let runAt = 0;
    for (let j = 0; j < m; j++) {
      if (best[k - 1][j] > runMax) {
        runMax = best[k - 1][j];
        runAt = j;
      }
      best[k][j] = runMax + score[k][j];
      from[k][j] = runAt;
    }
  }
  let j = 0;
  for (let x = 1; x < m; x++) if (best[n - 1][x] > best[n - 1][j]) j = x;
  const out = new Array<number>(n);
  for (let k = n - 1; k >= 0; k--) {
    out[k] = j;
    j = from[k][j];
  }
  return out;
}

/** The weight of being in the same relative place: below any real word match, it only breaks ties. */
const PLACE = 0.5;
