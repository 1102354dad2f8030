/**
 * Structured output across OpenAI-compatible servers. The best mode is `json_schema` (strict
 * when the schema allows it: every object closed and every property required); servers that
 * refuse it get `json_object` (JSON mode) with the schema in the instructions; servers that
 * refuse that get plain text, and the JSON is extracted from the answer.
 */
import type { JsonSchema, StructuredMode } from "../core";
import { isObject } from "../core/json-schema";

export const MODES: readonly StructuredMode[] = ["json_schema", "json_object", "text"];

/** The next weaker mode, or undefined after plain text. */
export function weakerMode(mode: StructuredMode): StructuredMode | undefined {
  return MODES[MODES.indexOf(mode) + 1];
}

/** Keywords every strict-mode server accepts; others are dropped (dropping only loosens a schema). */
const KEEP = new Set([
  "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf",
  "description", "title", "$defs", "definitions", "$ref", "pattern", "format", "minimum", "maximum",
  "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
]);

export interface ProviderSchema {
  schema: JsonSchema;
  /** true when the schema meets strict mode's rules, so the server can enforce it exactly */
  strict: boolean;
}

/** The schema as sent in `response_format`, and whether strict mode can enforce it. */
export function providerSchema(schema: JsonSchema): ProviderSchema {
  const cleaned = clean(schema) as JsonSchema;
  return { schema: cleaned, strict: isStrictCompatible(cleaned) };
}

function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (!KEEP.has(k)) continue;
    if (k === "properties" || k === "$defs" || k === "definitions") {
      out[k] = isObject(v) ? Object.fromEntries(Object.entries(v).map(([name, s]) => [name, clean(s)])) : v;
    } else if (k === "enum" || k === "const" || k === "required" || k === "description" || k === "title" || k === "pattern" || k === "format" || k === "type") {
      out[k] = v;
    } else out[k] = clean(v);
  }
  return out;
}

/** Strict mode: every object lists all its properties as required and allows no others; no open schemas. */
export function isStrictCompatible(node: unknown, root = true): boolean {
  if (Array.isArray(node)) return node.every((n) => isStrictCompatible(n, false));
  if (!isObject(node)) return !root;
  const keys = Object.keys(node).filter((k) => k !== "description" && k !== "title");
  if (keys.length === 0) return false; // an open schema ({}) cannot be enforced
  const isObj = node.type === "object" || isObject(node.properties);
  if (isObj) {
    if (node.additionalProperties !== false) return false;
    const props = isObject(node.properties) ? node.properties : {};
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    if (Object.keys(props).some((p) => !required.has(p))) return false;
    if (!Object.values(props).every((p) => isStrictCompatible(p, false))) return false;
  }
  for (const k of ["items", "anyOf", "$defs", "definitions"]) {
    const v = node[k];
    if (v === undefined) continue;
    const children = k === "$defs" || k === "definitions" ? Object.values(isObject(v) ? v : {}) : Array.isArray(v) ? v : [v];
    if (!children.every((c) => isStrictCompatible(c, false))) return false;
  }
  return true;
}

/** The instruction added to the system message when the server does not enforce the schema. */
export function jsonInstruction(schema: JsonSchema, mode: StructuredMode): string {
  const tail = mode === "text" ? " Write the JSON only, with no text before or after it." : "";
  return `Answer with a single JSON value that fits this JSON Schema:\n${JSON.stringify(schema)}${tail}`;
}

/**
 * Whether a 400/422 means "this server does not do that response_format" rather than a
 * problem with the request itself (an over-long prompt, a bad key).
 */
export function rejectsResponseFormat(status: number | undefined, message: string, param?: unknown, code?: unknown): boolean {
  if (status !== 400 && status !== 422 && status !== 404 && status !== 501) return false;
  const text = `${message} ${typeof code === "string" ? code : ""}`.toLowerCase();
  if (/context[_ ]length|maximum context|too many tokens|invalid[_ ]api[_ ]key|model_not_found|does not exist/.test(text)) return false;
  if (param === "response_format" || /response_format|json_schema|json_object|structured|schema|json mode|grammar/.test(text)) return true;
  // Servers that reject unknown fields often answer 400/422 with a vague message; a weaker mode costs little.
  return status === 400 || status === 422;
}
