/**
 * The MCP configuration file (`TRELLIS_MCP_CONFIG`), in the format MCP clients share:
 * `{ "mcpServers": { "<name>": { "command", "args", "env" } | { "url", "headers" } } }`.
 * Each server's name is the flow of its actions and the prefix of their ids (`<name>.<tool>`).
 */
import { z } from "zod";

/** A flow name and an id prefix: letters, digits, `_` and `-`. */
export const McpServerName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "a server name starts with a letter and holds letters, digits, _ or -");

const Common = {
  /** the default timeout of its tools' steps (a step's own timeoutMs wins) */
  timeoutMs: z.number().int().min(100).max(3_600_000).optional(),
};

export const McpStdioServer = z.object({
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: z.string().optional(),
  ...Common,
});
export type McpStdioServer = z.infer<typeof McpStdioServer>;

export const McpHttpServer = z.object({
  url: z.url({ protocol: /^https?$/, message: "an http(s) URL" }),
  headers: z.record(z.string(), z.string()).default({}),
  ...Common,
});
export type McpHttpServer = z.infer<typeof McpHttpServer>;

export const McpServerConfig = z.union([McpStdioServer.strict(), McpHttpServer.strict()], { message: 'each server has either "command" (with "args" and "env") or "url" (with "headers")' });
export type McpServerConfig = z.infer<typeof McpServerConfig>;

export const McpConfig = z.object({
  mcpServers: z.record(z.string(), McpServerConfig).superRefine((servers, ctx) => {
    for (const name of Object.keys(servers)) {
      const ok = McpServerName.safeParse(name);
      if (!ok.success) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not a server name: ${ok.error.issues[0].message}` });
    }
  }),
});
export type McpConfig = z.infer<typeof McpConfig>;

export function isStdio(server: McpServerConfig): server is McpStdioServer {
  return "command" in server;
}

/** What a person may see of a server: its command line or URL, never its env or headers. */
export function describeServer(server: McpServerConfig): string {
  if (isStdio(server)) return [server.command, ...server.args].join(" ");
  const url = new URL(server.url);
  url.username = "";
  url.password = "";
  url.search = "";
  return url.toString();
}

/** The file's text as a config, or one line that says what is wrong with it. */
export function parseMcpConfig(text: string): { ok: true; config: McpConfig } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `it is not JSON (${(err as Error).message})` };
  }
  const parsed = McpConfig.safeParse(json);
  if (parsed.success) return { ok: true, config: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? issue.path.map(String).join(".") : "the file";
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : "";
  return { ok: false, reason: `${where}: ${issue.message}${more}` };
}
