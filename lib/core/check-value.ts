/**
 * Checks a JSON value against a JSON Schema: the subset zod emits plus what imported
 * catalogs use. Pure and fast, so the editor can check literals on every keystroke.
 */
import { isAnySchema, isObject, type JsonSchema } from "./json-schema";
import { checkFormat } from "./schema-formats";
import { printPath } from "./binding-text";
import type { PathSegment } from "./plan";

export interface ValueError {
  path: PathSegment[];
  message: string;
}

export function checkValue(value: unknown, schema: unknown, limit = 5): ValueError[] {
  const errors: ValueError[] = [];
  walk(value, schema, [], errors, limit);
  return errors;
}

export function formatValueErrors(errors: readonly ValueError[]): string {
  return errors.map((e) => (e.path.length ? `${printPath(e.path).replace(/^\./, "")}: ${e.message}` : e.message)).join("; ");
}

function jsonTypeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = jsonTypeOf(v);
  if (t === actual) return true;
  if (t === "number" && actual === "integer") return true;
  return false;
}

function walk(v: unknown, schema: unknown, path: PathSegment[], errors: ValueError[], limit: number): void {
  if (errors.length >= limit) return;
  if (schema === false) { errors.push({ path, message: "no value is allowed here" }); return; }
  if (isAnySchema(schema) || !isObject(schema)) return;
  const s = schema as JsonSchema;
  const fail = (message: string) => { errors.push({ path: [...path], message }); };

  if (v === undefined) { fail("is missing"); return; }

  const union = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) {
    if (!union.some((member) => checkValue(v, member, 1).length === 0)) {
      fail(`does not match any of the allowed shapes (got ${jsonTypeOf(v)})`);
    }
    return;
  }
  if (Array.isArray(s.allOf)) for (const member of s.allOf) walk(v, member, path, errors, limit);
  if ("const" in s && !deepEqual(v, s.const)) { fail(`must be ${JSON.stringify(s.const)}`); return; }
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) {
    fail(`must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    return;
  }
  const types = s.type === undefined ? undefined : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  if (s.nullable === true && v === null) return;
  if (types && !types.some((t) => typeMatches(v, t))) {
    fail(`expected ${types.join(" or ")}, got ${jsonTypeOf(v)}`);
    return;
  }
  if (typeof v === "string") {
    if (typeof s.minLength === "number" && v.length < s.minLength) fail(`must have at least ${s.minLength} characters`);
    if (typeof s.maxLength === "number" && v.length > s.maxLength) fail(`must have at most ${s.maxLength} characters`);
    if (typeof s.pattern === "string") {
      try { if (!new RegExp(s.pattern, "u").test(v)) fail(`must match ${s.pattern}`); } catch { /* an unparseable pattern constrains nothing */ }
    }
    if (typeof s.format === "string") { const r = checkFormat(v, s.format); if (r) fail(`"${truncate(v)}" ${r}`); }
  } else if (typeof v === "number") {
    if (typeof s.minimum === "number" && v < s.minimum) fail(`must be ≥ ${s.minimum}`);
    if (typeof s.maximum === "number" && v > s.maximum) fail(`must be ≤ ${s.maximum}`);
    if (typeof s.exclusiveMinimum === "number" && v <= s.exclusiveMinimum) fail(`must be > ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === "number" && v >= s.exclusiveMaximum) fail(`must be < ${s.exclusiveMaximum}`);
  } else if (Array.isArray(v)) {
    if (typeof s.minItems === "number" && v.length < s.minItems) fail(`must have at least ${s.minItems} items`);
    if (typeof s.maxItems === "number" && v.length > s.maxItems) fail(`must have at most ${s.maxItems} items`);
    const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
    v.forEach((item, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : s.items;
      if (itemSchema !== undefined) walk(item, itemSchema, [...path, i], errors, limit);
    });
  } else if (isObject(v)) {
    const props = isObject(s.properties) ? s.properties : {};
    const required = Array.isArray(s.required) ? (s.required as string[]) : [];
    for (const r of required) if (v[r] === undefined && !isAnySchema(props[r])) errors.push({ path: [...path, r], message: "is required" });
    for (const [k, child] of Object.entries(v)) {
      if (k in props) walk(child, props[k], [...path, k], errors, limit);
      else if (s.additionalProperties === false) errors.push({ path: [...path, k], message: "is not an allowed property" });
      else if (isObject(s.additionalProperties)) walk(child, s.additionalProperties, [...path, k], errors, limit);
    }
  }
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
