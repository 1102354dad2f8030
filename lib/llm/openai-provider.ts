/**
 * The LlmClient over the official openai SDK, for OpenAI and any OpenAI-compatible server
 * (Ollama, vLLM, LM Studio, Azure's v1 endpoint). It is what the planner and LLM-backed
 * actions call. On top of the SDK it adds:
 * - structured output with fallbacks: json_schema (strict when possible) → json_object → text,
 *   remembering for the rest of the process which mode a server refused;
 * - its own retries with exponential backoff on 408/409/429/5xx, timeouts and dropped
 *   connections, honouring Retry-After (the SDK's own retries are off so each retry can be
 *   reported through `onRetry`);
 * - streaming when the caller passes `onDelta`, with an idle timeout;
 * - token usage on every answer, and errors as LlmError with a code.
 */
import OpenAI from "openai";
import type { ChatCompletionCreateParamsBase, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { LlmClient, StructuredMode, TokenUsage } from "../core/action";
import type { JsonSchema } from "../core/json-schema";
import { LlmError, toLlmError } from "./errors";
import { extractJson } from "./extract-json";
import { jsonInstruction, providerSchema, rejectsResponseFormat, weakerMode } from "./structured-output";

export interface OpenAiProviderOptions {
  /** optional for local servers, which usually ignore it */
  apiKey?: string;
  /** default: the OpenAI API */
  baseUrl?: string;
  model: string;
  /** per request; while streaming, the longest silence between two chunks (default 60 s) */
  timeoutMs?: number;
  /** retries after the first call (default 2) */
  maxRetries?: number;
  /** first backoff delay, doubled each retry, with jitter (default 500 ms) */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** a Retry-After longer than this fails the call at once instead of waiting (default 30 s) */
  maxRetryAfterMs?: number;
  /** the first mode tried for JSON answers (default json_schema) */
  mode?: StructuredMode;
  temperature?: number;
  maxTokens?: number;
}

export type LlmRequest = Parameters<LlmClient["complete"]>[0];

export interface LlmAnswer {
  /** for JSON requests, the JSON found in the answer (else the answer as it came) */
  text: string;
  /** the answer exactly as the model wrote it */
  raw: string;
  usage?: TokenUsage;
  mode: StructuredMode;
  /** the model that answered, as the server names it */
  model: string;
  finishReason?: string;
  ms: number;
  retries: number;
}

const DEFAULTS = { timeoutMs: 60_000, maxRetries: 2, backoffMs: 500, maxBackoffMs: 8_000, maxRetryAfterMs: 30_000 };

export class OpenAiProvider implements LlmClient {
  readonly model: string;
  readonly baseUrl: string;
  private readonly client: OpenAI;
  private readonly options: OpenAiProviderOptions & typeof DEFAULTS;
  /** the strongest mode the server has not refused */
  private mode: StructuredMode;

  constructor(options: OpenAiProviderOptions) {
    this.options = { ...DEFAULTS, ...stripUndefined(options), model: options.model };
    this.model = options.model;
    this.baseUrl = options.baseUrl ?? "https://api.openai.com/v1";
    this.mode = options.mode ?? "json_schema";
    this.client = new OpenAI({
      // The SDK insists on a key; local servers do not check it.
      apiKey: options.apiKey || "not-needed",
      baseURL: options.baseUrl,
      timeout: this.options.timeoutMs,
      maxRetries: 0,
    });
  }

  /** The mode the next JSON request starts with. */
  get structuredMode(): StructuredMode {
    return this.mode;
  }

  async complete(request: LlmRequest): Promise<LlmAnswer> {
    if (!request.jsonSchema) return this.withRetries(request, "text");
    let mode = this.mode;
    for (;;) {
      try {
        return await this.withRetries(request, mode);
      } catch (err) {
        const e = err instanceof LlmError ? err : toLlmError(err, this.context());
        const weaker = weakerMode(mode);
        if (!weaker || (e.code !== "bad_request" && e.code !== "not_found") || !rejectsResponseFormat(e.status, e.message, e.param, e.providerCode)) throw e;
        // A schema this server cannot take is about this request; a refused mode is about the server.
        if (!/invalid schema/i.test(e.message) && this.mode === mode) this.mode = weaker;
        mode = weaker;
      }
    }
  }

  private context() {
    return { timeoutMs: this.options.timeoutMs, baseUrl: this.baseUrl };
  }

  private async withRetries(request: LlmRequest, mode: StructuredMode): Promise<LlmAnswer> {
    const started = Date.now();
    for (let retry = 0; ; retry++) {
      try {
        const answer = await this.once(request, mode);
        return { ...answer, ms: Date.now() - started, retries: retry };
      } catch (err) {
        const e = toLlmError(err, this.context());
        if (!e.retryable || retry >= this.options.maxRetries || request.signal?.aborted) throw e;
        if (e.retryAfterMs !== undefined && e.retryAfterMs > this.options.maxRetryAfterMs) {
          throw new LlmError(e.code, `${e.message} (the provider asks to wait ${Math.ceil(e.retryAfterMs / 1000)} s before trying again)`, { status: e.status, retryAfterMs: e.retryAfterMs, cause: e });
        }
        const delayMs = e.retryAfterMs ?? backoff(retry, this.options.backoffMs, this.options.maxBackoffMs);
        request.onRetry?.({ retry: retry + 1, delayMs: Math.round(delayMs), reason: e.message });
        await sleep(delayMs, request.signal);
      }
    }
  }

  private params(request: LlmRequest, mode: StructuredMode): ChatCompletionCreateParamsBase {
    const schema: JsonSchema | undefined = request.jsonSchema?.schema;
    let system = request.system ?? "";
    let responseFormat: ChatCompletionCreateParamsBase["response_format"];
    if (request.jsonSchema && schema) {
      if (mode === "json_schema") {
        const sent = providerSchema(schema);
        responseFormat = { type: "json_schema", json_schema: { name: schemaName(request.jsonSchema.name), schema: sent.schema, strict: sent.strict } };
      } else {
        // JSON mode requires the word JSON in the messages; both weaker modes need the schema spelled out.
        system = `${system}\n\n${jsonInstruction(schema, mode)}`.trim();
        if (mode === "json_object") responseFormat = { type: "json_object" };
      }
    }
    const messages: ChatCompletionMessageParam[] = [];
    if (system) messages.push({ role: "system", content: system });
    messages.push({ role: "user", content: request.prompt });
    return {
      model: this.model,
      messages,
      ...(responseFormat ? { response_format: responseFormat } : {}),
      ...(this.options.temperature !== undefined ? { temperature: this.options.temperature } : {}),
      ...(this.options.maxTokens !== undefined ? { max_tokens: this.options.maxTokens } : {}),
    };
  }

  private async once(request: LlmRequest, mode: StructuredMode): Promise<Omit<LlmAnswer, "ms" | "retries">> {
    const params = this.params(request, mode);
    const reply = request.onDelta ? await this.streamed(params, request) : await this.plain(params, request);
    if (reply.refusal) throw new LlmError("refused", `The model declined to answer: ${reply.refusal}`);
    if (!reply.content.trim()) {
      throw new LlmError("empty_answer", `The model returned an empty answer${reply.finishReason ? ` (finish reason ${reply.finishReason})` : ""}.`);
    }
    let text = reply.content;
    if (request.jsonSchema) {
      const found = extractJson(reply.content);
      if (found.ok) text = found.json;
    }
    return { text, raw: reply.content, usage: reply.usage, mode, model: reply.model || this.model, finishReason: reply.finishReason };
  }

  private async plain(params: ChatCompletionCreateParamsBase, request: LlmRequest): Promise<RawReply> {
    const completion = await this.client.chat.completions.create({ ...params, stream: false }, { signal: request.signal });
    const choice = completion.choices?.[0];
    return {
      content: choice?.message?.content ?? "",
      refusal: choice?.message?.refusal ?? undefined,
      finishReason: choice?.finish_reason ?? undefined,
      usage: usageOf(completion.usage),
      model: completion.model,
    };
  }

  private async streamed(params: ChatCompletionCreateParamsBase, request: LlmRequest): Promise<RawReply> {
    // The SDK's timeout ends at the response headers; a stream that goes quiet is cut here.
    const idle = new AbortController();
    const onAbort = () => idle.abort();
    request.signal?.addEventListener("abort", onAbort, { once: true });
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => { timedOut = true; idle.abort(); }, this.options.timeoutMs);
    };
    arm();
    const reply: RawReply = { content: "", model: "" };
    let received = false;
    try {
      const stream = await this.client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } }, { signal: idle.signal });
      for await (const chunk of stream) {
        arm();
        received = true;
        reply.model ||= chunk.model;
        if (chunk.usage) reply.usage = usageOf(chunk.usage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const piece = choice.delta?.content;
        if (piece) {
          reply.content += piece;
          request.onDelta?.(piece);
        }
        if (choice.delta?.refusal) reply.refusal = (reply.refusal ?? "") + choice.delta.refusal;
        if (choice.finish_reason) reply.finishReason = choice.finish_reason;
      }
      // An aborted stream can end quietly instead of throwing.
      if (timedOut) throw timeoutError(this.options.timeoutMs, received);
      if (request.signal?.aborted) throw new LlmError("aborted", "The LLM request was cancelled.");
      return reply;
    } catch (err) {
      if (timedOut) throw timeoutError(this.options.timeoutMs, received, err);
      throw err;
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
    }
  }
}

