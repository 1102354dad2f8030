/**
 * What every request must be before its schema reads it: text that can be stored and shown
 * (no NUL character, no lone UTF-16 surrogate) and values nested at most MAX_DEPTH deep. The
 * database cannot store the first two (PostgreSQL text and jsonb refuse them) and deep nesting
 * costs stack in every walker after this one; refusing them here, with the field named, keeps
 * a hostile request from reaching a 500 halfway through.
 */

import { textProblem } from "../core/storable";

/** How deep a request's values may nest (objects and arrays); plans need far less. */
export const MAX_DEPTH = 64;

export interface UnsafeValue {
  /** where, as people read it: `plan.steps.0.inputs.text` */
  path: string;
  problem: string;
}

/** Why a text cannot be taken, or undefined when it can (the storage rule of lib/core/storable). */
export function unsafeText(text: string): string | undefined {
  const problem = textProblem(text);
  if (!problem) return undefined;
  return problem.reason === "nul" ? "contains a NUL character (\\u0000), which Trellis cannot store" : "contains a lone UTF-16 surrogate (text that is not valid Unicode)";
}

/**
 * The first problem in a JSON-like value (its keys included), or undefined. Walks iteratively,
 * so a value nested far deeper than allowed is reported, not a stack overflow.
 */
export function findUnsafeValue(value: unknown, maxDepth = MAX_DEPTH): UnsafeValue | undefined {
  const stack: { value: unknown; path: string[]; depth: number }[] = [{ value, path: [], depth: 0 }];
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    const where = () => path.join(".") || "(value)";
    if (typeof v === "string") {
      const problem = unsafeText(v);
      if (problem) return { path: where(), problem };
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (depth >= maxDepth) return { path: where(), problem: `nests deeper than ${maxDepth} levels` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, String(i)], depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i];
      const problem = unsafeText(key);
      if (problem) return { path: [...path, JSON.stringify(key)].join("."), problem: `has a key that ${problem}` };
      stack.push({ value: child, path: [...path, key], depth: depth + 1 });
    }
  }
  return undefined;
}
