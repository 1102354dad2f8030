/**
 * Literal coercion to an input's schema: "3" → 3 for a number, "yes" → true, 7 → "7" for
 * text, a single value → [value] for an array, JSON text → the object it spells, a bare host
 * → an https URL, an enum value in another case → the enum value. Undefined when nothing fits.
 */
import { checkValue } from "../../core/check-value";
import { isObject } from "../../core/json-schema";

/** A host name (with a common top-level domain) and an optional path: `www.example.com/a`, `example.org`. */
const HOST = /^(?:www\.)?(?:[a-z0-9-]+\.)+(?:com|org|net|io|edu|gov|co|ai|dev|app|info|biz|us|uk|de|fr|es|it|nl|eu|ca|au|in|jp|me|tv|ly)(?::\d+)?(?:\/\S*)?$/i;

export function coerceLiteral(value: unknown, schema: unknown, depth = 0): { value: unknown } | undefined {
  if (checkValue(value, schema).length === 0) return { value };
  if (!isObject(schema) || depth > 3) return undefined;
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) {
    for (const member of union) {
      const c = coerceLiteral(value, member, depth + 1);
      if (c) return c;
    }
    return undefined;
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === "string" ? [schema.type] : [];
  for (const type of types.length ? types : [undefined]) {
    const c = coerceTo(value, schema, type, depth);
    if (c && checkValue(c.value, schema).length === 0) return c;
  }
  return undefined;
}

function coerceTo(value: unknown, schema: Record<string, unknown>, type: string | undefined, depth: number): { value: unknown } | undefined {
  if (Array.isArray(schema.enum)) {
    const wanted = norm(value);
    const hit = schema.enum.find((e) => norm(e) === wanted);
    return hit !== undefined ? { value: hit } : undefined;
  }
  switch (type) {
    case "number":
    case "integer": {
      if (typeof value === "string") {
        const t = value.trim().replace(/(?<=\d),(?=\d{3}\b)/g, "");
        if (/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return { value: Number(t) };
      }
      if (typeof value === "boolean") return undefined;
      return undefined;
    }
    case "boolean": {
      if (typeof value === "string") {
        const t = value.trim().toLowerCase();
        if (["true", "yes", "y", "on", "1"].includes(t)) return { value: true };
        if (["false", "no", "n", "off", "0"].includes(t)) return { value: false };
      }
      if (value === 1 || value === 0) return { value: value === 1 };
      return undefined;
    }
    case "string": {
      if (typeof value === "number" || typeof value === "boolean") return { value: String(value) };
      if (typeof value === "string" && (schema.format === "uri" || schema.format === "url") && HOST.test(value.trim())) {
        return { value: `https://${value.trim()}` };
      }
      if (Array.isArray(value) && value.length === 1) return coerceLiteral(value[0], schema, depth + 1);
      return undefined;
    }
    case "array": {
      if (typeof value === "string") {
        const t = value.trim();
        if (t.startsWith("[")) {
          try {
            const parsed: unknown = JSON.parse(t);
            if (Array.isArray(parsed)) return coerceLiteral(parsed, schema, depth + 1);
          } catch { /* not JSON: a single value */ }
        }
      }
      if (Array.isArray(value)) {
        const items = schema.items;
        const out: unknown[] = [];
        for (const v of value) {
          const c = items === undefined ? { value: v } : coerceLiteral(v, items, depth + 1);
          if (!c) return undefined;
          out.push(c.value);
        }
        return { value: out };
      }
      if (value === null || value === undefined) return undefined;
      const item = schema.items === undefined ? { value } : coerceLiteral(value, schema.items, depth + 1);
      return item ? { value: [item.value] } : undefined;
    }
    case "object": {
      if (typeof value === "string" && value.trim().startsWith("{")) {
        try {
          const parsed: unknown = JSON.parse(value);
          if (isObject(parsed)) return { value: parsed };
        } catch { /* not JSON */ }
      }
      return undefined;
    }
    case "null":
      return value === "" || value === "null" ? { value: null } : undefined;
    default:
      return undefined;
  }
}

function norm(v: unknown): string {
  return typeof v === "string" ? v.trim().toLowerCase().replace(/[\s_-]+/g, " ") : JSON.stringify(v);
}
