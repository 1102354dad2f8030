/**
 * Reading the reference forms TaskBench graphs use inside argument strings.
 *   `<node-2>`           the output of task_nodes[2]
 *   `<node-1>[0]`        a path into it (an LLM quirk; outputs are single values)
 *   `"<node-0> <node-1>"`, `"Articles about <node-2>"`   references embedded in text
 *   `<output of Text Expander>`, `<original_text>`, `<node0>`   free-form placeholders
 */
import { splitPath } from "../core/binding-text";
import type { PathSegment } from "../core/plan";

export type ArgumentText =
  | { kind: "ref"; node: number; path: PathSegment[] }
  | { kind: "embedded"; nodes: number[] }
  | { kind: "placeholder"; text: string }
  | { kind: "text" };

const WHOLE_REF = /^\s*<node-(\d+)>(\S*?)\s*$/;
const ANY_REF = /<node-(\d+)>/g;
const PLACEHOLDER = /^\s*<([^<>]+)>\s*$/;

export function readArgumentText(value: string): ArgumentText {
  const whole = WHOLE_REF.exec(value);
  if (whole) {
    const suffix = whole[2];
    const path = suffix ? splitPath(`x${suffix}`) : ["x"];
    if (path) return { kind: "ref", node: Number(whole[1]), path: path.slice(1) };
  }
  const nodes = [...value.matchAll(ANY_REF)].map((m) => Number(m[1]));
  if (nodes.length) return { kind: "embedded", nodes: [...new Set(nodes)] };
  const ph = PLACEHOLDER.exec(value);
  if (ph) return { kind: "placeholder", text: ph[1] };
  return { kind: "text" };
}

/** Placeholders that name a step's output (`<output of X>`, `<node0>`) rather than a user input. */
export function placeholderNamesStep(text: string): boolean {
  return /^(output|node)/i.test(text.trim());
}
