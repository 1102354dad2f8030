/**
 * Step conditions (`when`): a typed boolean expression over bindings.
 *
 *   { op: "==" | "!=" | "<" | "<=" | ">" | ">=" | "in", left, right }   operands are bindings
 *   { op: "exists", value }                                          present and not null
 *   { op: "and" | "or", args: [...] }   { op: "not", arg }
 *
 * Plans are untrusted: a condition is bounded in depth and size before zod walks it. The text
 * form (`${steps.classify.output.label} == "sql" and not exists ${inputs.region}`) is in
 * condition-text.ts, the checks in validate-condition.ts; evaluation is here.
 */
import { z } from "zod";
import { isObject } from "./json-schema";
import { SingleBinding } from "./binding";
import { deepEqual } from "./check-value";

/** How deep conditions may nest, how many nodes one may have, how many values an `in` list may hold. */
export const MAX_CONDITION_DEPTH = 12;
export const MAX_CONDITION_NODES = 200;
export const MAX_IN_VALUES = 500;

export const CompareOp = z.enum(["==", "!=", "<", "<=", ">", ">=", "in"]);
export type CompareOp = z.infer<typeof CompareOp>;

export type Condition =
  | { op: CompareOp; left: SingleBinding; right: SingleBinding }
  | { op: "exists"; value: SingleBinding }
  | { op: "and" | "or"; args: Condition[] }
  | { op: "not"; arg: Condition };

const Compare = z.object({ op: CompareOp, left: SingleBinding, right: SingleBinding });
const Exists = z.object({ op: z.literal("exists"), value: SingleBinding });

/**
 * A nested condition (a part of `and`, `or`, `not`), checked by the same schema. It is not a
 * recursive zod schema so that the plan's JSON Schema (OpenAPI, the planner's prompt) stays free
 * of cycles: there, a part is any value; here, it is checked as a condition, path and all.
 */
const Part: z.ZodType<Condition> = z.unknown().transform((v, ctx): Condition => {
  const r = ConditionNode.safeParse(v);
  if (r.success) return r.data;
  for (const i of r.error.issues) ctx.addIssue({ code: "custom", message: i.message, path: i.path as PropertyKey[] });
  return z.NEVER;
}) as unknown as z.ZodType<Condition>;

const ConditionNode: z.ZodType<Condition> = z.discriminatedUnion("op", [
  Compare,
  Exists,
  z.object({ op: z.enum(["and", "or"]), args: z.array(Part).min(1) }),
  z.object({ op: z.literal("not"), arg: Part }),
]) as z.ZodType<Condition>;

/** What is wrong with a condition's size, walked without recursion; null when it is within the limits. */
export function conditionSizeProblem(value: unknown): string | null {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 1 }];
  let nodes = 0;
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (!isObject(v)) continue;
    if (++nodes > MAX_CONDITION_NODES) return `a condition may have at most ${MAX_CONDITION_NODES} parts`;
    if (depth > MAX_CONDITION_DEPTH) return `a condition may nest at most ${MAX_CONDITION_DEPTH} levels deep`;
    if (Array.isArray(v.args)) {
      if (v.args.length > MAX_CONDITION_NODES) return `a condition may have at most ${MAX_CONDITION_NODES} parts`;
      for (const a of v.args) stack.push({ v: a, depth: depth + 1 });
    }
    if (v.arg !== undefined) stack.push({ v: v.arg, depth: depth + 1 });
    if (v.op === "in" && isObject(v.right) && v.right.kind === "literal" && Array.isArray(v.right.value) && v.right.value.length > MAX_IN_VALUES) {
      return `an "in" list may hold at most ${MAX_IN_VALUES} values`;
    }
  }
  return null;
}

