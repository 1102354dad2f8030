/**
 * The operations of a dereferenced OpenAPI document that Trellis can call, each with its input
 * and output schemas, and what it left out with the reason (shown in the source's health):
 * cookie parameters, bodies that are not JSON (multipart, forms), parameters whose name clashes,
 * operations beyond the cap. Callbacks and webhooks are not operations Trellis calls.
 */
import type { JsonSchema } from "../../core/json-schema";
import type { OpenApiDocument } from "./load-document";
import { toJsonSchema } from "./schema";

export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
export type Method = (typeof METHODS)[number];

export const DEFAULT_MAX_OPERATIONS = 500;

export interface ApiParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  style?: string;
  explode?: boolean;
}

export interface ApiOperation {
  /** the action id's suffix: the operationId (characters outside [A-Za-z0-9_-] as _), or method_path */
  key: string;
  /** the operationId as the document spells it, when it has one */
  operationId?: string;
  method: Method;
  path: string;
  title: string;
  description: string;
  parameters: ApiParameter[];
  /** the JSON request body's media type, when the operation takes one */
  bodyType?: string;
  input: JsonSchema;
  /** the 2xx JSON response schema; undefined when none is declared (the output is then RESPONSE_OUTPUT) */
  output?: JsonSchema;
  deprecated: boolean;
}

export interface ReadOperations {
  operations: ApiOperation[];
  /** what was left out, one line each */
  notes: string[];
}

const isJsonType = (t: string) => /^application\/(.+\+)?json\s*(;|$)/i.test(t) || t === "*/*";

/** `GET /pets/{petId}` → `get_pets_petId` */
export function slugOf(method: string, path: string): string {
  const rest = path.replace(/[{}]/g, "").split(/[^A-Za-z0-9]+/).filter(Boolean).join("_");
  return rest ? `${method}_${rest}` : method;
}

export function readOperations(doc: OpenApiDocument, options: { include?: readonly string[]; maxOperations?: number } = {}): ReadOperations {
  const notes: string[] = [];
  const operations: ApiOperation[] = [];
  const used = new Set<string>();
  const max = options.maxOperations ?? DEFAULT_MAX_OPERATIONS;
  const include = options.include ? new Set(options.include) : undefined;
  const seen = new Set<string>();
  let beyondCap = 0;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!item || typeof item !== "object") continue;
    const shared = Array.isArray(item.parameters) ? (item.parameters as Record<string, unknown>[]) : [];
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op || typeof op !== "object") continue;
      const operationId = typeof op.operationId === "string" && op.operationId.trim() ? op.operationId.trim() : undefined;
      const slug = slugOf(method, path);
      const name = operationId ?? slug;
      seen.add(name);
      seen.add(slug);
      if (include && !include.has(name) && !include.has(slug)) continue;
      if (operations.length >= max) { beyondCap += 1; continue; }
      if (op.callbacks) notes.push(`${name}: its callbacks are not offered (Trellis does not receive requests)`);
      const read = readOperation(path, method, op, shared, name, notes);
      if (!read) continue;
      let key = (operationId ?? slug).replace(/[^A-Za-z0-9_-]/g, "_");
      if (used.has(key)) { let n = 2; while (used.has(`${key}_${n}`)) n += 1; key = `${key}_${n}`; }
      used.add(key);
      operations.push({ ...read, key, ...(operationId ? { operationId } : {}) });
    }
  }
  if (beyondCap) notes.push(`${beyondCap} operation${beyondCap === 1 ? "" : "s"} beyond the first ${max} left out: list the ones wanted in "operations"`);
  for (const wanted of include ?? []) if (!seen.has(wanted)) notes.push(`${wanted}: listed in "operations" but the document has no such operation`);
  return { operations, notes };
}

function readOperation(path: string, method: Method, op: Record<string, unknown>, shared: Record<string, unknown>[], name: string, notes: string[]): Omit<ApiOperation, "key" | "operationId"> | undefined {
  // An operation's parameter overrides the path item's one of the same name and location.
  const byKey = new Map<string, Record<string, unknown>>();
  for (const p of [...shared, ...(Array.isArray(op.parameters) ? (op.parameters as Record<string, unknown>[]) : [])]) {
    if (p && typeof p.name === "string" && typeof p.in === "string") byKey.set(`${p.in}:${p.name}`, p);
  }
  const parameters: ApiParameter[] = [];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const p of byKey.values()) {
    const pname = p.name as string;
    const where = p.in as string;
    const isRequired = where === "path" || p.required === true;
    if (where === "cookie") {
      if (isRequired) { notes.push(`${name}: left out, it needs the cookie parameter "${pname}" (cookie parameters are not supported)`); return undefined; }
      notes.push(`${name}: its cookie parameter "${pname}" is left out (cookie parameters are not supported)`);
      continue;
    }
    if (where === "header" && /^(accept|content-type|authorization)$/i.test(pname)) continue; // OpenAPI ignores these; auth comes from the configuration
    if (where !== "path" && where !== "query" && where !== "header") continue;
    if (pname in properties || pname === "body") { notes.push(`${name}: left out, two of its parameters are named "${pname}"`); return undefined; }
    let schema = toJsonSchema(p.schema, "request");
    if (!p.schema && p.content) schema = {};
    const description = typeof p.description === "string" ? p.description : undefined;
    properties[pname] = { ...schema, ...(description && !schema.description ? { description } : {}) };
    if (isRequired) required.push(pname);
    parameters.push({ name: pname, in: where, required: isRequired, ...(typeof p.style === "string" ? { style: p.style } : {}), ...(typeof p.explode === "boolean" ? { explode: p.explode } : {}) });
  }
  let bodyType: string | undefined;
  const body = op.requestBody as { required?: boolean; content?: Record<string, { schema?: unknown }>; description?: string } | undefined;
  if (body && body.content) {
    const types = Object.keys(body.content);
    bodyType = types.find(isJsonType);
    if (!bodyType) {
      if (body.required) { notes.push(`${name}: left out, its request body is ${types.join(", ")} (only JSON bodies are supported)`); return undefined; }
      notes.push(`${name}: its optional ${types.join(", ")} body is left out (only JSON bodies are supported)`);
    } else {
      const schema = toJsonSchema(body.content[bodyType]?.schema, "request");
      properties.body = { ...schema, ...(body.description && !schema.description ? { description: body.description } : {}) };
      if (body.required) required.push("body");
    }
  }
  const input: JsonSchema = { type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false };
  const summary = typeof op.summary === "string" ? op.summary.trim() : "";
  const description = typeof op.description === "string" ? op.description.trim() : "";
  return {
    method,
    path,
    title: summary || name,
    description: [summary, description, `${method.toUpperCase()} ${path}`].filter(Boolean).join(" — "),
    parameters,
    ...(bodyType ? { bodyType } : {}),
    input,
    output: successSchema(op.responses),
    deprecated: op.deprecated === true,
  };
}

/** The JSON schema of the first 2xx response that declares JSON content (200 before 201 …, then 2XX). */
function successSchema(responses: unknown): JsonSchema | undefined {
  if (!responses || typeof responses !== "object") return undefined;
  const codes = Object.keys(responses).filter((c) => /^2(\d\d|XX)$/i.test(c)).sort((a, b) => a.localeCompare(b));
  for (const code of codes) {
    const content = (responses as Record<string, { content?: Record<string, { schema?: unknown }> }>)[code]?.content;
    const type = content && Object.keys(content).find(isJsonType);
    if (type) return toJsonSchema(content[type]?.schema ?? {}, "response");
  }
  return undefined;
}
