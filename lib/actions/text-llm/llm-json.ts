/**
 * One structured LLM call: ask for JSON that fits a zod schema, report the tokens,
 * and check the answer. Every LLM-backed action goes through here so they all fail
 * the same clear way (no provider, provider error, answer that does not fit).
 */
import { z } from "zod";
import { ActionError, requireLlm, type ActionContext, type RetryPolicy } from "@/lib/core/action";
import type { JsonSchema } from "@/lib/core/json-schema";

/** Only transport failures are retried (they are marked retryable); a bad answer is not. */
export const LLM_RETRY: RetryPolicy = { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 10_000 };
export const LLM_TIMEOUT_MS = 90_000;

export interface JsonRequest<T extends z.ZodType> {
  system?: string;
  prompt: string;
  /** a short name for the schema, e.g. "classification" */
  name: string;
  answer: T;
  /** tidy the parsed JSON before it is validated (e.g. match label case); never invents data */
  normalize?: (value: unknown) => unknown;
}

/**
 * The answer schema as sent to the provider. The output view of a zod object has
 * `additionalProperties: false` and every key required, which is what strict
 * structured-output modes accept (so answer schemas use `.nullable()`, not `.optional()`).
 */
export function answerJsonSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as JsonSchema;
  delete out.$schema;
  return out;
}

export async function completeJson<T extends z.ZodType>(ctx: ActionContext, request: JsonRequest<T>): Promise<z.output<T>> {
  const llm = requireLlm(ctx);
  let reply: Awaited<ReturnType<typeof llm.complete>>;
  try {
    reply = await llm.complete({
      system: request.system,
      prompt: request.prompt,
      jsonSchema: { name: request.name, schema: answerJsonSchema(request.answer) },
      signal: ctx.signal,
    });
  } catch (error) {
    if (error instanceof ActionError || ctx.signal.aborted) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ActionError("llm_request_failed", `The LLM provider call failed: ${message}`, { retryable: true, cause: error });
  }
  // tokens were spent whether or not the answer is usable
  if (reply.usage) ctx.reportUsage?.(reply.usage);
  return parseAnswer(reply.text, request.answer, request.normalize);
}

/** Parse and validate an LLM's JSON text; a bad answer carries the raw text in details. */
export function parseAnswer<T extends z.ZodType>(text: string, schema: T, normalize?: (value: unknown) => unknown): z.output<T> {
  let value: unknown;
  try {
    value = JSON.parse(stripCodeFence(text));
  } catch {
    throw new ActionError("llm_bad_answer", `The LLM answer is not valid JSON: "${preview(text)}"`, {
      retryable: false,
      details: { raw: text },
    });
  }
  const checked = schema.safeParse(normalize ? normalize(value) : value);
  if (!checked.success) {
    throw new ActionError("llm_bad_answer", `The LLM answer does not have the expected shape: ${z.prettifyError(checked.error)}`, {
      retryable: false,
      details: { raw: text, issues: checked.error.issues },
    });
  }
  return checked.data;
}

/** Some models wrap JSON in ```json fences even when asked for JSON only. */
function stripCodeFence(text: string): string {
  const m = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?```\s*$/i.exec(text);
  return m ? m[1] : text;
}

function preview(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
