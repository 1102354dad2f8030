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
import { getVersion } from "../store/plans";
import { ConfigError, config, type TrellisConfig } from "./env";
import { serverLog } from "./log";
import { Accounts } from "./auth/accounts";
import { secretKey } from "./auth/secret-key";

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
  /** accounts, sessions and API tokens (off until an owner is set up, unless required) */
  accounts: Accounts;
  /** saved plans as actions (plan.<slug>): refresh after plans change */
  plans: PlanActions;
}

const KEY = Symbol.for("trellis.instance");
type Holder = { [KEY]?: Promise<Trellis> };

export function getTrellis(): Promise<Trellis> {
  const holder = globalThis as Holder;
  holder[KEY] ??= open().catch((err) => {
    delete holder[KEY];
    throw err;
  });
  return holder[KEY];
}

async function open(): Promise<Trellis> {
  const cfg = config();
  const database = await openDatabase({ url: cfg.databaseUrl, dir: cfg.databaseUrl ? undefined : path.join(cfg.dataDir, "pglite"), warn: serverLog().warn });
  const builtinOptions = { httpAllowHosts: cfg.httpAllowHosts, httpAllowPrivate: cfg.httpAllowPrivate };
  const stepWorkers = cfg.steps.isolated ? builtinStepWorkers(builtinOptions, cfg.steps) : undefined;
  const builtins = builtinActions(builtinOptions);
  const imported = await importedActions(cfg.catalogFiles);
  const mcp = cfg.mcpConfigFile ? new McpServers(await readMcpConfig(cfg.mcpConfigFile), { log: (level, message) => serverLog()[level](message) }) : undefined;
  await mcp?.start();
  const builtinSource: CatalogSource = { id: "built-in", kind: "builtin", status: "ok", actions: builtins.length, detail: stepWorkers ? "runs in step workers" : "runs in the server's thread" };
  const registry = new LiveRegistry([...(stepWorkers ? isolate(builtins, stepWorkers) : builtins), ...imported.actions], [builtinSource, ...imported.sources], mcp, (level, message) => serverLog()[level](message));
  const llm = openAiProviderFromConfig(cfg.llm);
  const engine = new Engine({
    // The embedded database belongs to this process alone (lock file): claims never wait.
    store: new PrismaRunStore(database.prisma, { exclusive: database.kind === "pglite" }),
    // Every process on this data folder (the server after a restart, the CLI) is the same
    // engine: a claim left by one that stopped is taken over at once, not after its lease.
    name: engineNameIn(cfg.dataDir) ?? undefined,
    leaseMs: cfg.runLeaseMs,
    commitWindowMs: cfg.commitWindowMs,
    versions: { getVersion: (id) => getVersion(database.prisma, id) },
    registry,
    bus: new InProcessEventBus(),
    workspaceRoot: runsFolder(cfg),
    plannedStopFile: path.join(cfg.dataDir, "planned-stop.json"),
    runConcurrency: cfg.runConcurrency,
    llm,
    log: (level, message) => serverLog()[level](message),
  });
  // Saved plans as actions: they run in this process (they start a child run and wait), never in step workers.
  const plans = new PlanActions(database.prisma, () => registry.catalog, (level, message) => serverLog()[level](message));
  plans.setRunner(enginePlanRunner(engine, database.prisma));
  registry.addSource(plans);
  await plans.refresh();
  const accounts = new Accounts(database.prisma, { secret: secretKey(cfg), publicUrl: cfg.publicUrl, required: cfg.accounts === "required", loopback: cfg.loopback });
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

/** The MCP configuration file, or a one-line reason that stops start-up. */
async function readMcpConfig(file: string) {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(`Trellis cannot start: TRELLIS_MCP_CONFIG names ${file}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  const parsed = parseMcpConfig(text);
  if (!parsed.ok) throw new ConfigError(`Trellis cannot start: TRELLIS_MCP_CONFIG names ${file}, which is not an MCP configuration: ${parsed.reason}.`);
  return parsed.config;
}

/** Stops the engine (what it queued is stored, its claims released), then closes the database. */
export async function closeTrellis(): Promise<void> {
  const holder = globalThis as Holder;
  const t = holder[KEY];
  delete holder[KEY];
  if (!t) return;
  const trellis = await t;
  await trellis.engine.close();
  trellis.stepWorkers?.close();
  await trellis.mcp?.close();
  await trellis.database.close();
}

const RESUMED = Symbol.for("trellis.resumed");

/**
 * Opens Trellis and resumes unfinished runs: for the server, once per process, then
 * again whenever a run's claim runs out (its engine stopped). Other processes on the same
 * database (the CLI) run only their own runs. Claims keep two engines off one run.
 */
export async function startTrellisServer(): Promise<Trellis> {
  const t = await getTrellis();
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
