/**
 * One configured HTTP API as a live source of actions: loads its OpenAPI document, offers its
 * operations as actions, and keeps a state (`connecting`, `ok`, or `unavailable` with the
 * reason). A document that cannot be loaded is tried again after 1 s, 2 s, 4 s … up to 30 s,
 * like an MCP server. Nothing it does throws into Trellis.
 *
 * `createApiSource` is the one way to build it: from the sources file (`${NAME}` resolved from
 * the environment) or from a stored connection (resolved from its decrypted secrets).
 */
import type { Action, LogLevel } from "../../core/action";
import type { CatalogSource } from "../../core/catalog";
import type { AddressPolicy } from "../../actions/web/address-guard";
import type { CallSettings } from "./call";
import { describeLocation, redact, resolveRefs, secretsOf, type ApiConfig } from "./config";
import { loadDocument, type LoadedDocument } from "./load-document";
import { operationAction } from "./operation-action";
import { readOperations, type ApiOperation } from "./operations";
import { Reconnect } from "../reconnect";

export interface ApiSourceOptions {
  /** the address policy of outgoing requests (TRELLIS_HTTP_ALLOW_PRIVATE, the hosts named in TRELLIS_HTTP_ALLOW_HOSTS) */
  policy: AddressPolicy;
  /** where a relative document path is read from */
  baseDir?: string;
  maxDocumentBytes?: number;
  maxOperations?: number;
  maxResponseBytes?: number;
  /** the first wait before loading again; it doubles up to `maxBackoffMs` */
  backoffMs?: number;
  maxBackoffMs?: number;
  onChange?(): void;
  log?(level: LogLevel, message: string): void;
}

type State = { status: "connecting" } | { status: "ok" } | { status: "unavailable"; reason: string };

/**
 * A live source for the API `name` from its configuration entry, with `${NAME}` references
 * resolved from `values` (the environment, or a stored connection's secrets). A reference to a
 * value that is not set makes the source unavailable with the field that names it.
 */
export function createApiSource(name: string, entry: ApiConfig, values: Readonly<Record<string, string | undefined>>, options: ApiSourceOptions): ApiSource {
  const resolved = resolveRefs(name, entry, values);
  return new ApiSource(name, resolved.ok ? resolved.entry : entry, options, resolved.ok ? undefined : resolved.reason);
}

export class ApiSource {
  private state: State = { status: "connecting" };
  private operations: ApiOperation[] = [];
  private notes: string[] = [];
  private settings?: CallSettings;
  private cached?: Action[];
  private readonly reconnect: Reconnect;
  private closed = false;
  private firstAttempt?: Promise<void>;
  private readonly abort = new AbortController();

  constructor(readonly name: string, readonly config: ApiConfig, private readonly options: ApiSourceOptions, private readonly configError?: string) {
    this.reconnect = new Reconnect(options);
  }

  /** Starts loading; resolves once the first attempt has succeeded or failed (never rejects). */
  start(): Promise<void> {
    this.firstAttempt ??= this.load();
    return this.firstAttempt;
  }

  source(): CatalogSource {
    return {
      id: this.name,
      kind: "openapi",
      status: this.state.status,
      ...(this.state.status === "unavailable" ? { reason: this.state.reason } : {}),
      detail: this.settings ? `${describeLocation(this.config.openapi)} → ${describeLocation(this.settings.baseUrl)}` : describeLocation(this.config.openapi),
      actions: this.operations.length,
      prefix: `${this.name}.`,
      ...(this.notes.length ? { notes: this.notes } : {}),
    };
  }

  actions(): Action[] {
    if (!this.cached) {
      const settings = this.settings;
      this.cached = settings && this.state.status === "ok" ? this.operations.map((op) => operationAction(settings, op, { timeoutMs: this.config.timeoutMs })) : [];
    }
    return this.cached;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reconnect.stop();
    this.abort.abort();
  }

  private async load(): Promise<void> {
    if (this.closed) return;
    if (this.configError) {
      // Nothing to retry: the configuration itself must change.
      this.setState({ status: "unavailable", reason: this.configError });
      this.options.log?.("warn", `HTTP API ${this.name} is unavailable (${this.configError}).`);
      return;
    }
    try {
      const loaded = await loadDocument(this.config.openapi, { baseDir: this.options.baseDir ?? process.cwd(), maxBytes: this.options.maxDocumentBytes, policy: this.options.policy, signal: this.abort.signal });
      if (this.closed) return;
      const baseUrl = baseUrlOf(this.config, loaded);
      const read = readOperations(loaded.doc, { include: this.config.operations, maxOperations: this.options.maxOperations });
      this.settings = { name: this.name, baseUrl, auth: this.config.auth, policy: this.options.policy, maxResponseBytes: this.options.maxResponseBytes };
      this.operations = read.operations;
      this.notes = read.notes;
      this.reconnect.succeeded();
      this.setState({ status: "ok" });
      this.options.log?.("info", `HTTP API ${this.name}: ${read.operations.length} operation${read.operations.length === 1 ? "" : "s"}${read.notes.length ? `, ${read.notes.length} note${read.notes.length === 1 ? "" : "s"}` : ""}.`);
    } catch (err) {
      this.lost(redact((err as Error)?.message ?? String(err), secretsOf(this.config.auth)));
    }
  }

  private lost(reason: string): void {
    if (this.closed) return;
    // Said once per reason: a source that stays down does not fill the log.
    const repeated = this.state.status === "unavailable" && this.state.reason === reason;
    this.setState({ status: "unavailable", reason });
    const delay = this.reconnect.failed(() => void this.load());
    this.options.log?.(repeated ? "debug" : "warn", `HTTP API ${this.name} is unavailable (${reason}); trying again in ${Math.round(delay / 100) / 10} s.`);
  }

  private setState(state: State): void {
    this.state = state;
    this.cached = undefined;
    this.options.onChange?.();
  }
}

/** The configured base URL, else the document's first server (variables at their defaults, relative to the document), else the document's origin. */
export function baseUrlOf(config: ApiConfig, loaded: LoadedDocument): string {
  const server = loaded.doc.servers?.[0];
  let raw = config.baseUrl;
  if (!raw && server?.url) raw = server.url.replace(/\{([^}]+)\}/g, (_, v: string) => server.variables?.[v]?.default ?? "");
  let url: URL;
  try {
    url = raw ? new URL(raw, loaded.url) : loaded.url ? new URL("/", loaded.url) : (() => { throw new Error("no base"); })();
  } catch {
    throw new Error(raw ? `its base URL "${raw}" is not an absolute http(s) URL (set "baseUrl")` : 'the document is a file and names no server: set "baseUrl"');
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`its base URL must be http(s), not ${url.protocol}`);
  return url.href;
}
