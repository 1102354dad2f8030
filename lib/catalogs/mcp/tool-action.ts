/**
 * One MCP tool as a Trellis action: id `<server>.<tool>` (the tool's name unchanged), flow
 * `<server>`, input schema the tool's `inputSchema` as it is, output the tool's `outputSchema`
 * when it declares one (the result's structured content), else `CONTENT_OUTPUT`.
 * Effect from the annotations: readOnlyHint → read; destructiveHint → write that waits for
 * approval; neither → write.
 */
import { z } from "zod";
import { ActionError, defineAction, type Action, type ActionContext, type Effect } from "../../core/action";
import { checkValue, formatValueErrors } from "../../core/check-value";
import { isObject, type JsonSchema } from "../../core/json-schema";

/** What Trellis reads of a listed tool (the SDK's `Tool`, structurally). */
export interface McpTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: { [key: string]: unknown };
  outputSchema?: { [key: string]: unknown };
  annotations?: { title?: string; readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
}

/** What Trellis reads of a tool's answer (the SDK's `CallToolResult`, structurally). */
export interface McpToolResult {
  content?: Array<{ type: string; [key: string]: unknown }>;
  structuredContent?: { [key: string]: unknown };
  isError?: boolean;
}

/** Calls one tool of the server, honouring the step's signal and timeout. */
export type CallTool = (tool: string, args: Record<string, unknown>, ctx: ActionContext) => Promise<McpToolResult>;

/**
 * The output of a tool that declares no output schema: `text` joins its text items (what a
 * downstream text input usually wants), `content` keeps every item as the server sent it
 * (text, image, audio, resource links, embedded resources), `structured` its structured
 * content when it sent some.
 */
export const CONTENT_OUTPUT: JsonSchema = {
  type: "object",
  properties: {
    text: { type: "string", description: "the text items of the result, joined by blank lines" },
    content: { type: "array", description: "the result's content items as the server sent them", items: { type: "object", properties: { type: { type: "string" } }, required: ["type"] } },
    structured: { description: "the result's structured content, when the server sent some" },
  },
  required: ["text", "content"],
};

export interface McpContentOutput {
  text: string;
  content: Array<{ type: string; [key: string]: unknown }>;
  structured?: unknown;
}

export function effectOf(tool: McpTool): { effect: Effect; approval: boolean } {
  const a = tool.annotations ?? {};
  if (a.readOnlyHint === true) return { effect: "read", approval: false };
  return { effect: "write", approval: a.destructiveHint === true };
}

/** A zod schema that checks a value against a JSON Schema the way the validator does, keeping the value as it is. */
export function jsonSchemaCheck(schema: JsonSchema): z.ZodType {
  return z.unknown().superRefine((value, ctx) => {
    const errors = checkValue(value, schema);
    if (errors.length) ctx.addIssue({ code: "custom", message: formatValueErrors(errors) });
  });
}

/** The schema as Trellis shows it: without the `$schema` dialect line. */
function cleanSchema(schema: { [key: string]: unknown }): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

export function toolAction(server: string, tool: McpTool, call: CallTool, options: { timeoutMs?: number } = {}): Action {
  const input = cleanSchema(isObject(tool.inputSchema) ? tool.inputSchema : { type: "object" });
  const output = tool.outputSchema ? cleanSchema(tool.outputSchema) : CONTENT_OUTPUT;
  const { effect, approval } = effectOf(tool);
  const action = defineAction({
    id: `${server}.${tool.name}`,
    title: tool.title ?? tool.annotations?.title ?? tool.name,
    description: tool.description ?? "",
    flows: [server],
    effect,
    approval,
    // Another program, over HTTP or stdio: whatever the step gives it leaves Trellis.
    egress: true,
    timeoutMs: options.timeoutMs,
    source: `mcp:${server}`,
    input: jsonSchemaCheck(input),
    output: jsonSchemaCheck(output),
    run: async (args, ctx) => {
      const result = await call(tool.name, isObject(args) ? args : {}, ctx);
      return toolOutput(server, tool, result);
    },
  });
  return { ...action, spec: { ...action.spec, input, output } };
}

/** A tool's answer as the action's output; a tool error (`isError`) is a step failure with the tool's own message. */
export function toolOutput(server: string, tool: McpTool, result: McpToolResult): unknown {
  const content = Array.isArray(result.content) ? result.content : [];
  const text = content.filter((c) => c.type === "text" && typeof c.text === "string").map((c) => c.text as string).join("\n\n");
  if (result.isError) {
    throw new ActionError("tool_error", text || `the tool ${server}.${tool.name} reported an error without a message`, { details: { server, tool: tool.name } });
  }
  if (tool.outputSchema) {
    if (result.structuredContent === undefined) {
      throw new ActionError("no_structured_content", `the tool ${server}.${tool.name} declares an output schema but answered without structured content`);
    }
    return result.structuredContent;
  }
  const out: McpContentOutput = { text, content };
  if (result.structuredContent !== undefined) out.structured = result.structuredContent;
  return out;
}
