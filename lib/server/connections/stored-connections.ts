/**
 * Connections added at run time: the rows of the Connection table, each opened as a live MCP
 * connection (kind `mcp`) or HTTP API (kind `openapi`, an ApiSource of lib/catalogs/openapi)
 * whose tools or operations join the catalog (it is an `ActionSource` of the live registry) and
 * leave it when the connection is removed, without a restart.
 *
 * Secrets are decrypted only to start a connection (env of the process, headers of the requests)
 * and handed to the process-wide redactor at once; a connection whose secrets cannot be decrypted
 * (TRELLIS_SECRET_KEY changed, data damaged) is shown unavailable, "secret cannot be read", and
 * never stops anything else. A server or API of TRELLIS_MCP_CONFIG of the same name wins: the
 * stored one is kept, not connected, and shown as shadowed.
 */
import type { Action, LogLevel } from "../../core/action";
import type { CatalogSource } from "../../core/catalog";
import { badRequest, conflict, notFound, RequestError } from "../../core/errors";
import type { ActionSource } from "../../catalogs/live-registry";
import { describeServer, type McpServerConfig } from "../../catalogs/mcp/config";
import { McpServerConnection, type McpConnectionOptions } from "../../catalogs/mcp/connection";
import { describeLocation, resolveRefs, secretsOf, type ApiConfig } from "../../catalogs/openapi/config";
import { createApiSource, type ApiSource, type ApiSourceOptions } from "../../catalogs/openapi/source";
import { McpConnectionConfig, missingOpenApiSecret, OPENAPI_AUTH_SECRET, OpenApiConnectionConfig, openApiSecretNames, type Connection, type CreateConnectionBody, type UpdateConnectionBody } from "../../contract/connections";
import { deleteConnectionRow, getConnectionRow, insertConnectionRow, listConnectionRows, updateConnectionRow, type ConnectionRow } from "../../store/connections";
import type { Db } from "../../store/database";
import { redactSecrets, setSecretValues } from "./redaction";
import { SecretUnreadableError, type SecretBox } from "./secret-box";

export const SECRET_UNREADABLE = "secret cannot be read";

type Stored = { kind: "mcp"; config: McpConnectionConfig } | { kind: "openapi"; config: OpenApiConnectionConfig };

interface Entry {
  row: ConnectionRow;
  stored?: Stored;
  connection?: McpServerConnection | ApiSource;
  /** why it is not connected */
  problem?: { status: "unavailable" | "shadowed"; reason: string };
}

export interface StoredConnectionsOptions {
  /** the servers of TRELLIS_MCP_CONFIG: they win a name clash */
  configNames: ReadonlySet<string>;
  /** names taken by other sources now (built-in flows, tool catalogs, the config file's servers) */
  takenNames(): ReadonlySet<string>;
  /** how long a change waits for the connection's first attempt before it answers */
  waitMs?: number;
  connection?: Omit<McpConnectionOptions, "onChange" | "log" | "redact">;
  /** how HTTP APIs are reached: the address policy (TRELLIS_HTTP_ALLOW_PRIVATE, TRELLIS_HTTP_ALLOW_HOSTS), limits, backoff */
  api?: Omit<ApiSourceOptions, "onChange" | "log" | "baseDir">;
  log?(level: LogLevel, message: string): void;
}

