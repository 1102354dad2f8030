/**
 * Type checks of a condition's comparisons, given the schema of each operand: both sides of a
 * comparison must be able to meet. An enum compared with a value outside it, a number with a
 * string, an order between values that have none: each is an error, since the condition could
 * never be what its author meant. `exists` of a value that is always there is a warning.
 */
import { describeType, isAnySchema, isObject, typeKind } from "./json-schema";
import type { SingleBinding } from "./binding";
import type { Condition } from "./condition";
import { printOperand } from "./condition-text";
import { deepEqual } from "./check-value";

/** What is known of an operand's type: its schema, and whether it may be absent at run time. */
export interface OperandType {
  schema: unknown;
  optional: boolean;
}

export interface ConditionProblem {
  severity: "error" | "warning";
  message: string;
}

/** Problems of every comparison in `c`; `typeOf` gives an operand's type, undefined when unknown (already reported). */
export function conditionTypeProblems(c: Condition, typeOf: (o: SingleBinding) => OperandType | undefined): ConditionProblem[] {
  const out: ConditionProblem[] = [];
  const stack: Condition[] = [c];
  while (stack.length) {
    const n = stack.pop()!;
    if ("args" in n) stack.push(...n.args);
    else if ("arg" in n) stack.push(n.arg);
    else if ("value" in n) {
      const t = typeOf(n.value);
      if (n.value.kind === "literal") out.push({ severity: "warning", message: `exists ${printOperand(n.value)} is always ${n.value.value !== null}` });
      else if (t && !t.optional && !isAnySchema(t.schema) && !allowsNull(t.schema)) {
        out.push({ severity: "warning", message: `${printOperand(n.value)} is required (${what(t.schema)}), so "exists" is always true` });
      }
    } else {
      const l = typeOf(n.left);
      const r = typeOf(n.right);
      if (!l || !r) continue;
      const problem = compareProblem(n.op, n.left, l.schema, n.right, r.schema);
      if (problem) out.push({ severity: "error", message: problem });
    }
  }
  return out;
}

type Kind = ReturnType<typeof typeKind>;
const concrete = (k: Kind) => k !== "any" && k !== "mixed";

function compareProblem(op: string, left: SingleBinding, ls: unknown, right: SingleBinding, rs: unknown): string | null {
  const lk = kindOfSchema(ls);
  const rk = kindOfSchema(rs);
  const L = printOperand(left);
  const R = printOperand(right);
  if (op === "in") {
    if (concrete(rk) && rk !== "array") return `"in" needs a list on its right; ${R} is ${what(rs)}`;
    const items = right.kind === "literal" && Array.isArray(right.value) ? right.value : null;
    if (items) {
      for (const item of items) {
        const p = equalityProblem(L, ls, lk, JSON.stringify(item), { const: item }, kindOfSchema({ const: item }));
        if (p) return p;
      }
      return null;
    }
    const itemSchema = isObject(rs) && isObject(rs.items) ? rs.items : undefined;
    if (itemSchema) {
      const ik = kindOfSchema(itemSchema);
      if (concrete(lk) && concrete(ik) && lk !== ik) return `${L} is ${what(ls)}, but the items of ${R} are ${what(itemSchema)}: it can never be in it`;
    }
    return null;
  }
  if (op === "==" || op === "!=") return equalityProblem(L, ls, lk, R, rs, rk);
  // an order: two numbers or two strings
  for (const [label, schema, kind] of [[L, ls, lk], [R, rs, rk]] as const) {
    if (concrete(kind) && kind !== "number" && kind !== "string") return `"${op}" orders numbers or strings; ${label} is ${what(schema)}`;
  }
  if (concrete(lk) && concrete(rk) && lk !== rk) return `"${op}" compares ${L} (${what(ls)}) with ${R} (${what(rs)}): a ${lk} and a ${rk} have no order`;
  return null;
}

function equalityProblem(L: string, ls: unknown, lk: Kind, R: string, rs: unknown, rk: Kind): string | null {
  if (concrete(lk) && concrete(rk) && lk !== rk) return `${L} is ${what(ls)} and ${R} is ${what(rs)}: they are never equal`;
  const lv = valuesOf(ls);
  const rv = valuesOf(rs);
  if (lv && rv && !lv.some((a) => rv.some((b) => deepEqual(a, b)))) {
    const [values, other, label] = lv.length >= rv.length ? [lv, rv, L] : [rv, lv, R];
    return `${label} is one of ${values.map((v) => JSON.stringify(v)).join(", ")}; ${other.map((v) => JSON.stringify(v)).join(", ")} is not among them`;
  }
  return null;
}

/** The kind of a schema, integers as numbers. */
function kindOfSchema(schema: unknown): Kind {
  return typeKind(schema);
}

/** A type as words: a literal's as its kind ("a string"), any other as the schema describes it. */
function what(schema: unknown): string {
  if (isObject(schema) && "const" in schema) {
    const k = kindOfSchema(schema);
    return k === "null" ? "null" : k === "array" || k === "object" ? `an ${k}`.replace("an array", "a list") : `a ${k}`;
  }
  return describeType(schema);
}

function valuesOf(schema: unknown): unknown[] | null {
  if (!isObject(schema)) return null;
  if ("const" in schema) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  return null;
}

function allowsNull(schema: unknown): boolean {
  if (!isObject(schema)) return true;
  if (schema.nullable === true) return true;
  if (schema.type === "null" || (Array.isArray(schema.type) && schema.type.includes("null"))) return true;
  const members = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  return Array.isArray(members) && members.some(allowsNull);
}
