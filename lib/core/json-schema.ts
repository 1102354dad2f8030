/**
 * JSON Schema as Trellis uses it: the wire form of every action's input and output
 * (from zod's `toJSONSchema`) and of plan inputs. Kept loose on purpose: it is data
 * that came from zod, from an imported catalog or from a person, and every reader
 * checks the keys it needs.
 */
import { z } from "zod";

export const JsonSchema = z.record(z.string(), z.unknown());
export type JsonSchema = { [key: string]: unknown };

export const ANY_SCHEMA: JsonSchema = {};

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A schema with no constraint at all (`{}` or `true`): every value fits it. */
export function isAnySchema(schema: unknown): boolean {
  if (schema === true) return true;
  if (!isObject(schema)) return false;
  return Object.keys(schema).every((k) => k === "$schema" || k === "description" || k === "title" || k === "default" || k === "examples");
}

/**
 * Convert a zod schema to JSON Schema as seen by a caller (optional and defaulted fields are not
 * required). The result is plain data: zod marks its output with a hidden `~standard` property,
 * which is dropped, so a spec can go anywhere data goes (a page's props, a stored plan).
 */
export function toJsonSchema(schema: z.ZodType): JsonSchema {
  const out = JSON.parse(JSON.stringify(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }))) as JsonSchema;
  delete out.$schema;
  return out;
}

/** A short human name for a schema's type, for badges, colours and messages. */
export function describeType(schema: unknown): string {
  if (schema === undefined) return "nothing";
  if (isAnySchema(schema)) return "any";
  if (!isObject(schema)) return "never";
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) return union.map(describeType).join(" | ");
  const t = schema.type;
  if (Array.isArray(t)) return t.join(" | ");
  if (t === "array") return `${describeType(schema.items ?? {})}[]`;
  if (t === "object") {
    const props = isObject(schema.properties) ? Object.keys(schema.properties) : [];
    if (props.length === 0) return "object";
    const shown = props.slice(0, 4).join(", ");
    return `{ ${shown}${props.length > 4 ? ", …" : ""} }`;
  }
  if (typeof t === "string") return t;
  return "any";
}

/** The broad kind of a schema, used for colours and quick grouping. */
export function typeKind(schema: unknown): "any" | "string" | "number" | "boolean" | "array" | "object" | "null" | "mixed" {
  if (isAnySchema(schema) || !isObject(schema)) return "any";
  if ("const" in schema) return kindOfValue(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.length ? kindOfValue(schema.enum[0]) : "any";
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) return "mixed";
  const t = schema.type;
  if (t === "integer" || t === "number") return "number";
  if (t === "string" || t === "boolean" || t === "array" || t === "object" || t === "null") return t;
  if (Array.isArray(t)) return "mixed";
  return "any";
}

function kindOfValue(v: unknown): "string" | "number" | "boolean" | "array" | "object" | "null" {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean") return t;
  return "object";
}