/** The condition schema: its size is checked first, so a hostile plan cannot make the parser recurse without end. */
export const Condition = z
  .unknown()
  .superRefine((v, ctx) => {
    const problem = conditionSizeProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .pipe(ConditionNode);

/** Every operand of a condition, in reading order. */
export function conditionOperands(c: Condition): SingleBinding[] {
  const out: SingleBinding[] = [];
  const stack: Condition[] = [c];
  while (stack.length) {
    const n = stack.pop()!;
    if ("args" in n) for (let i = n.args.length - 1; i >= 0; i--) stack.push(n.args[i]);
    else if ("arg" in n) stack.push(n.arg);
    else if ("value" in n) out.push(n.value);
    else out.push(n.left, n.right);
  }
  return out;
}

/** The condition with each operand replaced (a renamed step, say). */
export function mapConditionOperands(c: Condition, f: (o: SingleBinding) => SingleBinding): Condition {
  if ("args" in c) return { op: c.op, args: c.args.map((a) => mapConditionOperands(a, f)) };
  if ("arg" in c) return { op: "not", arg: mapConditionOperands(c.arg, f) };
  if ("value" in c) return { op: "exists", value: f(c.value) };
  return { op: c.op, left: f(c.left), right: f(c.right) };
}

/** An operand's value at run time, or why there is none (a step without output, an absent path). */
export type OperandValue = { ok: true; value: unknown } | { ok: false; missing: string };

/** A value a condition looked at, for the step's skip event and the run view. */
export interface SeenValue {
  /** the operand as text (`${steps.classify.output.label}`) */
  ref: string;
  value?: unknown;
  missing?: string;
}

export type ConditionResult = { ok: true; value: boolean; seen: SeenValue[] } | { ok: false; message: string; seen: SeenValue[] };

/**
 * Evaluates a condition over operand values (`valueOf`, keyed by the operand's text). `and`
 * and `or` stop at the first part that decides. `exists` of a missing value is false; any other
 * comparison with a missing value, or an order between values that have none, cannot be
 * evaluated (an error the engine reports as the step's failure).
 */
export function evaluateCondition(c: Condition, valueOf: (operand: SingleBinding) => OperandValue, label: (operand: SingleBinding) => string): ConditionResult {
  const seen: SeenValue[] = [];
  const noted = new Set<string>();
  const read = (o: SingleBinding): OperandValue => {
    const v = o.kind === "literal" ? { ok: true as const, value: o.value } : valueOf(o);
    if (o.kind !== "literal") {
      const ref = label(o);
      if (!noted.has(ref)) {
        noted.add(ref);
        seen.push(v.ok ? { ref, value: v.value } : { ref, missing: v.missing });
      }
    }
    return v;
  };
  try {
    return { ok: true, value: evalNode(c, read, 0), seen };
  } catch (err) {
    if (err instanceof ConditionError) return { ok: false, message: err.message, seen };
    throw err;
  }
}

class ConditionError extends Error {}

function evalNode(c: Condition, read: (o: SingleBinding) => OperandValue, depth: number): boolean {
  if (depth > MAX_CONDITION_DEPTH) throw new ConditionError("the condition nests too deeply");
  switch (c.op) {
    case "and":
      return c.args.every((a) => evalNode(a, read, depth + 1));
    case "or":
      return c.args.some((a) => evalNode(a, read, depth + 1));
    case "not":
      return !evalNode(c.arg, read, depth + 1);
    case "exists": {
      const v = read(c.value);
      return v.ok && v.value !== undefined && v.value !== null;
    }
    default: {
      const l = read(c.left);
      const r = read(c.right);
      if (!l.ok) throw new ConditionError(l.missing);
      if (!r.ok) throw new ConditionError(r.missing);
      return compare(c.op, l.value, r.value);
    }
  }
}

function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case "==":
      return deepEqual(a, b);
    case "!=":
      return !deepEqual(a, b);
    case "in":
      if (!Array.isArray(b)) throw new ConditionError(`"in" needs a list on its right, got ${kindOf(b)}`);
      return b.some((x) => deepEqual(a, x));
    default: {
      const bothNumbers = typeof a === "number" && typeof b === "number";
      const bothStrings = typeof a === "string" && typeof b === "string";
      if (!bothNumbers && !bothStrings) throw new ConditionError(`"${op}" compares two numbers or two strings, got ${kindOf(a)} and ${kindOf(b)}`);
      const x = a as number | string;
      const y = b as number | string;
      return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
    }
  }
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