interface RawReply {
  content: string;
  refusal?: string;
  finishReason?: string;
  usage?: TokenUsage;
  model: string;
}

/** The provider for the configured LLM, or undefined when none is configured. */
export function openAiProviderFromConfig(llm: { apiKey?: string; baseUrl?: string; model: string; timeoutMs: number; temperature?: number; configured: boolean }): OpenAiProvider | undefined {
  if (!llm.configured) return undefined;
  return new OpenAiProvider({ apiKey: llm.apiKey, baseUrl: llm.baseUrl, model: llm.model, timeoutMs: llm.timeoutMs, temperature: llm.temperature });
}

function timeoutError(ms: number, received: boolean, cause?: unknown): LlmError {
  const message = received ? `The LLM provider stopped sending for ${seconds(ms)}.` : `The LLM provider did not answer within ${seconds(ms)}.`;
  return new LlmError("timeout", message, { retryable: true, cause });
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1).replace(/\.0$/, "")} s` : `${Math.round(ms / 1000)} s`;
}

function usageOf(u: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): TokenUsage | undefined {
  if (!u) return undefined;
  return { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0 };
}

/** OpenAI allows [a-zA-Z0-9_-]{1,64} as a schema name. */
function schemaName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]+/g, "_").slice(0, 64) || "answer";
}

function backoff(retry: number, base: number, max: number): number {
  const exp = Math.min(max, base * 2 ** retry);
  return exp * (0.75 + Math.random() * 0.25);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmError("aborted", "The LLM request was cancelled."));
    const onAbort = () => {
      clearTimeout(t);
      reject(new LlmError("aborted", "The LLM request was cancelled."));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
