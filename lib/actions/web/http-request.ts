import { z } from "zod";
import { ActionError, defineAction, type ActionContext } from "@/lib/core/action";
import { parseRetryAfter } from "@/lib/core/retry-after";
import type { BasicActionOptions } from "../options";
import { DEFAULT_HTTP_MAX_BYTES, isRetryableStatus, limitedFetch } from "./limited-fetch";

const Method = z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);
const QueryValue = z.union([z.string(), z.number(), z.boolean()]);

const commonInput = {
  url: z.string().describe("Absolute http(s) URL; its host must be on the allowed-host list"),
  headers: z.record(z.string(), z.string()).optional().describe('Request headers, e.g. { "Authorization": "Bearer …" } (optional)'),
  query: z.record(z.string(), QueryValue).optional().describe("Query parameters added to the URL (optional)"),
  timeoutMs: z.number().int().min(100).max(120_000).default(15_000).describe("Give up after this many milliseconds (default 15000)"),
  maxBytes: z.number().int().positive().optional().describe("Largest response body accepted in bytes (default and ceiling: the server's configured limit)"),
  failOnHttpError: z
    .boolean()
    .default(true)
    .describe("Fail the step on a 4xx/5xx status (default true; 429 and 5xx are retried). False returns the response whatever its status"),
};

export const HttpResponse = z.object({
  status: z.number().int().describe("HTTP status code"),
  ok: z.boolean().describe("True for a 2xx status"),
  url: z.string().describe("Final URL after redirects"),
  headers: z.record(z.string(), z.string()).describe("Response headers, lower-case names"),
  contentType: z.string().nullable().describe("The Content-Type header, or null"),
  body: z.string().describe("The response body: text, or base64 for binary content (see bodyEncoding)"),
  bodyEncoding: z.enum(["utf8", "base64"]).describe('"utf8" for text bodies, "base64" for binary ones'),
  json: z.unknown().describe("The body parsed as JSON when the response is JSON, else null"),
  bytes: z.number().int().describe("Body size in bytes"),
});
type HttpResponse = z.infer<typeof HttpResponse>;

function isTextual(contentType: string | null): boolean {
  if (!contentType) return true;
  return /^text\/|[/+](json|xml|javascript|csv|x-www-form-urlencoded)\b|^application\/(json|xml|javascript|ecmascript)/i.test(contentType);
}

interface RequestSpec {
  url: string;
  method: z.infer<typeof Method>;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  json?: unknown;
  body?: string;
  timeoutMs: number;
  maxBytes?: number;
  failOnHttpError: boolean;
}

async function perform(spec: RequestSpec, ctx: ActionContext, options: BasicActionOptions): Promise<HttpResponse> {
  let url = spec.url;
  if (spec.query) {
    const u = new URL(url);
    for (const [k, v] of Object.entries(spec.query)) u.searchParams.append(k, String(v));
    url = u.href;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: string | undefined;
  if (spec.json !== undefined && spec.body !== undefined) {
    throw new ActionError("invalid_request", "Give either json or body, not both.");
  }
  if (spec.json !== undefined) {
    body = JSON.stringify(spec.json);
    headers["content-type"] ??= "application/json";
  } else if (spec.body !== undefined) {
    body = spec.body;
    headers["content-type"] ??= "text/plain; charset=utf-8";
  }
  if (body !== undefined && (spec.method === "GET" || spec.method === "HEAD")) {
    throw new ActionError("invalid_request", `A ${spec.method} request cannot have a body; use POST or PUT.`);
  }
  // Lets a server that honours Idempotency-Key drop the duplicate when a retry repeats a POST.
  if (spec.method !== "GET" && spec.method !== "HEAD") headers["idempotency-key"] ??= ctx.idempotencyKey;
  headers["user-agent"] ??= "Trellis/0.1 (+workflow runner)";

  const ceiling = options.httpMaxBytes ?? DEFAULT_HTTP_MAX_BYTES;
  const res = await limitedFetch({
    url,
    method: spec.method,
    headers,
    body,
    timeoutMs: spec.timeoutMs,
    maxBytes: Math.min(spec.maxBytes ?? ceiling, ceiling),
    allowHosts: options.httpAllowHosts,
    allowPrivate: options.httpAllowPrivate,
    signal: ctx.signal,
  });
  ctx.log("info", `${spec.method} ${res.url} → ${res.status} (${res.body.byteLength} bytes)`);
  const contentType = res.headers["content-type"] ?? null;
  const textual = isTextual(contentType);
  const text = textual ? res.body.toString("utf8") : res.body.toString("base64");

  if (spec.failOnHttpError && res.status >= 400) {
    const retryable = isRetryableStatus(res.status);
    const snippet = textual ? text.slice(0, 300).replace(/\s+/g, " ").trim() : "";
    throw new ActionError("http_status", `${spec.method} ${res.url} returned HTTP ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ""}`, {
      retryable,
      details: { status: res.status, retryAfter: res.headers["retry-after"] ?? null },
      // The server says when to come back; the engine waits that long before the next attempt.
      retryAfterMs: parseRetryAfter(res.headers["retry-after"]),
    });
  }
  let json: unknown = null;
  if (textual && contentType && /json/i.test(contentType) && text.trim() !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      ctx.log("warn", "The response says it is JSON but does not parse; returning it as text only");
    }
  }
  return {
    status: res.status,
    ok: res.status >= 200 && res.status < 300,
    url: res.url,
    headers: res.headers,
    contentType,
    body: text,
    bodyEncoding: textual ? "utf8" : "base64",
    json,
    bytes: res.body.byteLength,
  };
}

