/** Name similarity for "did you mean" candidates: near-miss action, input and step names. */

/** Lower case, words split at separators and camelCase boundaries. */
export function normalizeName(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().replace(/[^a-z0-9]+/g, " ").trim();
}

export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

/** 0..1, 1 meaning the same name once case and separators are ignored. */
export function nameSimilarity(a: string, b: string): number {
  const na = normalizeName(a);
  const nb = normalizeName(b);
  if (!na || !nb) return 0;
  if (na === nb) return 1;
  const edit = 1 - levenshtein(na, nb) / Math.max(na.length, nb.length);
  const ta = new Set(na.split(" "));
  const tb = new Set(nb.split(" "));
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  const jaccard = shared / (ta.size + tb.size - shared);
  const contains = na.includes(nb) || nb.includes(na) ? 0.15 : 0;
  return Math.min(0.99, Math.max(edit, jaccard) + contains);
}

/** The names nearest to `name`, best first, at or above `min`. */
export function nearestNames(name: string, names: Iterable<string>, limit = 3, min = 0.45): { value: string; score: number }[] {
  const scored: { value: string; score: number }[] = [];
  for (const n of names) {
    const score = nameSimilarity(name, n);
    if (score >= min) scored.push({ value: n, score: Math.round(score * 100) / 100 });
  }
  scored.sort((x, y) => y.score - x.score || x.value.localeCompare(y.value));
  return scored.slice(0, limit);
}
