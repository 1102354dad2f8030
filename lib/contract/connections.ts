/**
 * Connections: sources of actions added at run time (the Connections page), stored with their
 * secrets encrypted. Two kinds, a union on `kind`: `mcp` (an MCP server over stdio or streamable
 * HTTP) and `openapi` (an HTTP API from an OpenAPI document at an http(s) URL).
 *
 * Secrets are write-only: a request sets (text) or removes (null) them by name; an answer says
 * which names are set, never a value. For a stdio server a secret is an environment variable of
 * its process; for an HTTP server, a request header (such as Authorization); for an HTTP API, the
 * one secret its auth takes (`token`, `key` or `password`: OPENAPI_AUTH_SECRET).
 */
import { z } from "zod";
import { httpHeaderNamePattern, HTTP_HEADER_NAME_MESSAGE, namesHeaderOrQuery } from "../core/api-key-auth";
import { IsoDate } from "./common";

export const ConnectionName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "a connection name starts with a letter and holds letters, digits, _ or - (at most 64)")
  .describe("the connection's name: the flow of its actions and the prefix of their ids (`<name>.<tool>`)");

export const ConnectionKind = z.enum(["mcp", "openapi"]);
export type ConnectionKind = z.infer<typeof ConnectionKind>;

const TimeoutMs = z.number().int().min(100).max(3_600_000).optional().describe("the default timeout of its actions' steps, in ms (a step's own timeoutMs wins)");

export const McpStdioConnectionConfig = z
  .object({
    transport: z.literal("stdio"),
    command: z.string().min(1).max(1000).describe("the program to start, e.g. npx or node"),
    args: z.array(z.string().max(4000)).max(100).default([]),
    cwd: z.string().min(1).max(1000).optional(),
    timeoutMs: TimeoutMs,
  })
  .strict();

/** An http(s) URL without credentials in it (never a path on the server: that would let a person read its files). */
const HttpUrl = z
  .url({ protocol: /^https?$/, message: "an http(s) URL" })
  .max(2000)
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), "a URL may not hold a user name or password: put credentials in a secret");

export const McpHttpConnectionConfig = z
  .object({
    transport: z.literal("http"),
    url: HttpUrl.describe("the server's streamable HTTP endpoint (no credentials in it: put them in a header secret)"),
    timeoutMs: TimeoutMs,
  })
  .strict();

/** What may be shown of an MCP connection: everything but its secrets. */
export const McpConnectionConfig = z.discriminatedUnion("transport", [McpStdioConnectionConfig, McpHttpConnectionConfig]);
export type McpConnectionConfig = z.infer<typeof McpConnectionConfig>;

/** An environment variable's name (stdio) or a header's name (HTTP). */
export const SecretName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/, "a secret's name is an environment variable's or a header's name: letters, digits, _ or -");
export const SecretValue = z.string().min(1, "a secret's value may not be empty (send null to remove it)").max(16_384).refine((v) => !/[\r\n\0]/.test(v), "a secret's value may not hold line breaks or NUL");

/** `${NAME}` references belong to the sources file; a connection's secret goes in its auth. */
const NoRef = (s: string) => !s.includes("${");
const NO_REF = "`${…}` references are for the sources file: a connection's secret is set as its auth's secret";

/** How an HTTP API is called; its secret value is not here but in `secrets`, under OPENAPI_AUTH_SECRET[type]. */
export const OpenApiConnectionAuth = z.discriminatedUnion("type", [
  z.object({ type: z.literal("bearer") }).strict().describe("Authorization: Bearer <the secret `token`>"),
  z
    .object({
      type: z.literal("apiKey"),
      header: z.string().regex(httpHeaderNamePattern(128), HTTP_HEADER_NAME_MESSAGE).optional().describe("the request header that carries the key"),
      query: z.string().min(1).max(128).refine(NoRef, NO_REF).optional().describe("or the query parameter that carries it"),
    })
    .strict()
    .refine(namesHeaderOrQuery, 'an apiKey auth names either "header" or "query", not both')
    .describe("<header>: <the secret `key`>, or ?<query>=<the secret `key`>"),
  z
    .object({ type: z.literal("basic"), username: z.string().min(1).max(256).refine((u) => !u.includes(":"), "a basic-auth user name may not hold ':'").refine(NoRef, NO_REF) })
    .strict()
    .describe("Authorization: Basic <username and the secret `password`>"),
]);
export type OpenApiConnectionAuth = z.infer<typeof OpenApiConnectionAuth>;

/** The name of the one secret each auth type takes. */
export const OPENAPI_AUTH_SECRET = { bearer: "token", apiKey: "key", basic: "password" } as const satisfies Record<OpenApiConnectionAuth["type"], string>;

