/**
 * A JSON Schema as a short type signature for prompts: `{ table: { columns: string[], rows: object[] }, limit?: integer }`.
 * Prompts carry many schemas; this keeps each to a line.
 */
import { isAnySchema, isObject } from "../core/json-schema";

export function schemaText(schema: unknown, depth = 0): string {
  if (isAnySchema(schema) || !isObject(schema)) return "any";
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join("|");
  const union = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(union)) return union.map((m) => schemaText(m, depth)).join(" | ");
  const type = Array.isArray(schema.type) ? schema.type.join("|") : schema.type;
  if (type === "array") {
    const item = schemaText(schema.items ?? {}, depth);
    return /[ |]/.test(item) && !item.startsWith("{") ? `(${item})[]` : `${item}[]`;
  }
  if (type === "object" || isObject(schema.properties)) {
    const props = isObject(schema.properties) ? schema.properties : {};
    const keys = Object.keys(props);
    if (!keys.length) return isObject(schema.additionalProperties) && !isAnySchema(schema.additionalProperties) ? `{ [key]: ${schemaText(schema.additionalProperties, depth + 1)} }` : "object";
    if (depth >= 2) return "object";
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const shown = keys.slice(0, 8).map((k) => `${k}${required.has(k) ? "" : "?"}: ${schemaText(props[k], depth + 1)}`);
    return `{ ${shown.join(", ")}${keys.length > 8 ? ", …" : ""} }`;
  }
  if (type === "string" && typeof schema.format === "string") return `string(${schema.format})`;
  return typeof type === "string" ? type : "any";
}