function allowListText(options: BasicActionOptions): string {
  if (options.httpAllowHosts.includes("*")) return "Any host may be contacted.";
  return options.httpAllowHosts.length
    ? `Allowed hosts: ${options.httpAllowHosts.join(", ")}; others are refused.`
    : "No hosts are allowed in this configuration, so every request is refused.";
}

export function httpRequestAction(options: BasicActionOptions) {
  return defineAction({
    id: "web.http_request",
    title: "HTTP request",
    description:
      "Send an HTTP request (GET, HEAD, POST, PUT, PATCH, DELETE) with optional headers, query parameters and a JSON (`json`) or text (`body`) body, " +
      "and return the response: { status, ok, url, headers, contentType, body, bodyEncoding, json (parsed when the response is JSON), bytes }. " +
      "Use this to call APIs or send data; for simply reading a page or API prefer web.fetch. Redirects are followed (each hop must be an allowed host); " +
      "the response size is limited; 4xx/5xx fail the step unless failOnHttpError is false, and 429/5xx/network errors are retried. " +
      `Non-GET requests carry an Idempotency-Key header. ${allowListText(options)}`,
    flows: ["web"],
    effect: "write",
    egress: true,
    timeoutMs: 130_000,
    retry: { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 15_000 },
    input: z.object({
      ...commonInput,
      method: Method.default("GET").describe("HTTP method (default GET)"),
      json: z.unknown().optional().describe("A JSON value sent as the body with Content-Type application/json (optional)"),
      body: z.string().optional().describe("A text body (optional; give json or body, not both)"),
    }),
    output: HttpResponse,
    run(input, ctx) {
      return perform(input, ctx, options);
    },
    // GET and HEAD change nothing (RFC 9110 safe methods): a dry run sends them; any other method is described.
    async preview(input, ctx) {
      const sent = input.json !== undefined ? `a JSON body of ${Buffer.byteLength(JSON.stringify(input.json))} bytes` : input.body !== undefined ? `a ${Buffer.byteLength(input.body)}-byte body` : "no body";
      if (input.method === "GET" || input.method === "HEAD") return { effect: { kind: "description", text: `sent ${input.method} ${input.url} (a safe method, so a dry run sends it)` }, output: await perform(input, ctx, options) };
      return { effect: { kind: "description", text: `would send ${input.method} ${input.url} with ${sent}` } };
    },
  });
}

export function fetchAction(options: BasicActionOptions) {
  return defineAction({
    id: "web.fetch",
    title: "Fetch a URL",
    description:
      "Read a web page or API resource with an HTTP GET and return { status, ok, url, headers, contentType, body (text, or base64 when binary), bodyEncoding, json, bytes }. " +
      "JSON responses are also parsed into `json`. Redirects are followed (each hop must be an allowed host); the response size is limited; " +
      "4xx/5xx fail the step unless failOnHttpError is false, and 429/5xx/network errors are retried. Feed `body` to web.html_to_text or web.extract_links. " +
      allowListText(options),
    flows: ["web"],
    effect: "read",
    // A read sends data too: the URL, its query and headers reach another server.
    egress: true,
    timeoutMs: 130_000,
    retry: { maxAttempts: 3, backoffMs: 1000, maxBackoffMs: 15_000 },
    input: z.object(commonInput),
    output: HttpResponse,
    run(input, ctx) {
      return perform({ ...input, method: "GET" }, ctx, options);
    },
  });
}
