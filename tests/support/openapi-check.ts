/**
 * Checks an answer against the OpenAPI document: the status must be documented for the
 * operation, and a JSON body must fit the documented schema ($refs resolved, then
 * lib/core's checkValue, the same checker the validator uses).
 */
import { checkValue, formatValueErrors, isObject } from "../../lib/core";

export type Doc = { paths: Record<string, Record<string, OperationDoc>>; components: { schemas: Record<string, unknown> } };
export type OperationDoc = { operationId: string; responses: Record<string, { content?: Record<string, { schema?: unknown; "x-event-data"?: unknown }> }>; requestBody?: unknown; parameters?: { name: string; in: string }[] };

/** Inlines every `#/components/schemas/X` reference. */
export function resolveRefs(doc: Doc, schema: unknown, depth = 0): unknown {
  if (depth > 50) throw new Error("schema references nest too deep (a cycle?)");
  if (Array.isArray(schema)) return schema.map((s) => resolveRefs(doc, s, depth + 1));
  if (!isObject(schema)) return schema;
  if (typeof schema.$ref === "string") {
    const name = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref)?.[1];
    if (!name || !(name in doc.components.schemas)) throw new Error(`unresolvable $ref ${schema.$ref}`);
    return resolveRefs(doc, doc.components.schemas[name], depth + 1);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolveRefs(doc, v, depth + 1)]));
}

export function operation(doc: Doc, method: string, path: string): OperationDoc {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`${method} ${path} is not in the OpenAPI document`);
  return op;
}

/** Problems with an answer, empty when it fits the document. */
export function answerProblems(doc: Doc, op: OperationDoc, status: number, contentType: string, body: unknown): string[] {
  const documented = op.responses[String(status)];
  if (!documented) return [`${op.operationId} answered ${status}, which is not documented (documented: ${Object.keys(op.responses).join(", ")})`];
  const kind = contentType.includes("text/event-stream") ? "text/event-stream" : contentType.includes("application/octet-stream") ? "application/octet-stream" : "application/json";
  const media = documented.content?.[kind];
  if (!media) return [`${op.operationId} ${status} answered ${kind}, which is not documented`];
  const schema = kind === "text/event-stream" ? media["x-event-data"] : media.schema;
  if (schema === undefined) return [];
  const errors = checkValue(body, resolveRefs(doc, schema), 10);
  return errors.length ? [`${op.operationId} ${status}: ${formatValueErrors(errors)}`] : [];
}
