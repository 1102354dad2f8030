/**
 * The composition root: configuration, database and action registry, opened once per
 * process (kept on globalThis so a development reload does not open a second database).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { catalogFromToolDesc } from "../catalogs/tool-desc";
import { LiveRegistry } from "../catalogs/live-registry";
import { parseMcpConfig } from "../catalogs/mcp/config";
import { McpServers } from "../catalogs/mcp/servers";
import { PlanActions } from "../catalogs/plans/plan-actions";
import { enginePlanRunner } from "./plan-runner";
import type { McpConfig } from "../catalogs/mcp/config";
import { parseApisConfig, resolveRefs, secretsOf, type ApisConfig } from "../catalogs/openapi/config";
import { ApiSources } from "../catalogs/openapi/apis";
import { Catalog, type Action, type CatalogSource, type LlmClient } from "../core";
import { openAiProviderFromConfig } from "../llm/openai-provider";
import { builtinActions, type BuiltinOptions } from "../actions";
import { openDatabase, type Database } from "../store/database";
import { Engine } from "../engine/engine";
import { engineNameIn } from "../engine/owner-identity";
import { isolate } from "../engine/sandbox/isolate";
import { StepWorkerPool } from "../engine/sandbox/pool";
import { InProcessEventBus } from "../engine/event-bus";
import { PrismaRunStore } from "../store/run-store";
import { openQueueMode, type OpenQueueMode } from "../engine/queue/queue-mode";
import { getVersion } from "../store/plans";
import { replanService } from "./replan-service";
import { ConfigError, config, type TrellisConfig } from "./env";
import { serverLog } from "./log";
import { Accounts } from "./auth/accounts";
import { secretKey } from "./auth/secret-key";
import { setSecretValues, redactSecrets } from "./connections/redaction";
import { SecretBox } from "./connections/secret-box";
import { StoredConnections } from "./connections/stored-connections";

export interface Trellis {
  config: TrellisConfig;
  database: Database;
  /** built-in and imported actions, plus the tools of the MCP servers that are up (it changes with them) */
  registry: LiveRegistry;
  /** the catalog now: read it when needed, do not keep it */
  readonly catalog: Catalog;
  engine: Engine;
  /** the configured LLM provider (it remembers which structured-output mode works), or none */
  llm?: LlmClient;
  /** the step workers that run built-in actions, unless isolation is turned off */
  stepWorkers?: StepWorkerPool;
  /** the servers of TRELLIS_MCP_CONFIG; their tools run in this process (they are calls to another process), not in step workers */
  mcp?: McpServers;
  /** the HTTP APIs of the same file (`apis`), and any added at run time: each OpenAPI operation is an action, called from this process */
  apis: ApiSources;
  /** accounts, sessions and API tokens (off until an owner is set up, unless required) */
  accounts: Accounts;
  /** saved plans as actions (plan.<slug>): refresh after plans change */
  plans: PlanActions;
  /** MCP servers and HTTP APIs added at run time (the Connections page), their secrets encrypted in the database */
  connections: StoredConnections;
  /** queue mode (TRELLIS_REDIS_URL with DATABASE_URL): steps go to `trellis worker` processes */
  queue?: OpenQueueMode;
}

const KEY = Symbol.for("trellis.instance");
type Holder = { [KEY]?: Promise<Trellis> };

/** `serverUrl`: where this process serves Trellis, when it is the server (the first call opens Trellis and uses it). */
export function getTrellis(options: { serverUrl?: string } = {}): Promise<Trellis> {
  const holder = globalThis as Holder;
  holder[KEY] ??= open(options.serverUrl).catch((err) => {
    delete holder[KEY];
    throw err;
  });
  return holder[KEY];
}

