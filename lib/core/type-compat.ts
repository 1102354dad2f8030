/**
 * Structural assignability between JSON Schemas: can every value of `source` be used
 * where `target` is expected? Used for edges (step output into step input) and plan
 * inputs. `any` on either side is accepted: the run-time check on real values covers it.
 */
import { isAnySchema, isObject, describeType, type JsonSchema } from "./json-schema";
import { checkValue } from "./check-value";
import type { PathSegment } from "./plan";
import { MEDIA_FORMATS } from "./schema-formats";

function isMediaFormat(format: unknown): boolean {
  return typeof format === "string" && (MEDIA_FORMATS as readonly string[]).includes(format);
}

export type Assignability = { ok: true } | { ok: false; reason: string };
const OK: Assignability = { ok: true };

const memo = new WeakMap<object, WeakMap<object, Assignability>>();

export function isAssignable(source: unknown, target: unknown): Assignability {
  if (isAnySchema(target) || isAnySchema(source)) return OK;
  if (source === false) return OK;
  if (!isObject(source) || !isObject(target)) return OK;
  let inner = memo.get(source);
  if (!inner) { inner = new WeakMap(); memo.set(source, inner); }
  const hit = inner.get(target);
  if (hit) return hit;
  const result = compute(source, target);
  inner.set(target, result);
  return result;
}

function fail(reason: string): Assignability {
  return { ok: false, reason };
}

/** Members of a union, with `type: [..]` and `nullable` expanded; null when not a union. */
function unionMembers(s: JsonSchema): unknown[] | null {
  const u = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(u)) return u;
  if (Array.isArray(s.type)) {
    const { type, ...rest } = s;
    return (type as string[]).map((t) => ({ ...rest, type: t }));
  }
  if (s.nullable === true) {
    const { nullable: _n, ...rest } = s;
    return [rest, { type: "null" }];
  }
  return null;
}

function valuesOf(s: JsonSchema): unknown[] | null {
  if ("const" in s) return [s.const];
  if (Array.isArray(s.enum)) return s.enum;
  return null;
}

function compute(source: JsonSchema, target: JsonSchema): Assignability {
  // Every member of a source union must fit.
  const sMembers = unionMembers(source);
  if (sMembers) {
    for (const m of sMembers) {
      const r = isAssignable(m, target);
      if (!r.ok) return fail(`${describeType(m)} (one of ${describeType(source)}) does not fit: ${r.reason}`);
    }
    return OK;
  }
  // Some member of a target union must accept the source.
  const tMembers = unionMembers(target);
  if (tMembers) {
    const reasons: string[] = [];
    for (const m of tMembers) {
      const r = isAssignable(source, m);
      if (r.ok) return OK;
      reasons.push(r.reason);
    }
    return fail(`${describeType(source)} fits none of ${describeType(target)}`);
  }
  if (Array.isArray(target.allOf)) {
    for (const m of target.allOf) { const r = isAssignable(source, m); if (!r.ok) return r; }
    return OK;
  }
  if (Array.isArray(source.allOf)) {
    // An intersection fits if any of its parts does (a sound under-approximation).
    return source.allOf.some((m) => isAssignable(m, target).ok) ? OK : fail(`${describeType(source)} is not ${describeType(target)}`);
  }

  // Finite sources: check each value against the target.
  const sValues = valuesOf(source);
  if (sValues) {
    for (const v of sValues) {
      if (checkValue(v, target, 1).length) return fail(`${JSON.stringify(v)} is not ${describeType(target)}`);
    }
    return OK;
  }
  const tValues = valuesOf(target);
  if (tValues) return fail(`${describeType(source)} is wider than ${describeType(target)}`);

  const st = source.type as string | undefined;
  const tt = target.type as string | undefined;
  if (tt === undefined) return OK;
  if (st === undefined) {
    // Untyped source with structure (e.g. only `properties`) is treated as an object.
    if (isObject(source.properties) && tt === "object") return objects(source, target);
    return OK;
  }
  if (st !== tt) {
    if (st === "integer" && tt === "number") return OK;
    return fail(`${describeType(source)} is not ${describeType(target)}`);
  }
  switch (tt) {
    case "string":
      // A media file (image, audio, video) is not text, though both travel as strings.
      if (typeof target.format !== "string" && isMediaFormat(source.format)) return fail(`${source.format} is not text`);
      if (typeof target.format === "string" && target.format !== source.format) {
        const label = (f: unknown) => (typeof f === "string" ? `${f}` : "plain text");
        return fail(`${label(source.format)} is not ${label(target.format)}`);
      }
      return OK;
    case "array":
      return arrays(source, target);
    case "object":
      return objects(source, target);
    default:
      return OK;
  }
}

