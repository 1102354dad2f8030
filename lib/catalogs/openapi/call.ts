/**
 * One call of an API operation: the URL from the base URL and the path (path parameters
 * percent-encoded, query parameters serialized as OpenAPI's default `form` style, or
 * `deepObject`), the configured auth header (or API key query parameter), a JSON body; sent through the address guard with
 * the step's signal and timeout, the answer bounded. A non-2xx answer is a step failure with its
 * status and an excerpt of its body (retryable for 408, 429 and 5xx, after Retry-After).
 * The auth's secrets are redacted from every message.
 */
import { ActionError, DEFAULT_TIMEOUT_MS, type ActionContext } from "../../core/action";
import { parseRetryAfter } from "../../core/retry-after";
import type { AddressPolicy } from "../../actions/web/address-guard";
import { isRetryableStatus, limitedFetch } from "../../actions/web/limited-fetch";
import { authHeader, authQuery, redact, secretsOf, type ApiAuth } from "./config";
import type { ApiOperation, ApiParameter } from "./operations";

export const DEFAULT_MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
const EXCERPT = 300;

export interface CallSettings {
  name: string;
  baseUrl: string;
  auth?: ApiAuth;
  policy: AddressPolicy;
  maxResponseBytes?: number;
}

/** What a call answered: the status, the headers (lower-case names) and the body (JSON parsed when it is JSON, else text). */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export function buildUrl(baseUrl: string, op: ApiOperation, input: Record<string, unknown>): URL {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = input[name];
    if (v === undefined || v === null || v === "") throw new ActionError("invalid_input", `the path parameter "${name}" is missing`);
    return encodeURIComponent(Array.isArray(v) ? v.map(String).join(",") : String(v));
  });
  const url = new URL(baseUrl.replace(/\/+$/, "") + path);
  for (const p of op.parameters.filter((x) => x.in === "query")) appendQuery(url.searchParams, p, input[p.name]);
  return url;
}

function appendQuery(params: URLSearchParams, p: ApiParameter, v: unknown): void {
  if (v === undefined || v === null) return;
  const explode = p.explode ?? (p.style === undefined || p.style === "form");
  if (Array.isArray(v)) {
    if (explode) for (const item of v) params.append(p.name, scalar(item));
    else params.append(p.name, v.map(scalar).join(p.style === "pipeDelimited" ? "|" : p.style === "spaceDelimited" ? " " : ","));
  } else if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (p.style === "deepObject") for (const [k, x] of entries) params.append(`${p.name}[${k}]`, scalar(x));
    else if (explode) for (const [k, x] of entries) params.append(k, scalar(x));
    else params.append(p.name, entries.flatMap(([k, x]) => [k, scalar(x)]).join(","));
  } else {
    params.append(p.name, scalar(v));
  }
}

const scalar = (v: unknown): string => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

export async function callOperation(settings: CallSettings, op: ApiOperation, input: Record<string, unknown>, ctx: ActionContext): Promise<ApiResponse> {
  const secrets = secretsOf(settings.auth);
  try {
    return await send(settings, op, input, ctx);
  } catch (err) {
    if (err instanceof ActionError) {
      const message = redact(err.message, secrets);
      if (message === err.message) throw err;
      throw new ActionError(err.code, message, { retryable: err.retryable, details: err.details, retryAfterMs: err.retryAfterMs });
    }
    if (ctx.signal.aborted) throw err;
    throw new ActionError("api_error", redact(`the call to ${settings.name} failed: ${(err as Error)?.message ?? String(err)}`, secrets));
  }
}

async function send(settings: CallSettings, op: ApiOperation, input: Record<string, unknown>, ctx: ActionContext): Promise<ApiResponse> {
  const url = buildUrl(settings.baseUrl, op, input);
  const method = op.method.toUpperCase();
  const headers: Record<string, string> = { accept: "application/json, */*;q=0.5", "user-agent": "Trellis/0.1 (+workflow runner)" };
  for (const p of op.parameters.filter((x) => x.in === "header")) {
    const v = input[p.name];
    if (v !== undefined && v !== null) headers[p.name.toLowerCase()] = Array.isArray(v) ? v.map(scalar).join(",") : scalar(v);
  }
  let body: string | undefined;
  if (op.bodyType && input.body !== undefined) {
    body = JSON.stringify(input.body);
    headers["content-type"] = op.bodyType === "*/*" ? "application/json" : op.bodyType;
  }
  // Lets a server that honours Idempotency-Key drop the duplicate when a retry repeats a write.
  if (method !== "GET" && method !== "HEAD") headers["idempotency-key"] ??= ctx.idempotencyKey;
  const auth = authHeader(settings.auth);
  if (auth) headers[auth[0]] = auth[1];
  const key = authQuery(settings.auth);
  if (key) url.searchParams.set(key[0], key[1]);

  const res = await limitedFetch({
    url: url.href,
    method,
    headers,
    body,
    timeoutMs: ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    allowHosts: [url.hostname],
    addressPolicy: settings.policy,
    signal: ctx.signal,
  });
  const where = `${method} ${url.origin}${url.pathname}`;
  ctx.log("info", `${settings.name}: ${where} → ${res.status} (${res.body.byteLength} bytes)`);
  const contentType = res.headers["content-type"] ?? "";
  const text = res.body.toString("utf8");
  if (res.status < 200 || res.status >= 300) {
    const excerpt = /^(text\/|application\/(.+\+)?(json|xml))/i.test(contentType) || !contentType ? text.slice(0, EXCERPT).replace(/\s+/g, " ").trim() : "";
    const retryAfter = res.headers["retry-after"];
    throw new ActionError("http_status", `${settings.name}: ${where} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}${excerpt ? `: ${excerpt}${text.length > EXCERPT ? "…" : ""}` : ""}`, {
      retryable: isRetryableStatus(res.status),
      details: { status: res.status, retryAfter: retryAfter ?? null },
      retryAfterMs: parseRetryAfter(retryAfter),
    });
  }
  let parsed: unknown = text;
  if (/json/i.test(contentType) || (!contentType && /^\s*[{[]/.test(text))) {
    if (text.trim() === "") parsed = null;
    else {
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ActionError("response_not_json", `${settings.name}: ${where} answered ${contentType || "a body"} that does not parse as JSON: ${text.slice(0, 120)}`);
      }
    }
  } else if (method === "HEAD" || text === "") parsed = null;
  return { status: res.status, headers: res.headers, body: parsed };
}