async function open(serverUrl: string | undefined): Promise<Trellis> {
  const cfg = config();
  const database = await openDatabase({ url: cfg.databaseUrl, dir: cfg.databaseUrl ? undefined : path.join(cfg.dataDir, "pglite"), warn: serverLog().warn, serverUrl });
  const builtinOptions = { httpAllowHosts: cfg.httpAllowHosts, httpAllowPrivate: cfg.httpAllowPrivate };
  const stepWorkers = cfg.steps.isolated ? builtinStepWorkers(builtinOptions, cfg.steps) : undefined;
  const builtins = builtinActions(builtinOptions);
  const imported = await importedActions(cfg.catalogFiles);
  const sourcesFile = cfg.mcpConfigFile ? await readSourcesFile(cfg.mcpConfigFile) : undefined;
  // The file's env, header and API auth values are secrets too: never repeated in events, logs or answers.
  if (sourcesFile) setSecretValues("config", configSecrets(sourcesFile));
  const mcp = sourcesFile?.mcp ? new McpServers(sourcesFile.mcp, { log: (level, message) => serverLog()[level](message), redact: redactSecrets }) : undefined;
  // Always there (empty without a sources file): APIs added at run time join it.
  const apiPolicy = { allowPrivate: cfg.httpAllowPrivate, namedHosts: cfg.httpAllowHosts.filter((h) => !h.includes("*")) };
  const apis = new ApiSources(sourcesFile?.apis ?? {}, process.env, {
    policy: apiPolicy,
    baseDir: cfg.mcpConfigFile ? path.dirname(cfg.mcpConfigFile) : process.cwd(),
    log: (level, message) => serverLog()[level](message),
  });
  await Promise.all([mcp?.start(), apis.start()]);
  const builtinSource: CatalogSource = { id: "built-in", kind: "builtin", status: "ok", actions: builtins.length, detail: stepWorkers ? "runs in step workers" : "runs in the server's thread" };
  const registry = new LiveRegistry([...(stepWorkers ? isolate(builtins, stepWorkers) : builtins), ...imported.actions], [builtinSource, ...imported.sources], mcp, (level, message) => serverLog()[level](message), [apis]);
  const secret = secretKey(cfg);
  const connections: StoredConnections = new StoredConnections(database.prisma, new SecretBox(secret), {
    configNames: new Set([...Object.keys(sourcesFile?.mcp?.mcpServers ?? {}), ...Object.keys(sourcesFile?.apis ?? {})]),
    takenNames: () => registry.takenNames(connections),
    api: { policy: apiPolicy },
    log: (level, message) => serverLog()[level](message),
  });
  registry.addSource(connections);
  await connections.start();
  const llm = openAiProviderFromConfig(cfg.llm);
  // The embedded database belongs to this process alone (lock file): claims never wait.
  const store = new PrismaRunStore(database.prisma, { exclusive: database.kind === "pglite", pool: database.pool });
  const queue = cfg.queue && cfg.databaseUrl
    ? await openQueueMode({ databaseUrl: cfg.databaseUrl, connection: { redisUrl: cfg.queue.redisUrl, prefix: cfg.queue.prefix }, store, runConcurrency: cfg.runConcurrency, workspaceFor: (id) => path.join(runsFolder(cfg), id), log: (level, message) => serverLog()[level](message) })
    : undefined;
  const engine = new Engine({
    store,
    queue: queue?.runs,
    // Every process on this data folder (the server after a restart, the CLI) is the same
    // engine: a claim left by one that stopped is taken over at once, not after its lease.
    name: engineNameIn(cfg.dataDir) ?? undefined,
    leaseMs: cfg.runLeaseMs,
    commitWindowMs: cfg.commitWindowMs,
    versions: { getVersion: (id) => getVersion(database.prisma, id) },
    registry,
    bus: queue?.bus ?? new InProcessEventBus(),
    workspaceRoot: runsFolder(cfg),
    plannedStopFile: path.join(cfg.dataDir, "planned-stop.json"),
    runConcurrency: cfg.runConcurrency,
    llm,
    log: (level, message) => serverLog()[level](message),
    redact: redactSecrets,
    replan: replanService(database.prisma, () => registry.catalog, llm),
  });
  // Saved plans as actions: they run in this process (they start a child run and wait), never in step workers.
  const plans = new PlanActions(database.prisma, () => registry.catalog, (level, message) => serverLog()[level](message));
  plans.setRunner(enginePlanRunner(engine, database.prisma));
  registry.addSource(plans);
  await plans.refresh();
  const accounts = new Accounts(database.prisma, { secret, publicUrl: cfg.publicUrl, required: cfg.accounts === "required", loopback: cfg.loopback });
  return {
    config: cfg,
    database,
    accounts,
    registry,
    get catalog() {
      return registry.catalog;
    },
    engine,
    llm,
    stepWorkers,
    mcp,
    plans,
    apis,
    connections,
    queue,
  };
}

/** The folder that holds each run's workspace (its files and its artifact store), one folder a run. */
export function runsFolder(cfg: TrellisConfig): string {
  return path.join(cfg.dataDir, "runs");
}

/**
 * Workers that build the same built-in actions from lib/actions (the app runs from its own
 * folder: the CLI moves there, `npm start` starts there).
 */
function builtinStepWorkers(options: BuiltinOptions, steps: TrellisConfig["steps"]): StepWorkerPool {
  const root = process.cwd();
  return new StepWorkerPool({
    entry: path.join(root, "lib", "engine", "sandbox", "worker-entry.mjs"),
    boot: { actionsModule: path.join(root, "lib", "actions", "index.ts"), exportName: "builtinActions", options },
    maxWorkers: steps.workers,
    memoryMb: steps.memoryMb,
  });
}

/**
 * Tool catalogs in TaskBench's format, each a flow named after its folder (…/multimedia/tool_desc.json
 * is the flow "multimedia"). Their actions simulate the tools, saying so in every output.
 */