function arrays(source: JsonSchema, target: JsonSchema): Assignability {
  if (target.items === undefined) return OK;
  const r = isAssignable(source.items ?? {}, target.items);
  return r.ok ? OK : fail(`array items: ${r.reason}`);
}

function objects(source: JsonSchema, target: JsonSchema): Assignability {
  const sProps = isObject(source.properties) ? source.properties : {};
  const tProps = isObject(target.properties) ? target.properties : {};
  const sReq = new Set(Array.isArray(source.required) ? (source.required as string[]) : []);
  const tReq = Array.isArray(target.required) ? (target.required as string[]) : [];
  const sExtra = source.additionalProperties;
  for (const key of tReq) {
    if (isAnySchema(tProps[key])) continue;
    if (!(key in sProps)) {
      if (isObject(sExtra) && !isAnySchema(sExtra)) {
        const r = isAssignable(sExtra, tProps[key] ?? {});
        if (!r.ok) return fail(`property "${key}": ${r.reason}`);
        continue;
      }
      if (sExtra === undefined || sExtra === true || isAnySchema(sExtra)) {
        if (Object.keys(sProps).length === 0) continue; // an open object, checked at run time
      }
      return fail(`missing required property "${key}"`);
    }
    if (!sReq.has(key)) return fail(`property "${key}" is optional in the source but required here`);
  }
  for (const [key, tSchema] of Object.entries(tProps)) {
    if (!(key in sProps)) continue;
    const r = isAssignable(sProps[key], tSchema);
    if (!r.ok) return fail(`property "${key}": ${r.reason}`);
  }
  const tExtra = target.additionalProperties;
  if (isObject(tExtra) && !isAnySchema(tExtra)) {
    for (const [key, sSchema] of Object.entries(sProps)) {
      if (key in tProps) continue;
      const r = isAssignable(sSchema, tExtra);
      if (!r.ok) return fail(`property "${key}": ${r.reason}`);
    }
    if (isObject(sExtra)) {
      const r = isAssignable(sExtra, tExtra);
      if (!r.ok) return fail(`values: ${r.reason}`);
    }
  }
  return OK;
}

/**
 * The schema found at `path` inside `schema`, or undefined when the path cannot exist.
 * `optional` says whether some segment may be absent at run time. A field name after a list
 * plucks it from each item (readPath): a list of what the rest of the path finds in an item.
 */
export function schemaAtPath(schema: unknown, path: readonly PathSegment[]): { schema: unknown; optional: boolean } | undefined {
  let cur: unknown = schema;
  let optional = false;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isAnySchema(cur)) return { schema: {}, optional: true };
    if (!isObject(cur)) return undefined;
    const members = unionMembers(cur);
    if (members) {
      const found = members
        .map((m) => schemaAtPath(m, [seg]))
        .filter((x): x is { schema: unknown; optional: boolean } => x !== undefined);
      if (found.length === 0) return undefined;
      optional = optional || found.length < members.length || found.some((f) => f.optional);
      cur = found.length === 1 ? found[0].schema : { anyOf: found.map((f) => f.schema) };
      continue;
    }
    const type = cur.type;
    if (typeof seg === "number" || (type === "array" && seg === "length")) {
      if (type !== "array" && cur.items === undefined) return undefined;
      if (seg === "length") { cur = { type: "integer" }; continue; }
      const prefix = Array.isArray(cur.prefixItems) ? cur.prefixItems : [];
      cur = (seg as number) < prefix.length ? prefix[seg as number] : (cur.items ?? {});
      optional = true;
      continue;
    }
    if (type === "array" && typeof seg === "string") {
      const each = schemaAtPath(cur.items ?? {}, path.slice(i));
      return each ? { schema: { type: "array", items: each.schema }, optional } : undefined;
    }
    if (type !== undefined && type !== "object") return undefined;
    const props = isObject(cur.properties) ? cur.properties : {};
    if (seg in props) {
      const req = Array.isArray(cur.required) ? (cur.required as string[]) : [];
      if (!req.includes(seg)) optional = true;
      cur = props[seg];
    } else if (isObject(cur.additionalProperties)) {
      cur = cur.additionalProperties;
      optional = true;
    } else if (cur.additionalProperties === false || Object.keys(props).length > 0) {
      return undefined;
    } else {
      cur = {};
      optional = true;
    }
  }
  return { schema: cur, optional };
}
