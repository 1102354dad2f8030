/**
 * An OpenAPI schema as the JSON Schema Trellis checks with. 3.1 schemas are JSON Schema already;
 * 3.0 ones differ in a few keywords: `nullable` becomes a `"null"` type, boolean
 * `exclusiveMinimum`/`exclusiveMaximum` become numbers. OpenAPI-only keywords (`discriminator`,
 * `xml`, `externalDocs`, `example`) are dropped; a `$ref` left by a recursive schema accepts any
 * value there. `readOnly` properties are left out of request schemas, `writeOnly` ones out of
 * responses.
 */
import type { JsonSchema } from "../../core/json-schema";

const DROPPED = new Set(["discriminator", "xml", "externalDocs", "example", "$schema", "$id", "$comment"]);
const MAX_DEPTH = 40;
/** Schemas nodes written for one schema at most: shared `$ref`s are copied, so a document could otherwise make one grow exponentially. */
export const MAX_SCHEMA_NODES = 20_000;

export type SchemaUse = "request" | "response";

export function toJsonSchema(schema: unknown, use: SchemaUse, depth = 0, budget = { left: MAX_SCHEMA_NODES }): JsonSchema {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return {};
  if (depth > MAX_DEPTH) return { description: "(nested too deep to describe)" };
  if (--budget.left < 0) return { description: "(too large to describe)" };
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === "string") return { description: `(recursive: ${s.$ref.replace(/^#\/components\/schemas\//, "")})` };
  const out: Record<string, unknown> = {};
  const hiddenNames = new Set<string>();
  for (const [k, v] of Object.entries(s)) {
    if (DROPPED.has(k) || k.startsWith("x-")) continue;
    if (k === "properties" && v && typeof v === "object") {
      const hidden = use === "request" ? "readOnly" : "writeOnly";
      const props: Record<string, JsonSchema> = {};
      for (const [name, child] of Object.entries(v as Record<string, unknown>)) {
        if ((child as Record<string, unknown> | null)?.[hidden] === true) { hiddenNames.add(name); continue; }
        props[name] = toJsonSchema(child, use, depth + 1, budget);
      }
      out.properties = props;
    } else if (["items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else"].includes(k) && v && typeof v === "object" && !Array.isArray(v)) {
      out[k] = toJsonSchema(v, use, depth + 1, budget);
    } else if (["allOf", "anyOf", "oneOf", "prefixItems"].includes(k) && Array.isArray(v)) {
      out[k] = v.map((m) => toJsonSchema(m, use, depth + 1, budget));
    } else if (k === "patternProperties" && v && typeof v === "object") {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, c]) => [p, toJsonSchema(c, use, depth + 1, budget)]));
    } else {
      out[k] = v;
    }
  }
  // 3.0: nullable → a "null" type (kept as JSON Schema types, which the type checks read).
  if (out.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.type) && !out.type.includes("null")) out.type = [...out.type, "null"];
  }
  delete out.nullable;
  for (const [flag, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    if (typeof out[flag] === "boolean") {
      if (out[flag] === true && typeof out[bound] === "number") { out[flag] = out[bound]; delete out[bound]; } else delete out[flag];
    }
  }
  if (Array.isArray(out.required) && hiddenNames.size) {
    out.required = (out.required as string[]).filter((r) => !hiddenNames.has(r));
    if ((out.required as string[]).length === 0) delete out.required;
  }
  return out as JsonSchema;
}