export class StoredConnections implements ActionSource {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<() => void>();
  /** changes run one at a time */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Db, private readonly box: SecretBox, private readonly options: StoredConnectionsOptions) {}

  /** Opens every stored connection and waits for their first attempts (at most `waitMs`). Never rejects for a connection's sake. */
  async start(): Promise<void> {
    const rows = await listConnectionRows(this.db);
    await Promise.all(rows.map((row) => this.open(row)));
  }

  actions(): Action[] {
    return [...this.entries.values()].flatMap((e) => e.connection?.actions() ?? []);
  }

  sources(): CatalogSource[] {
    const out: CatalogSource[] = [];
    for (const e of this.entries.values()) {
      if (e.problem?.status === "shadowed") continue;
      if (e.connection) out.push({ ...e.connection.source(), detail: `connection: ${e.connection.source().detail ?? ""}` });
      else out.push({ id: e.row.name, kind: e.row.kind === "openapi" ? "openapi" : "mcp", status: "unavailable", reason: e.problem?.reason ?? "not connected", detail: `connection: ${detailOf(e)}`, actions: 0, prefix: `${e.row.name}.` });
    }
    return out;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): Connection[] {
    return [...this.entries.values()].sort((a, b) => a.row.name.localeCompare(b.row.name)).map((e) => this.view(e));
  }

  create(body: CreateConnectionBody, by: string): Promise<Connection> {
    return this.serial(async () => {
      const { name } = body;
      if (this.entries.has(name)) throw conflict(`A connection named "${name}" exists already.`);
      if (!this.options.configNames.has(name) && this.options.takenNames().has(name)) throw conflict(`"${name}" is taken: Trellis has a flow or a source of that name already. Choose another name.`, { name });
      const secretNames = Object.keys(body.secrets);
      const row = await insertConnectionRow(this.db, { name, kind: body.kind, config: body.config, secretNames, secrets: secretNames.length ? this.box.seal(body.secrets, name) : null, createdBy: by });
      this.options.log?.("info", `connection ${name} added by ${by}.`);
      return this.view(await this.open(row));
    });
  }

  update(name: string, body: UpdateConnectionBody, by: string): Promise<Connection> {
    return this.serial(async () => {
      const row = await getConnectionRow(this.db, name);
      if (!row) throw notFound(`There is no connection named "${name}".`);
      const config = body.config ?? row.config;
      if (body.config && ("transport" in body.config) !== (row.kind === "mcp")) throw badRequest(`"${name}" is ${row.kind === "openapi" ? "an HTTP API" : "an MCP server"}: its new configuration must be one too (remove it and add another to change its kind).`);
      let secrets: Record<string, string> = {};
      if (row.secrets) {
        try {
          secrets = this.box.open(row.secrets, name);
        } catch (err) {
          if (!(err instanceof SecretUnreadableError)) throw err;
          // What cannot be read cannot be kept: every secret must be given again (or removed).
          const missing = row.secretNames.filter((n) => !(n in body.secrets));
          if (missing.length) throw new RequestError(400, "secret_unreadable", `The stored secrets of "${name}" cannot be read (${err.message}). Enter each of them again (or remove it): ${missing.join(", ")}.`, { missing });
        }
      }
      for (const [key, value] of Object.entries(body.secrets)) {
        if (value === null) delete secrets[key];
        else secrets[key] = value;
      }
      if (row.kind === "openapi") {
        const parsed = OpenApiConnectionConfig.safeParse(config);
        if (!parsed.success) throw badRequest(`The stored configuration of "${name}" cannot be used: send a new one (config).`);
        secrets = apiSecrets(name, parsed.data, secrets);
      }
      const secretNames = Object.keys(secrets);
      const updated = await updateConnectionRow(this.db, name, { config, secretNames, secrets: secretNames.length ? this.box.seal(secrets, name) : null, updatedBy: by });
      this.options.log?.("info", `connection ${name} changed by ${by}.`);
      return this.view(await this.open(updated));
    });
  }

  remove(name: string, by: string): Promise<{ ok: true; name: string }> {
    return this.serial(async () => {
      const deleted = await deleteConnectionRow(this.db, name);
      const entry = this.entries.get(name);
      if (!deleted && !entry) throw notFound(`There is no connection named "${name}".`);
      this.entries.delete(name);
      await entry?.connection?.close();
      setSecretValues(sourceKey(name), []);
      this.changed();
      this.options.log?.("info", `connection ${name} removed by ${by}.`);
      return { ok: true as const, name };
    });
  }

  /** Connects again now, with what is stored (secrets read again). */
  reconnect(name: string): Promise<Connection> {
    return this.serial(async () => {
      const row = await getConnectionRow(this.db, name);
      if (!row) throw notFound(`There is no connection named "${name}".`);
      return this.view(await this.open(row));
    });
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await Promise.all([...this.entries.values()].map((e) => e.connection?.close()));
    this.entries.clear();
  }

  /** (Re)opens a row: the old connection of that name is closed first. Waits for the first attempt, at most `waitMs`. */
  private async open(row: ConnectionRow): Promise<Entry> {
    const old = this.entries.get(row.name);
    await old?.connection?.close();
    const entry: Entry = { row };
    this.entries.set(row.name, entry);
    entry.stored = storedConfig(row);
    if (!entry.stored) {
      entry.problem = { status: "unavailable", reason: `its stored configuration (kind "${row.kind}") is not one this Trellis can use` };
    } else {
      if (this.options.configNames.has(row.name)) {
        entry.problem = { status: "shadowed", reason: `TRELLIS_MCP_CONFIG has a server or API named "${row.name}", which wins; rename or remove one of them` };
      } else {
        let secrets: Record<string, string> = {};
        try {
          if (row.secrets) secrets = this.box.open(row.secrets, row.name);
        } catch (err) {
          if (!(err instanceof SecretUnreadableError)) throw err;
          entry.problem = { status: "unavailable", reason: `${SECRET_UNREADABLE}: ${err.message}` };
          this.options.log?.("warn", `connection ${row.name}: ${SECRET_UNREADABLE} (${err.message}).`);
        }
        if (!entry.problem) {
          const made = entry.stored.kind === "mcp" ? { connection: this.mcpConnection(row.name, entry.stored.config, secrets) } : this.apiConnection(row.name, entry.stored.config, secrets);
          entry.connection = made.connection;
          entry.problem = made.problem;
        }
      }
    }
    this.changed();
    if (entry.connection) await waitAtMost(entry.connection.start(), this.options.waitMs ?? 15_000);
    return entry;
  }

  private mcpConnection(name: string, config: McpConnectionConfig, secrets: Record<string, string>): McpServerConnection {
    setSecretValues(sourceKey(name), Object.values(secrets));
    return new McpServerConnection(name, serverConfig(config, secrets), { ...this.options.connection, onChange: () => this.changed(), log: this.options.log, redact: redactSecrets });
  }

  private apiConnection(name: string, config: OpenApiConnectionConfig, secrets: Record<string, string>): Pick<Entry, "connection" | "problem"> {
    const entry = apiEntry(config);
    const resolved = resolveRefs(name, entry, secrets);
    // The encoded forms (basic's base64) are secrets too.
    setSecretValues(sourceKey(name), [...new Set([...Object.values(secrets), ...(resolved.ok ? secretsOf(resolved.entry.auth) : [])])]);
    const missing = missingOpenApiSecret(config, secrets);
    if (missing) return { problem: { status: "unavailable", reason: `its ${config.auth?.type} auth needs the secret "${missing}", which is not set` } };
    return { connection: createApiSource(name, entry, secrets, { policy: { allowPrivate: false, namedHosts: [] }, ...this.options.api, onChange: () => this.changed(), log: this.options.log }) };
  }

  private view(e: Entry): Connection {
    const source = e.connection?.source();
    const status = e.problem?.status ?? source?.status ?? "unavailable";
    const reason = e.problem?.reason ?? source?.reason;
    return {
      name: e.row.name,
      ...(e.stored ?? { kind: "mcp" as const, config: { transport: "stdio" as const, command: "(unreadable)", args: [] } }),
      secretNames: [...e.row.secretNames],
      status,
      ...(reason ? { reason } : {}),
      detail: detailOf(e),
      actions: (e.connection?.actions() ?? []).map((a) => a.id),
      createdBy: e.row.createdBy,
      updatedBy: e.row.updatedBy,
      createdAt: e.row.createdAt.toISOString(),
      updatedAt: e.row.updatedAt.toISOString(),
    };
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

const sourceKey = (name: string) => `connection:${name}`;

/** The connection as the MCP client takes it: secrets become the env of a stdio server, the headers of an HTTP one. */
export function serverConfig(config: McpConnectionConfig, secrets: Record<string, string>): McpServerConfig {
  if (config.transport === "stdio") return { command: config.command, args: config.args, env: secrets, ...(config.cwd ? { cwd: config.cwd } : {}), ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}) };
  return { url: config.url, headers: secrets, ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}) };
}

