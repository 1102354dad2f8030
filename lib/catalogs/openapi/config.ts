/**
 * HTTP APIs in the sources file (`TRELLIS_MCP_CONFIG`), next to `mcpServers`:
 * `{ "apis": { "<name>": { "openapi": "<url or file>", "baseUrl"?, "auth"?, "operations"? } } }`.
 * Any string may name environment variables as `${NAME}`, so secrets stay out of the file;
 * they are resolved when the source is built (`resolveRefs`).
 */
import { z } from "zod";
import { httpHeaderNamePattern, HTTP_HEADER_NAME_MESSAGE, namesHeaderOrQuery } from "../../core/api-key-auth";

/** A flow name and an id prefix, as for MCP servers. */
export const ApiName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "an API name starts with a letter and holds letters, digits, _ or -");

const HeaderName = z.string().regex(httpHeaderNamePattern(), HTTP_HEADER_NAME_MESSAGE);

export const ApiAuth = z.discriminatedUnion("type", [
  z.object({ type: z.literal("bearer"), token: z.string().min(1) }).strict(),
  z
    .object({ type: z.literal("apiKey"), header: HeaderName.optional(), query: z.string().min(1).optional(), value: z.string().min(1) })
    .strict()
    .refine(namesHeaderOrQuery, 'an apiKey auth names either "header" or "query" (the query parameter that carries the key), not both'),
  z.object({ type: z.literal("basic"), username: z.string().min(1), password: z.string() }).strict(),
], { message: 'auth.type is "bearer" (with token), "apiKey" (with header or query, and value) or "basic" (with username and password)' });
export type ApiAuth = z.infer<typeof ApiAuth>;

export const ApiConfig = z.object({
  /** the OpenAPI 3.0/3.1 document: an http(s) URL, or a file path (relative to the sources file) */
  openapi: z.string().min(1, "the URL or file of the OpenAPI document"),
  /** where its operations are sent; else the document's first server, else the document's own origin */
  baseUrl: z.string().min(1).optional(),
  auth: ApiAuth.optional(),
  /** the operation ids to offer (operationId, or the method_path slug of one without); all when absent */
  operations: z.array(z.string().min(1)).min(1).optional(),
  /** the default timeout of its steps (a step's own timeoutMs wins) */
  timeoutMs: z.number().int().min(100).max(600_000).optional(),
}).strict();
export type ApiConfig = z.infer<typeof ApiConfig>;

export const ApisConfig = z.record(z.string(), ApiConfig).superRefine((apis, ctx) => {
  for (const name of Object.keys(apis)) {
    const ok = ApiName.safeParse(name);
    if (!ok.success) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not an API name: ${ok.error.issues[0].message}` });
  }
});
export type ApisConfig = z.infer<typeof ApisConfig>;

/** The `apis` part of the parsed sources file, or one line that says what is wrong with it. */
export function parseApisConfig(json: unknown): { ok: true; apis: ApisConfig } | { ok: false; reason: string } {
  const apis = (json as { apis?: unknown } | null)?.apis;
  if (apis === undefined) return { ok: true, apis: {} };
  const parsed = ApisConfig.safeParse(apis);
  if (parsed.success) return { ok: true, apis: parsed.data };
  const issue = parsed.error.issues[0];
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : "";
  return { ok: false, reason: `${["apis", ...issue.path.map(String)].join(".")}: ${issue.message}${more}` };
}

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The entry with every `${NAME}` replaced by `values[NAME]` (the environment for the file; the
 * decrypted secrets of a stored connection), or the first field naming a value that is not set.
 */
export function resolveRefs(name: string, entry: ApiConfig, values: Readonly<Record<string, string | undefined>>): { ok: true; entry: ApiConfig } | { ok: false; reason: string } {
  let missing: string | undefined;
  const walk = (v: unknown, where: string): unknown => {
    if (typeof v === "string") {
      return v.replace(REF, (_, ref: string) => {
        const value = values[ref];
        if (value === undefined || value === "") missing ??= `apis.${name}.${where} names \${${ref}}, which is not set`;
        return value ?? "";
      });
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${where}.${i}`));
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, where ? `${where}.${k}` : k)]));
    return v;
  };
  const resolved = walk(entry, "") as ApiConfig;
  return missing ? { ok: false, reason: missing } : { ok: true, entry: resolved };
}

/** The secret values of an auth (to keep them out of every message), the encoded forms included. */
export function secretsOf(auth: ApiAuth | undefined): string[] {
  if (!auth) return [];
  if (auth.type === "bearer") return [auth.token];
  // In a query the key may travel encoded.
  if (auth.type === "apiKey") return [...new Set([auth.value, ...(auth.query ? [encodeURIComponent(auth.value), new URLSearchParams({ k: auth.value }).toString().slice(2)] : [])])];
  return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString("base64")].filter(Boolean);
}

/** The request header the auth sends (none for an API key sent in the query: authQuery). */
export function authHeader(auth: ApiAuth | undefined): [string, string] | undefined {
  if (!auth) return undefined;
  if (auth.type === "bearer") return ["authorization", `Bearer ${auth.token}`];
  if (auth.type === "apiKey") return auth.header ? [auth.header.toLowerCase(), auth.value] : undefined;
  return ["authorization", `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`];
}

/** The query parameter an API key auth sends, when it names one. */
export function authQuery(auth: ApiAuth | undefined): [string, string] | undefined {
  return auth?.type === "apiKey" && auth.query ? [auth.query, auth.value] : undefined;
}

/** Replaces each secret in a text (an error message, a response excerpt) by `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join("[redacted]");
  return out;
}

/** What a person may see of a document's location: no credentials, no query. */
export function describeLocation(location: string): string {
  if (!/^https?:\/\//i.test(location)) return location;
  try {
    const url = new URL(location);
    url.username = "";
    url.password = "";
    url.search = "";
    return url.toString();
  } catch {
    return "(an unreadable URL)";
  }
}
