/**
 * A unified diff of two texts, line by line, for a dry run's preview of a file write. Common
 * leading and trailing lines are set aside first; the rest is matched by longest common
 * subsequence when it is small enough, else shown as removed then added. The result is cut
 * at `maxChars` so a preview stays small enough for an event.
 */
const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

type Op = { kind: " " | "-" | "+"; line: string };

export interface LineDiff {
  /** "" when the texts are equal */
  text: string;
  truncated: boolean;
}

export function unifiedDiff(before: string, after: string, names: { from: string; to: string }, maxChars = 16_000): LineDiff {
  if (before === after) return { text: "", truncated: false };
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffOps(a, b);
  const lines = [`--- ${names.from}`, `+++ ${names.to}`, ...hunks(ops)];
  let text = "";
  for (const l of lines) {
    if (text.length + l.length + 1 > maxChars) return { text: `${text}… (diff cut at ${maxChars} characters)\n`, truncated: true };
    text += `${l}\n`;
  }
  return { text, truncated: false };
}

function splitLines(s: string): string[] {
  if (s === "") return [];
  const lines = s.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function diffOps(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length, endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const midA = a.slice(start, endA), midB = b.slice(start, endB);
  const ops: Op[] = a.slice(0, start).map((line) => ({ kind: " ", line }));
  if ((midA.length + 1) * (midB.length + 1) <= MAX_CELLS) ops.push(...lcsOps(midA, midB));
  else ops.push(...midA.map((line) => ({ kind: "-" as const, line })), ...midB.map((line) => ({ kind: "+" as const, line })));
  ops.push(...a.slice(endA).map((line) => ({ kind: " " as const, line })));
  return ops;
}

function lcsOps(a: string[], b: string[]): Op[] {
  const n = a.length, m = b.length;
  const w = m + 1;
  const t = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i * w + j] = a[i] === b[j] ? t[(i + 1) * w + j + 1] + 1 : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
  const ops: Op[] = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { ops.push({ kind: " ", line: a[i] }); i++; j++; }
    else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) ops.push({ kind: "-", line: a[i++] });
    else ops.push({ kind: "+", line: b[j++] });
  }
  while (i < n) ops.push({ kind: "-", line: a[i++] });
  while (j < m) ops.push({ kind: "+", line: b[j++] });
  return ops;
}

/** Groups changes with CONTEXT lines around them into @@ hunks. */
function hunks(ops: Op[]): string[] {
  const out: string[] = [];
  const changed = ops.map((o, k) => (o.kind !== " " ? k : -1)).filter((k) => k >= 0);
  let k = 0;
  while (k < changed.length) {
    const from = Math.max(0, changed[k] - CONTEXT);
    let to = changed[k];
    while (k + 1 < changed.length && changed[k + 1] - to <= 2 * CONTEXT) to = changed[++k];
    k++;
    const end = Math.min(ops.length, to + CONTEXT + 1);
    let aLine = 1, bLine = 1;
    for (let x = 0; x < from; x++) { if (ops[x].kind !== "+") aLine++; if (ops[x].kind !== "-") bLine++; }
    const slice = ops.slice(from, end);
    const aCount = slice.filter((o) => o.kind !== "+").length, bCount = slice.filter((o) => o.kind !== "-").length;
    out.push(`@@ -${aCount ? aLine : aLine - 1},${aCount} +${bCount ? bLine : bLine - 1},${bCount} @@`);
    for (const o of slice) out.push(`${o.kind}${o.line}`);
  }
  return out;
}