async function importedActions(files: string[]): Promise<{ actions: Action[]; sources: CatalogSource[] }> {
  const out: Action[] = [];
  const sources: CatalogSource[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, "utf8"));
    } catch (err) {
      throw new ConfigError(`Trellis cannot start: TRELLIS_CATALOGS names ${file}, which cannot be read as JSON (${(err as Error).message}).`);
    }
    const set = catalogFromToolDesc(path.basename(path.dirname(file)), json);
    out.push(...set.registry.list());
    sources.push({ id: set.set, kind: "taskbench", status: "ok", actions: set.tools.length, detail: "simulated tools (TaskBench tool_desc.json)" });
  }
  return { actions: out, sources };
}

/**
 * The sources file: its MCP servers (`mcpServers`) and HTTP APIs (`apis`), or a one-line reason
 * that stops start-up. A file with only `apis` has no MCP servers.
 */
/** Every secret value the sources file holds: MCP servers' env and headers, APIs' auth (as resolved from the environment). */
function configSecrets(file: { mcp?: McpConfig; apis: ApisConfig }): string[] {
  const mcp = Object.values(file.mcp?.mcpServers ?? {}).flatMap((s) => Object.values("command" in s ? s.env : s.headers));
  const apis = Object.entries(file.apis).flatMap(([name, entry]) => {
    const resolved = resolveRefs(name, entry, process.env);
    return resolved.ok ? secretsOf(resolved.entry.auth) : [];
  });
  return [...mcp, ...apis];
}

async function readSourcesFile(file: string): Promise<{ mcp?: McpConfig; apis: ApisConfig }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(`Trellis cannot start: TRELLIS_MCP_CONFIG names ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const onlyApis = json !== null && typeof json === "object" && "apis" in json && !("mcpServers" in json);
  const parsed = onlyApis ? undefined : parseMcpConfig(text);
  if (parsed && !parsed.ok) throw new ConfigError(`Trellis cannot start: TRELLIS_MCP_CONFIG names ${file}, which is not an MCP configuration: ${parsed.reason}.`);
  const apis = parseApisConfig(json);
  if (!apis.ok) throw new ConfigError(`Trellis cannot start: TRELLIS_MCP_CONFIG names ${file}, whose HTTP APIs are not right: ${apis.reason}.`);
  const clash = Object.keys(apis.apis).find((name) => parsed?.ok && name in parsed.config.mcpServers);
  if (clash) throw new ConfigError(`Trellis cannot start: TRELLIS_MCP_CONFIG names ${file}, where "${clash}" is both an MCP server and an HTTP API: give them different names.`);
  return { mcp: parsed?.ok ? parsed.config : undefined, apis: apis.apis };
}

/** Stops the engine (what it queued is stored, its claims released), then closes the database. */
export async function closeTrellis(): Promise<void> {
  const holder = globalThis as Holder;
  const t = holder[KEY];
  delete holder[KEY];
  if (!t) return;
  const trellis = await t;
  await trellis.engine.close();
  await trellis.queue?.close();
  trellis.stepWorkers?.close();
  await trellis.mcp?.close();
  await trellis.connections.close();
  await trellis.apis.close();
  await trellis.database.close();
}

const RESUMED = Symbol.for("trellis.resumed");

/**
 * Opens Trellis and resumes unfinished runs: for the server, once per process, then
 * again whenever a run's claim runs out (its engine stopped). Other processes on the same
 * database (the CLI) run only their own runs. Claims keep two engines off one run.
 */
export async function startTrellisServer(options: { serverUrl?: string } = {}): Promise<Trellis> {
  const t = await getTrellis(options);
  const holder = globalThis as { [RESUMED]?: boolean };
  if (!holder[RESUMED]) {
    holder[RESUMED] = true;
    t.stepWorkers?.warm();
    // Told to stop (a deploy, a restart, Ctrl-C): the steps running now were not crashed by, so
    // their resume must not count toward quarantine. Writing is synchronous; the process then exits.
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => t.engine.notePlannedStop());
    const resumed = await t.engine.resumeAll();
    await announceAccounts(t);
    if (resumed.length) serverLog().info(`resuming ${resumed.length} unfinished run${resumed.length === 1 ? "" : "s"}.`);
    t.engine.startResumePoller();
  }
  return t;
}

/** At start: whether accounts are on, and, while no owner exists, how to claim it (with the setup code when one is needed). */
async function announceAccounts(t: Trellis): Promise<void> {
  const log = serverLog();
  if (await t.accounts.hasOwner()) return log.info("accounts on: people sign in (API: a session or an API token).");
  const code = t.accounts.setupNeedsCode ? ` with the setup code ${t.accounts.setupCode()}` : "";
  if (await t.accounts.enabled()) log.warn(`accounts on, no owner yet: open /setup${code} to make the owner.`);
  else log.info(`accounts off: one person on this machine, no sign-in (to turn them on, set up an owner at /setup${code}).`);
}
