/**
 * One configured MCP server: connects with the official SDK (stdio or streamable HTTP), lists
 * its tools as actions, reconnects with backoff when it is down or stops, refreshes on
 * `tools/list_changed`, and calls tools for steps. Nothing it does throws into Trellis: a
 * failure is a state (`unavailable` with the reason) that the catalog and the validator show.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport, getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ErrorCode, LoggingMessageNotificationSchema, McpError, ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { ActionError, DEFAULT_TIMEOUT_MS, type Action, type ActionContext, type LogLevel } from "../../core/action";
import type { CatalogSource } from "../../core/catalog";
import { describeServer, isStdio, type McpServerConfig } from "./config";
import { toolAction, type CallTool, type McpTool, type McpToolResult } from "./tool-action";
import { Reconnect } from "../reconnect";

export interface McpConnectionOptions {
  /** the first wait before reconnecting; it doubles up to `maxBackoffMs` */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** how long connecting (initialize and tools/list) may take */
  connectTimeoutMs?: number;
  /** called whenever the server's state or tools change */
  onChange?(): void;
  log?(level: LogLevel, message: string): void;
  /** replaces secret values in what the server says (tool results, errors, its stderr, its log) before Trellis repeats it */
  redact?<T>(value: T): T;
}

type State = { status: "connecting" } | { status: "ok" } | { status: "unavailable"; reason: string };

const STDERR_TAIL = 2000;

export class McpServerConnection {
  private state: State = { status: "connecting" };
  private client?: Client;
  private tools: McpTool[] = [];
  private cached?: Action[];
  private readonly reconnect: Reconnect;
  private closed = false;
  private stderrTail = "";
  /** the steps calling a tool now: the server's log messages go to them */
  private readonly calling = new Set<ActionContext>();
  private firstAttempt?: Promise<void>;

  constructor(readonly name: string, readonly config: McpServerConfig, private readonly options: McpConnectionOptions = {}) {
    this.reconnect = new Reconnect(options);
  }

  /** Starts connecting; resolves once the first attempt has succeeded or failed (never rejects). */
  start(): Promise<void> {
    this.firstAttempt ??= this.connect();
    return this.firstAttempt;
  }

  source(): CatalogSource {
    return {
      id: this.name,
      kind: "mcp",
      status: this.state.status,
      ...(this.state.status === "unavailable" ? { reason: this.state.reason } : {}),
      detail: describeServer(this.config),
      actions: this.tools.length,
      prefix: `${this.name}.`,
    };
  }

  /** Its tools as actions; while it is down, the tools it listed last, marked unavailable with the reason. */
  actions(): Action[] {
    if (!this.cached) {
      const unavailable = this.state.status === "ok" ? undefined : this.state.status === "connecting" ? "its MCP server is connecting" : `its MCP server is unavailable (${this.state.reason})`;
      this.cached = this.tools.map((tool) => {
        const action = toolAction(this.name, tool, this.call, { timeoutMs: this.config.timeoutMs });
        return unavailable ? { ...action, spec: { ...action.spec, unavailable } } : action;
      });
    }
    return this.cached;
  }

  readonly call: CallTool = async (tool, args, ctx): Promise<McpToolResult> => {
    const client = this.client;
    if (!client || this.state.status !== "ok") {
      throw new ActionError("server_unavailable", `the MCP server "${this.name}" is ${this.state.status === "unavailable" ? `unavailable: ${this.state.reason}` : "still connecting"}`, { retryable: true });
    }
    this.calling.add(ctx);
    try {
      const result = await client.callTool({ name: tool, arguments: args }, undefined, {
        // The SDK sends notifications/cancelled to the server when the step's signal aborts.
        signal: ctx.signal,
        // The step's own timeout governs; the SDK's would otherwise end calls after 60 s.
        timeout: (ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS) + 5_000,
        onprogress: (p) => ctx.progress(p.total ? p.progress / p.total : 0, p.message ?? (p.total ? `${p.progress} of ${p.total}` : `${p.progress}`)),
      });
      return this.redact(result as McpToolResult);
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      throw this.callError(err);
    } finally {
      this.calling.delete(ctx);
    }
  };

