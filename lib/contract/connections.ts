/**
 * Connections: sources of actions added at run time (the Connections page), stored with their
 * secrets encrypted. One kind now, `mcp` (an MCP server over stdio or streamable HTTP); the body
 * is a union on `kind` so that others (an HTTP API from an OpenAPI document) add a member.
 *
 * Secrets are write-only: a request sets (text) or removes (null) them by name; an answer says
 * which names are set, never a value. For a stdio server a secret is an environment variable of
 * its process; for an HTTP server, a request header (such as Authorization).
 */
import { z } from "zod";
import { IsoDate } from "./common";

export const ConnectionName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "a connection name starts with a letter and holds letters, digits, _ or - (at most 64)")
  .describe("the connection's name: the flow of its actions and the prefix of their ids (`<name>.<tool>`)");

export const ConnectionKind = z.enum(["mcp"]);
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

export const McpHttpConnectionConfig = z
  .object({
    transport: z.literal("http"),
    url: z
      .url({ protocol: /^https?$/, message: "an http(s) URL" })
      .max(2000)
      .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), "a URL may not hold a user name or password: put credentials in a header secret")
      .describe("the server's streamable HTTP endpoint (no credentials in it: put them in a header secret)"),
    timeoutMs: TimeoutMs,
  })
  .strict();

/** What may be shown of an MCP connection: everything but its secrets. */
export const McpConnectionConfig = z.discriminatedUnion("transport", [McpStdioConnectionConfig, McpHttpConnectionConfig]);
export type McpConnectionConfig = z.infer<typeof McpConnectionConfig>;

/** An environment variable's name (stdio) or a header's name (HTTP). */
export const SecretName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/, "a secret's name is an environment variable's or a header's name: letters, digits, _ or -");
export const SecretValue = z.string().min(1, "a secret's value may not be empty (send null to remove it)").max(16_384).refine((v) => !/[\r\n\0]/.test(v), "a secret's value may not hold line breaks or NUL");

const McpConnectionBody = z
  .object({
    kind: z.literal("mcp"),
    name: ConnectionName,
    config: McpConnectionConfig,
    secrets: z.record(SecretName, SecretValue).default({}).describe("env variables (stdio) or headers (HTTP), by name; stored encrypted, never answered"),
  })
  .strict();

export const CreateConnectionBody = z.discriminatedUnion("kind", [McpConnectionBody]);
export type CreateConnectionBody = z.infer<typeof CreateConnectionBody>;

export const UpdateConnectionBody = z
  .object({
    config: McpConnectionConfig.optional().describe("the new configuration; left out, it stays"),
    secrets: z
      .record(SecretName, SecretValue.nullable())
      .default({})
      .describe("secrets to set (text) or remove (null); secrets not named stay as they are"),
  })
  .strict();
export type UpdateConnectionBody = z.infer<typeof UpdateConnectionBody>;

export const ConnectionParams = z.object({ name: ConnectionName });

export const ConnectionStatus = z.enum(["ok", "connecting", "unavailable", "shadowed"]);

export const Connection = z.object({
  name: z.string(),
  kind: ConnectionKind,
  config: McpConnectionConfig,
  /** which secrets are set, never their values */
  secretNames: z.array(z.string()),
  /** ok, connecting, unavailable (with the reason; "secret cannot be read" when TRELLIS_SECRET_KEY changed), or shadowed by a server of TRELLIS_MCP_CONFIG of the same name */
  status: ConnectionStatus,
  reason: z.string().optional(),
  /** what it is, for people: its command line or URL */
  detail: z.string(),
  /** its tools, as action ids */
  actions: z.array(z.string()),
  createdBy: z.string().nullable(),
  updatedBy: z.string().nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type Connection = z.infer<typeof Connection>;

export const ConnectionList = z.object({
  connections: z.array(Connection),
  /** names a connection may not take: the flows of built-in and other configured actions */
  reserved: z.array(z.string()),
});
export type ConnectionList = z.infer<typeof ConnectionList>;

export const ConnectionDeleted = z.object({ ok: z.literal(true), name: z.string() });
