/**
 * What each step is called on the canvas, the run page and its drawer: its label, else its
 * action's title. Two steps of one plan never share a title: the second "Write a report" reads
 * "Write a report 2", so a person can tell them apart without reading ids.
 */
import type { Step } from "./plan";

export function stepTitles(steps: readonly Pick<Step, "id" | "action" | "label">[], actionTitle: (action: string) => string | undefined): Map<string, string> {
  const base = steps.map((s) => [s.id, s.label || actionTitle(s.action) || s.action] as const);
  const taken = new Set(base.map(([, t]) => t));
  const seen = new Map<string, number>();
  const out = new Map<string, string>();
  for (const [id, title] of base) {
    const n = (seen.get(title) ?? 0) + 1;
    seen.set(title, n);
    if (n === 1) {
      out.set(id, title);
      continue;
    }
    // The next free number: a step already labelled "Write a report 2" keeps that name.
    let k = n;
    while (taken.has(`${title} ${k}`)) k++;
    taken.add(`${title} ${k}`);
    seen.set(title, k);
    out.set(id, `${title} ${k}`);
  }
  return out;
}
