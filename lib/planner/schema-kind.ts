/**
 * The coarse kind of a schema or value, for matching things up quickly before the exact
 * assignability check: media formats, URLs, dates, tables, plain text, numbers.
 */
import { isAnySchema, isObject } from "../core/json-schema";

export type Kind = "any" | "image" | "audio" | "video" | "uri" | "date" | "email" | "string" | "number" | "boolean" | "array" | "table" | "object";

export function kindOfSchema(schema: unknown): Kind {
  if (isAnySchema(schema) || !isObject(schema)) return "any";
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(union) && union.length) return kindOfSchema(union[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (Array.isArray(schema.enum) && typeof schema.enum[0] === "string") return "string";
  switch (type) {
    case "string": {
      const f = schema.format;
      if (f === "image" || f === "audio" || f === "video" || f === "date" || f === "email") return f;
      if (f === "uri" || f === "url" || f === "iri") return "uri";
      return "string";
    }
    case "integer":
    case "number":
      return "number";
    case "boolean":
      return "boolean";
    case "array":
      return "array";
    case "object": {
      const props = isObject(schema.properties) ? schema.properties : {};
      return "columns" in props && "rows" in props ? "table" : "object";
    }
    default:
      return isObject(schema.properties) ? "object" : "any";
  }
}

/** Whether the schema says more than "some text": a format, a structure, a number, an enum. */
export function isTypedSchema(schema: unknown): boolean {
  const k = kindOfSchema(schema);
  if (k === "any") return false;
  if (k === "string") return isObject(schema) && (Array.isArray(schema.enum) || typeof schema.pattern === "string");
  return true;
}

/** The schema a `kind` of literal is checked against when it has no better one. */
export function schemaOfKind(kind: Kind): Record<string, unknown> {
  switch (kind) {
    case "image":
    case "audio":
    case "video":
    case "date":
    case "email":
      return { type: "string", format: kind };
    case "uri":
      return { type: "string", format: "uri" };
    case "number":
      return { type: "number" };
    default:
      return { type: "string" };
  }
}