function detailOf(e: Entry): string {
  if (!e.stored) return "(its configuration cannot be read)";
  if (e.stored.kind === "mcp") return describeServer(serverConfig(e.stored.config, {}));
  // Once the document is read, the source names the base URL it found too.
  return e.connection?.source().detail ?? `${describeLocation(e.stored.config.openapi)}${e.stored.config.baseUrl ? ` → ${describeLocation(e.stored.config.baseUrl)}` : ""}`;
}

function storedConfig(row: ConnectionRow): Stored | undefined {
  if (row.kind === "mcp") {
    const parsed = McpConnectionConfig.safeParse(row.config);
    return parsed.success ? { kind: "mcp", config: parsed.data } : undefined;
  }
  if (row.kind === "openapi") {
    // Parsed again as the contract says: a stored row can never name a file on the server.
    const parsed = OpenApiConnectionConfig.safeParse(row.config);
    return parsed.success ? { kind: "openapi", config: parsed.data } : undefined;
  }
  return undefined;
}

/**
 * The connection as an `apis` entry: its auth's secret is a `${name}` reference, resolved from
 * the decrypted secrets when the source is built (the contract keeps `${` out of everything else).
 */
export function apiEntry(config: OpenApiConnectionConfig): ApiConfig {
  const { auth, ...rest } = config;
  const ref = (type: keyof typeof OPENAPI_AUTH_SECRET) => `\${${OPENAPI_AUTH_SECRET[type]}}`;
  const apiAuth: ApiConfig["auth"] = !auth
    ? undefined
    : auth.type === "bearer"
      ? { type: "bearer", token: ref("bearer") }
      : auth.type === "apiKey"
        ? { type: "apiKey", ...(auth.header ? { header: auth.header } : { query: auth.query }), value: ref("apiKey") }
        : { type: "basic", username: auth.username, password: ref("basic") };
  return { ...rest, ...(apiAuth ? { auth: apiAuth } : {}) };
}

/** Keeps only the secret the API's auth takes, and refuses a change that leaves it unset. */
function apiSecrets(name: string, config: OpenApiConnectionConfig, secrets: Record<string, string>): Record<string, string> {
  const missing = missingOpenApiSecret(config, secrets);
  if (missing) throw badRequest(`"${name}" uses ${config.auth?.type} auth: set its secret "${missing}".`, { missing: [missing] });
  const wanted = openApiSecretNames(config);
  return Object.fromEntries(Object.entries(secrets).filter(([n]) => wanted.includes(n)));
}

async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); timer.unref?.(); })]);
  clearTimeout(timer);
}
