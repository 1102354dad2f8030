/**
 * Lexical similarity between goals: TF-IDF vectors over the planner's terms (stemmed, stop
 * words out) with cosine similarity, through an inverted index so a query touches only the
 * remembered goals that share a term with it. Values the goal states (file names, URLs, numbers,
 * quoted text) are not words of the request: each counts as its kind ("an image file", "a URL"),
 * so "resize cat.png" and "resize dog.png" are the same request. Nothing here knows a catalog.
 */
import { extractLiterals } from "../offline/literals";
import { terms } from "../text/tokens";
import type { RememberedPlan } from "./remembered-plan";

export interface Recalled {
  remembered: RememberedPlan;
  /** cosine similarity of the two goals' TF-IDF vectors, 0..1 */
  similarity: number;
}

/** The terms of a goal: its words without the values it states, plus one kind term per value. */
export function goalTerms(goal: string): string[] {
  const literals = extractLiterals(goal);
  let rest = "";
  let at = 0;
  for (const lit of [...literals].sort((a, b) => a.start - b.start)) {
    if (lit.start < at) continue;
    rest += `${goal.slice(at, lit.start)} `;
    at = lit.end;
  }
  rest += goal.slice(at);
  return [...terms(rest), ...literals.map((l) => `#${l.kind}`)];
}

function termCounts(list: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of list) out.set(t, (out.get(t) ?? 0) + 1);
  return out;
}

const tf = (count: number) => 1 + Math.log(count);

interface Posting {
  docs: number[];
  /** the term's weight in each of those documents */
  weights: number[];
}

export class GoalIndex {
  private readonly plans: readonly RememberedPlan[];
  private readonly norms: Float64Array;
  private readonly postings = new Map<string, Posting>();
  private readonly idf = new Map<string, number>();
  private readonly unseenIdf: number;

  constructor(plans: readonly RememberedPlan[]) {
    this.plans = plans;
    const counted = plans.map((plan) => termCounts(goalTerms(plan.goal)));
    const df = new Map<string, number>();
    for (const counts of counted) for (const t of counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    const n = plans.length;
    for (const [t, d] of df) this.idf.set(t, Math.log(1 + n / d));
    this.unseenIdf = Math.log(1 + Math.max(1, n));
    this.norms = new Float64Array(n);
    counted.forEach((counts, i) => {
      let sq = 0;
      for (const [t, c] of counts) {
        const w = tf(c) * this.idf.get(t)!;
        let p = this.postings.get(t);
        if (!p) this.postings.set(t, (p = { docs: [], weights: [] }));
        p.docs.push(i);
        p.weights.push(w);
        sq += w * w;
      }
      this.norms[i] = Math.sqrt(sq);
    });
  }

  get size(): number {
    return this.plans.length;
  }

  /** The `k` remembered goals most similar to `goal` that `accept` takes, best first; ties keep the memory's order. */
  nearest(goal: string, k = 3, accept: (p: RememberedPlan) => boolean = () => true): Recalled[] {
    if (!this.plans.length || k <= 0) return [];
    const dots = new Float64Array(this.plans.length);
    const touched: number[] = [];
    let qsq = 0;
    for (const [t, c] of termCounts(goalTerms(goal))) {
      const qw = tf(c) * (this.idf.get(t) ?? this.unseenIdf);
      qsq += qw * qw;
      const p = this.postings.get(t);
      if (!p) continue;
      for (let j = 0; j < p.docs.length; j++) {
        const i = p.docs[j];
        if (dots[i] === 0) touched.push(i);
        dots[i] += qw * p.weights[j];
      }
    }
    const qnorm = Math.sqrt(qsq);
    if (!qnorm) return [];
    const scored = touched.filter((i) => this.norms[i] > 0).map((i) => ({ i, s: dots[i] / (qnorm * this.norms[i]) }));
    scored.sort((a, b) => b.s - a.s || a.i - b.i);
    const out: Recalled[] = [];
    for (const { i, s } of scored) {
      if (!accept(this.plans[i])) continue;
      out.push({ remembered: this.plans[i], similarity: Math.min(1, s) });
      if (out.length >= k) break;
    }
    return out;
  }
}

const cache = new WeakMap<readonly RememberedPlan[], GoalIndex>();

/** The index of a memory list, built once per list (the server hands the same list until memory changes). */
export function goalIndex(plans: readonly RememberedPlan[]): GoalIndex {
  let index = cache.get(plans);
  if (!index) cache.set(plans, (index = new GoalIndex(plans)));
  return index;
}