  /** The failure of a call as a step failure, with nothing secret in its message. */
  private callError(err: unknown): ActionError {
    if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) {
      return new ActionError("server_unavailable", `the MCP server "${this.name}" stopped during the call${this.stderrSuffix()}`, { retryable: true });
    }
    if (err instanceof McpError) return new ActionError("mcp_error", `the MCP server "${this.name}" refused the call: ${this.redactText(err.message)}`, { details: { code: err.code } });
    return new ActionError("mcp_error", `the call to the MCP server "${this.name}" failed: ${this.redactText((err as Error)?.message ?? String(err))}`, { retryable: true });
  }

  private redact<T>(value: T): T {
    return this.options.redact ? this.options.redact(value) : value;
  }

  private redactText(text: string): string {
    return this.redact(text);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reconnect.stop();
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    this.stderrTail = "";
    const client = new Client({ name: "trellis", version: "0.1.0" }, { capabilities: {} });
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      void this.refreshTools(client);
    });
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => this.serverLog(n.params.level, n.params.logger, n.params.data));
    client.onclose = () => {
      if (this.client === client) this.lost(`the server closed the connection${this.stderrSuffix()}`);
    };
    try {
      await client.connect(this.transport(), { timeout: this.options.connectTimeoutMs ?? 15_000 });
      if (this.closed) { await client.close().catch(() => undefined); return; }
      this.client = client;
      this.tools = await this.listTools(client);
      if (client.getServerCapabilities()?.logging) await client.setLoggingLevel("info").catch(() => undefined);
      this.reconnect.succeeded();
      this.setState({ status: "ok" });
      this.options.log?.("info", `MCP server ${this.name}: connected, ${this.tools.length} tool${this.tools.length === 1 ? "" : "s"}.`);
    } catch (err) {
      if (this.client === client) this.client = undefined;
      await client.close().catch(() => undefined);
      this.lost(this.redactText(`${reasonOf(err)}${this.stderrSuffix()}`));
    }
  }

  private transport(): Transport {
    const c = this.config;
    if (isStdio(c)) {
      const t = new StdioClientTransport({ command: c.command, args: c.args, env: { ...getDefaultEnvironment(), ...c.env }, cwd: c.cwd, stderr: "pipe" });
      t.stderr?.on("data", (chunk: Buffer) => { this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL); });
      return t;
    }
    return new StreamableHTTPClientTransport(new URL(c.url), { requestInit: { headers: c.headers } });
  }

  private async listTools(client: Client): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.options.connectTimeoutMs ?? 15_000 });
      tools.push(...(page.tools as McpTool[]));
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  private async refreshTools(client: Client): Promise<void> {
    try {
      const tools = await this.listTools(client);
      if (this.client !== client) return;
      this.tools = tools;
      this.changed();
      this.options.log?.("debug", `MCP server ${this.name}: its tools changed, ${tools.length} now.`);
    } catch (err) {
      this.options.log?.("warn", `MCP server ${this.name}: could not list its tools again (${reasonOf(err)}).`);
    }
  }

  /** Down (or never up): say why, and try again after a growing wait. */
  private lost(reason: string): void {
    const client = this.client;
    this.client = undefined;
    void client?.close().catch(() => undefined);
    if (this.closed) return;
    // Said once per reason: a source that stays down does not fill the log.
    const repeated = this.state.status === "unavailable" && this.state.reason === reason;
    this.setState({ status: "unavailable", reason });
    const delay = this.reconnect.failed(() => void this.connect());
    this.options.log?.(repeated ? "debug" : "warn", `MCP server ${this.name} is unavailable (${reason}); trying again in ${Math.round(delay / 100) / 10} s.`);
  }

  private setState(state: State): void {
    this.state = state;
    this.changed();
  }

  private changed(): void {
    this.cached = undefined;
    this.options.onChange?.();
  }

  /** MCP log messages are not tied to a request: they go to the steps calling this server now. */
  private serverLog(level: string, logger: string | undefined, data: unknown): void {
    const text = this.redactText(`${logger ? `${logger}: ` : ""}${typeof data === "string" ? data : JSON.stringify(data)}`);
    const mapped = toLogLevel(level);
    if (this.calling.size === 0) {
      this.options.log?.("debug", `MCP server ${this.name}: ${text}`);
      return;
    }
    for (const ctx of this.calling) ctx.log(mapped, text, { server: this.name, level });
  }

  private stderrSuffix(): string {
    const lines = this.stderrTail.trim().split("\n").filter(Boolean);
    return lines.length ? this.redactText(` (its last words: ${lines.slice(-2).join(" / ").slice(0, 300)})`) : "";
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof McpError && err.code === ErrorCode.ConnectionClosed) return "the server closed the connection";
  if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) return "the server did not answer in time";
  const e = err as { code?: string; message?: string };
  if (e?.code === "ENOENT") return "its command was not found";
  if (e?.code === "ECONNREFUSED") return "nothing answers at its URL";
  return e?.message ?? String(err);
}

/** MCP's syslog levels as Trellis's four. */
function toLogLevel(level: string): LogLevel {
  switch (level) {
    case "debug":
      return "debug";
    case "info":
    case "notice":
      return "info";
    case "warning":
      return "warn";
    default:
      return "error";
  }
}
