/**
 * One API operation as a Trellis action: id `<api>.<operationId>` (or `<api>.<method>_<path>`),
 * flow `<api>`, input an object of its path, query and header parameters plus `body` for a JSON
 * request body, output the 2xx JSON response's schema (the parsed body) or, when the document
 * declares none, `RESPONSE_OUTPUT`. GET and HEAD are `read`, other methods `write`.
 * Responses are checked against the output schema at the step boundary (`output_invalid`).
 */
import { defineAction, type Action } from "../../core/action";
import { isObject, type JsonSchema } from "../../core/json-schema";
import { jsonSchemaCheck } from "../mcp/tool-action";
import { callOperation, type CallSettings } from "./call";
import type { ApiOperation } from "./operations";

/** The output of an operation whose document declares no JSON success response. */
export const RESPONSE_OUTPUT: JsonSchema = {
  type: "object",
  properties: {
    status: { type: "integer", description: "the HTTP status (2xx)" },
    headers: { type: "object", additionalProperties: { type: "string" }, description: "the response headers, lower-case names" },
    body: { description: "the response body: parsed when it is JSON, else its text (null when empty)" },
  },
  required: ["status", "headers"],
};

export const API_RETRY = { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 15_000 };

export function operationAction(settings: CallSettings, op: ApiOperation, options: { timeoutMs?: number } = {}): Action {
  const output = op.output ?? RESPONSE_OUTPUT;
  const read = op.method === "get" || op.method === "head";
  const action = defineAction({
    id: `${settings.name}.${op.key}`,
    title: op.title,
    description: `${op.description}${op.deprecated ? " (deprecated)" : ""}`,
    flows: [settings.name],
    effect: read ? "read" : "write",
    timeoutMs: options.timeoutMs,
    retry: API_RETRY,
    source: `openapi:${settings.name}`,
    input: jsonSchemaCheck(op.input),
    output: jsonSchemaCheck(output),
    run: async (args, ctx) => {
      const res = await callOperation(settings, op, isObject(args) ? args : {}, ctx);
      return op.output ? res.body : res;
    },
  });
  return { ...action, spec: { ...action.spec, input: op.input, output } };
}
