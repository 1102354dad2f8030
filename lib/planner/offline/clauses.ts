/**
 * A goal cut into clauses, each usually asking for one operation: "load the sample sales CSV",
 * "total revenue by region", "chart it". Literals are masked first so the dots in file names
 * and URLs do not end sentences.
 */
import type { GoalLiteral } from "./literals";

export interface Clause {
  index: number;
  /** the clause as written, literals included */
  text: string;
  /** the clause with each literal replaced by a space */
  words: string;
  /** indexes into the goal's literals */
  literals: number[];
  /** the clause starts with then / after that / finally… */
  sequential: boolean;
  /** the clause's sentence asks for something (a question to the assistant, an imperative, "I want") rather than setting the scene */
  request: boolean;
  start: number;
  end: number;
}

const SEQUENCE = /^(?:and\s+)?(?:then|after\s+that|afterwards|after\s+this|next|finally|lastly|subsequently|once\s+(?:done|that\s+is\s+done))\b/i;
const REQUEST = /\b(?:can|could|would|will|may)\s+(?:you|we|i|it)\b|\bplease\b|\bhelp\s+me\b|\bi\s+(?:want|would\s+like|need|wish|am\s+looking|hope|plan)\b|\bi['’](?:d\s+(?:like|love|appreciate)|m\s+(?:looking|hoping|trying))\b|\blet['’]?s\b|\bassist\b|\bkindly\b|\bi\s+would\s+(?:love|appreciate)\b/i;
/** First words of a sentence that describes rather than asks; any other first word is read as an imperative verb. */
const STATEMENT_START = new Set("i i've i'm i'd i'll my we we've we're our it it's its this that these those there here the a an he she they his her their you your me so also however but and unfortunately luckily recently yesterday today lately now then well hey hi hello thanks thank oh as since because while when although though after before in on at for with from by of to one some both each all".split(" "));
const CONNECTORS = /^(?:(?:and|then|finally|lastly|next|also|afterwards|after\s+that|subsequently)\b[\s,]*)+/i;
const SPLIT = /(?:[.!?;]+(?=\s|$)|,|\s+(?:and\s+then|then|after\s+that|afterwards|finally|lastly|next|and\s+also|also|plus|and)\s+)/gi;

export function splitClauses(goal: string, literals: readonly GoalLiteral[]): Clause[] {
  // Mask literals with same-length filler so positions stay valid.
  let masked = goal;
  for (const l of literals) masked = masked.slice(0, l.start) + "\u2007".repeat(l.end - l.start) + masked.slice(l.end);
  const cuts: { start: number; end: number; after: string }[] = [];
  let last = 0;
  let separator = "";
  for (const m of masked.matchAll(SPLIT)) {
    cuts.push({ start: last, end: m.index, after: separator });
    last = m.index + m[0].length;
    separator = m[0].trim();
  }
  cuts.push({ start: last, end: goal.length, after: separator });
  const requestAt = sentenceRequests(masked);
  const out: Clause[] = [];
  for (const c of cuts) {
    let { start } = c;
    while (start < c.end && /\s/.test(goal[start])) start++;
    // Connecting words ("and finally …") belong to the cut, not to the clause.
    const lead = CONNECTORS.exec(goal.slice(start, c.end));
    const sequencedByLead = lead !== null && SEQUENCE.test(lead[0]);
    if (lead) start += lead[0].length;
    const text = goal.slice(start, c.end).trim();
    if (!text) continue;
    const own = literals.map((l, i) => ({ l, i })).filter(({ l }) => l.start >= start && l.end <= c.end + 1).map(({ i }) => i);
    const wordsOnly = masked.slice(start, c.end).replace(/\u2007+/g, " ").trim();
    out.push({ index: out.length, text, words: wordsOnly, literals: own, sequential: sequencedByLead || SEQUENCE.test(c.after) || SEQUENCE.test(text), request: requestAt(start), start, end: c.end });
  }
  return out;
}

/** For a position in the goal, whether its sentence is a request. */
function sentenceRequests(goal: string): (pos: number) => boolean {
  const spans: { start: number; end: number; request: boolean }[] = [];
  const re = /[^.!?]+(?:[.!?]+(?=\s|$)|$)/g;
  for (const m of goal.matchAll(re)) {
    const text = m[0].trim();
    if (!text) continue;
    const first = (/^[\s"'“‘(]*([A-Za-z'’]+)/.exec(text)?.[1] ?? "").toLowerCase().replace(/’/g, "'");
    spans.push({ start: m.index, end: m.index + m[0].length, request: REQUEST.test(text) || /\?\s*$/.test(text) || (first !== "" && !STATEMENT_START.has(first)) });
  }
  return (pos) => spans.find((s) => pos >= s.start && pos < s.end)?.request ?? true;
}