/** What may be shown of an HTTP API connection: everything but its secret. */
export const OpenApiConnectionConfig = z
  .object({
    openapi: HttpUrl.refine(NoRef, NO_REF).describe("the OpenAPI 3.0/3.1 document's http(s) URL (JSON or YAML); fetched through the address guard"),
    baseUrl: HttpUrl.refine(NoRef, NO_REF).optional().describe("where its operations are sent; else the document's first server, else the document's origin"),
    auth: OpenApiConnectionAuth.optional(),
    operations: z.array(z.string().min(1).max(200).refine(NoRef, NO_REF)).min(1).max(1000).optional().describe("the operation ids to offer (all when left out)"),
    timeoutMs: z.number().int().min(100).max(600_000).optional().describe("the default timeout of its actions' steps, in ms (a step's own timeoutMs wins)"),
  })
  .strict();
export type OpenApiConnectionConfig = z.infer<typeof OpenApiConnectionConfig>;

/** Which secret names the configuration's auth needs (none without auth). */
export function openApiSecretNames(config: OpenApiConnectionConfig): string[] {
  return config.auth ? [OPENAPI_AUTH_SECRET[config.auth.type]] : [];
}

/** The secret the configuration's auth needs and `secrets` does not set, if any. */
export function missingOpenApiSecret(config: OpenApiConnectionConfig, secrets: Readonly<Record<string, unknown>>): string | undefined {
  return openApiSecretNames(config).find((n) => !secrets[n]);
}

const McpConnectionBody = z
  .object({
    kind: z.literal("mcp"),
    name: ConnectionName,
    config: McpConnectionConfig,
    secrets: z.record(SecretName, SecretValue).default({}).describe("env variables (stdio) or headers (HTTP), by name; stored encrypted, never answered"),
  })
  .strict();

const OpenApiConnectionBody = z
  .object({
    kind: z.literal("openapi"),
    name: ConnectionName,
    config: OpenApiConnectionConfig,
    secrets: z.record(SecretName, SecretValue).default({}).describe("the auth's secret: `token` (bearer), `key` (apiKey, in a header or the query) or `password` (basic); stored encrypted, never answered"),
  })
  .strict()
  .superRefine((body, ctx) => {
    const wanted = openApiSecretNames(body.config);
    for (const name of Object.keys(body.secrets)) {
      if (!wanted.includes(name)) ctx.addIssue({ code: "custom", path: ["secrets", name], message: body.config.auth ? `a ${body.config.auth.type} auth takes one secret, "${wanted[0]}", not "${name}"` : `"${name}": an HTTP API without auth takes no secret` });
    }
    const missing = missingOpenApiSecret(body.config, body.secrets);
    if (missing) ctx.addIssue({ code: "custom", path: ["secrets", missing], message: `a ${body.config.auth?.type} auth needs its secret "${missing}"` });
  });

export const CreateConnectionBody = z.discriminatedUnion("kind", [McpConnectionBody, OpenApiConnectionBody]);
export type CreateConnectionBody = z.infer<typeof CreateConnectionBody>;

export const UpdateConnectionBody = z
  .object({
    config: z.union([McpConnectionConfig, OpenApiConnectionConfig]).optional().describe("the new configuration, of the connection's kind; left out, it stays"),
    secrets: z
      .record(SecretName, SecretValue.nullable())
      .default({})
      .describe("secrets to set (text) or remove (null); secrets not named stay as they are"),
  })
  .strict();
export type UpdateConnectionBody = z.infer<typeof UpdateConnectionBody>;

export const ConnectionParams = z.object({ name: ConnectionName });

export const ConnectionStatus = z.enum(["ok", "connecting", "unavailable", "shadowed"]);

const ConnectionFields = {
  name: z.string(),
  /** which secrets are set, never their values */
  secretNames: z.array(z.string()),
  /** ok, connecting, unavailable (with the reason; "secret cannot be read" when TRELLIS_SECRET_KEY changed), or shadowed by a server or API of TRELLIS_MCP_CONFIG of the same name */
  status: ConnectionStatus,
  reason: z.string().optional(),
  /** what it is, for people: its command line or URL; an API's document URL and base URL */
  detail: z.string(),
  /** its tools or operations, as action ids */
  actions: z.array(z.string()),
  createdBy: z.string().nullable(),
  updatedBy: z.string().nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
};

export const Connection = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("mcp"), config: McpConnectionConfig, ...ConnectionFields }),
  z.object({ kind: z.literal("openapi"), config: OpenApiConnectionConfig, ...ConnectionFields }),
]);
export type Connection = z.infer<typeof Connection>;

export const ConnectionList = z.object({
  connections: z.array(Connection),
  /** names a connection may not take: the flows of built-in and other configured actions */
  reserved: z.array(z.string()),
});
export type ConnectionList = z.infer<typeof ConnectionList>;

export const ConnectionDeleted = z.object({ ok: z.literal(true), name: z.string() });
