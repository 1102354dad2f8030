/**
 * Provider failures as one error class with a code, so callers switch on `code` instead of
 * on SDK classes, and messages name what to do about them.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { parseRetryAfter } from "../core/retry-after";

export type LlmErrorCode =
  | "timeout"
  | "rate_limited"
  | "server_error"
  | "bad_request"
  | "unauthorized"
  | "not_found"
  | "connection"
  | "aborted"
  | "refused"
  | "empty_answer";

export class LlmError extends Error {
  readonly code: LlmErrorCode;
  readonly status?: number;
  readonly retryable: boolean;
  /** the server's `Retry-After` in ms, when it sent one */
  readonly retryAfterMs?: number;
  /** the error body's `param` and `code`, for deciding on a fallback */
  readonly param?: unknown;
  readonly providerCode?: unknown;
  constructor(code: LlmErrorCode, message: string, options: { status?: number; retryable?: boolean; retryAfterMs?: number; param?: unknown; providerCode?: unknown; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "LlmError";
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.param = options.param;
    this.providerCode = options.providerCode;
  }
}

/** Map whatever the SDK threw to an LlmError. */
export function toLlmError(err: unknown, context: { timeoutMs: number; baseUrl: string }): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof APIUserAbortError) return new LlmError("aborted", "The LLM request was cancelled.", { cause: err });
  if (err instanceof APIConnectionTimeoutError) {
    const t = context.timeoutMs < 10_000 ? `${(context.timeoutMs / 1000).toFixed(1).replace(/\.0$/, "")} s` : `${Math.round(context.timeoutMs / 1000)} s`;
    return new LlmError("timeout", `The LLM provider did not answer within ${t}.`, { retryable: true, cause: err });
  }
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return new LlmError("connection", `Could not reach the LLM provider at ${context.baseUrl}${cause}.`, { retryable: true, cause: err });
  }
  if (err instanceof APIError) {
    const status = err.status;
    const body = (err.error ?? {}) as { message?: unknown; param?: unknown; code?: unknown };
    const detail = typeof body.message === "string" ? body.message : err.message;
    const opts = { status, param: body.param, providerCode: body.code, cause: err, retryAfterMs: retryAfterMs(err.headers) };
    if (status === 401 || status === 403) return new LlmError("unauthorized", `The LLM provider refused the credentials (${status}): ${detail} Check OPENAI_API_KEY.`, opts);
    if (status === 404) return new LlmError("not_found", `The LLM provider answered 404: ${detail} Check OPENAI_BASE_URL and OPENAI_MODEL.`, opts);
    if (status === 429) return new LlmError("rate_limited", `The LLM provider is rate limiting requests: ${detail}`, { ...opts, retryable: true });
    if (status === 408 || status === 409 || (status !== undefined && status >= 500)) {
      return new LlmError("server_error", `The LLM provider failed (${status}): ${detail}`, { ...opts, retryable: true });
    }
    return new LlmError("bad_request", `The LLM provider rejected the request (${status ?? "no status"}): ${detail}`, opts);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LlmError("connection", `The LLM request failed: ${message}`, { retryable: true, cause: err });
}

/** `retry-after-ms` (OpenAI) or `retry-after` (seconds or an HTTP date), in ms. */
export function retryAfterMs(headers: Headers | Record<string, string | null | undefined> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name]) ?? undefined;
  const ms = get("retry-after-ms");
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  return parseRetryAfter(get("retry-after"), now);
}
