/** Short ways to write a plan's bindings and conditions in tests. */
import { parseCondition, type Condition } from "../../lib/core";

export const lit = (value: unknown) => ({ kind: "literal" as const, value });
export const input = (name: string) => ({ kind: "input" as const, name });
export const ref = (step: string, ...path: string[]) => ({ kind: "step" as const, step, ...(path.length ? { path } : {}) });
/** the current item of a for-each step, or a field of it */
export const item = (...path: string[]) => ({ kind: "item" as const, ...(path.length ? { path } : {}) });

/** A condition from its text; a text that does not parse throws. */
export const when = (text: string): Condition => {
  const r = parseCondition(text);
  if (!r.ok) throw new Error(r.error);
  return r.condition;
};
