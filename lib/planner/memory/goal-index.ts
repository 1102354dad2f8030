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

interface Doc {
  plan: RememberedPlan;
  weights: Map<string, number>;
  norm: number;
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

export class GoalIndex {
  private readonly docs: Doc[];
  private readonly postings = new Map<string, number[]>();
  private readonly idf = new Map<string, number>();
  private readonly unseenIdf: number;

  constructor(plans: readonly RememberedPlan[]) {
    const counted = plans.map((plan) => ({ plan, counts: termCounts(goalTerms(plan.goal)) }));
    counted.forEach(({ counts }, i) => {
      for (const t of counts.keys()) {
        let list = this.postings.get(t);
        if (!list) this.postings.set(t, (list = []));
        list.push(i);
      }
    });
    const n = plans.length;
    for (const [t, list] of this.postings) this.idf.set(t, Math.log(1 + n / list.length));
    this.unseenIdf = Math.log(1 + Math.max(1, n));
    this.docs = counted.map(({ plan, counts }) => {
      const weights = new Map<string, number>();
      let sq = 0;
      for (const [t, c] of counts) {
        const w = tf(c) * (this.idf.get(t) ?? 0);
        weights.set(t, w);
        sq += w * w;
      }
      return { plan, weights, norm: Math.sqrt(sq) };
    });
  }

  get size(): number {
    return this.docs.length;
  }

  /** The `k` remembered goals most similar to `goal`, best first; ties keep the memory's order. */
  nearest(goal: string, k = 3, accept: (p: RememberedPlan) => boolean = () => true): Recalled[] {
    if (!this.docs.length || k <= 0) return [];
    const query = termCounts(goalTerms(goal));
    let qsq = 0;
    const dots = new Map<number, number>();
    for (const [t, c] of query) {
      const idf = this.idf.get(t) ?? this.unseenIdf;
      const qw = tf(c) * idf;
      qsq += qw * qw;
      for (const i of this.postings.get(t) ?? []) dots.set(i, (dots.get(i) ?? 0) + qw * this.docs[i].weights.get(t)!);
    }
    const qnorm = Math.sqrt(qsq);
    if (!qnorm) return [];
    const scored: { i: number; s: number }[] = [];
    for (const [i, dot] of dots) {
      const d = this.docs[i];
      if (d.norm) scored.push({ i, s: dot / (qnorm * d.norm) });
    }
    scored.sort((a, b) => b.s - a.s || a.i - b.i);
    const out: Recalled[] = [];
    for (const { i, s } of scored) {
      if (!accept(this.docs[i].plan)) continue;
      out.push({ remembered: this.docs[i].plan, similarity: Math.min(1, s) });
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
