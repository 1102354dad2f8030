/**
 * The one place environment variables are read. Parsed once with zod; a malformed
 * value stops start-up with a message naming the variable and what it expects.
 */
import path from "node:path";
import { z } from "zod";
import { TrellisError } from "../core/errors";

/** Unset and empty are the same: absent. */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : typeof v === "string" ? v.trim() : v);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const EnvSchema = z.object({
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, "a PostgreSQL URL such as postgresql://user@127.0.0.1:5432/trellis")),
  TRELLIS_DATA_DIR: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optional(z.url({ protocol: /^https?$/, message: "an http(s) URL such as http://127.0.0.1:11434/v1" })),
  OPENAI_MODEL: optionalString,
  OPENAI_TIMEOUT_MS: optional(z.coerce.number({ message: "a number of milliseconds" }).int("a whole number of milliseconds").min(1000, "at least 1000").max(600_000, "at most 600000")),
  OPENAI_TEMPERATURE: optional(z.coerce.number({ message: "a number from 0 to 2" }).min(0, "a number from 0 to 2").max(2, "a number from 0 to 2")),
  PORT: optional(z.coerce.number({ message: "a port from 1 to 65535" }).int("a port from 1 to 65535").min(1, "a port from 1 to 65535").max(65535, "a port from 1 to 65535")),
  TRELLIS_HTTP_ALLOW_HOSTS: optionalString,
  TRELLIS_HTTP_ALLOW_PRIVATE: optional(z.enum(["0", "1"], { message: "0 or 1" })),
  TRELLIS_PUBLIC_URL: optional(z.url({ protocol: /^https?$/, message: "the http(s) URL people open Trellis at, such as https://trellis.example.com" })),
  TRELLIS_RUN_CONCURRENCY: optional(z.coerce.number({ message: "a whole number from 1 to 256" }).int("a whole number from 1 to 256").min(1, "at least 1").max(256, "at most 256")),
  TRELLIS_CATALOGS: optionalString,
  TRELLIS_MCP_CONFIG: optionalString,
  TRELLIS_RUN_LEASE_MS: optional(z.coerce.number({ message: "a number of milliseconds" }).int("a whole number of milliseconds").min(1000, "at least 1000").max(3_600_000, "at most 3600000")),
  TRELLIS_COMMIT_WINDOW_MS: optional(z.coerce.number({ message: "a number of milliseconds" }).min(0, "at least 0").max(100, "at most 100")),
  TRELLIS_LOG_LEVEL: optional(z.enum(["debug", "info", "warn", "error"], { message: "one of debug, info, warn, error" })),
  TRELLIS_CHECK_ANSWERS: optional(z.enum(["0", "1"], { message: "0 or 1" })),
  TRELLIS_STEP_ISOLATION: optional(z.enum(["0", "1"], { message: "0 or 1" })),
  TRELLIS_STEP_WORKERS: optional(z.coerce.number({ message: "a whole number from 1 to 64" }).int("a whole number from 1 to 64").min(1, "at least 1").max(64, "at most 64")),
  TRELLIS_STEP_MEMORY_MB: optional(z.coerce.number({ message: "a number of megabytes" }).int("a whole number of megabytes").min(64, "at least 64").max(16_384, "at most 16384")),
  HOST: optionalString,
  TRELLIS_REDIS_URL: optional(z.string().regex(/^rediss?:\/\//, "a Redis URL such as redis://127.0.0.1:6379")),
  TRELLIS_QUEUE_PREFIX: optional(z.string().regex(/^[\w.-]{1,64}$/, "letters, digits, '_', '.', '-' (at most 64)")),
  TRELLIS_QUEUE_LOCK_MS: optional(z.coerce.number({ message: "a number of milliseconds" }).int("a whole number of milliseconds").min(1000, "at least 1000").max(600_000, "at most 600000")),
  TRELLIS_RECONCILE_MS: optional(z.coerce.number({ message: "a number of milliseconds" }).int("a whole number of milliseconds").min(0, "at least 0 (0: never)").max(3_600_000, "at most 3600000")),
  TRELLIS_ACCOUNTS: optional(z.enum(["auto", "required"], { message: "auto or required" })),
  TRELLIS_SECRET_KEY: optional(z.string().min(32, "at least 32 characters (e.g. `openssl rand -hex 32`)")),
  BETTER_AUTH_SECRET: optional(z.string().min(32, "at least 32 characters (e.g. `openssl rand -hex 32`)")),
  TRELLIS_LIMIT_PLANS_PER_HOUR: optional(z.coerce.number({ message: "a whole number (0: no limit)" }).int("a whole number (0: no limit)").min(0, "at least 0").max(1_000_000, "at most 1000000")),
  TRELLIS_LIMIT_ACTIVE_RUNS: optional(z.coerce.number({ message: "a whole number (0: no limit)" }).int("a whole number (0: no limit)").min(0, "at least 0").max(100_000, "at most 100000")),
  NODE_ENV: optionalString,
});

export interface TrellisConfig {
  databaseUrl?: string;
  /** folder for the embedded database and run workspaces */
  dataDir: string;
  /** temperature: sent with every LLM request when set; unset, the model's own default */
  llm: { apiKey?: string; baseUrl?: string; model: string; timeoutMs: number; temperature?: number; configured: boolean; provider: string };
  port: number;
  /** the address the server listens on (`next start -H`); 127.0.0.1 unless HOST says otherwise */
  host: string;
  /** whether `host` reaches this machine only */
  loopback: boolean;
  /**
   * auto: accounts are on once an owner is set up (before that, one person on loopback uses Trellis without
   * signing in); required: on from the start (a server bound to another address must say so)
   */
  accounts: "auto" | "required";
  /** signs sessions and derives the first-run setup code; absent: generated once into the data folder */
  secretKey?: string;
  httpAllowHosts: string[];
  /** plans may reach loopback and private addresses through any allowed host (else only through hosts named in httpAllowHosts) */
  httpAllowPrivate: boolean;
  /** the URL people open Trellis at; requests for another host name are refused */
  publicUrl?: string;
  runConcurrency: number;
  /** how long an engine's claim on a run holds without renewal */
  runLeaseMs: number;
  /** how long the engine gathers run events into one transaction (group commit) */
  commitWindowMs: number;
  /** TaskBench-format tool catalogs (tool_desc.json files) to add to the built-in actions */
  catalogFiles: string[];
  /** the MCP configuration file (`{"mcpServers": {...}}`): each server's tools become actions */
  mcpConfigFile?: string;
  logLevel: "debug" | "info" | "warn" | "error";
  /** check every API answer against its contract schema (development and tests; off in production unless asked) */
  checkAnswers: boolean;
  /**
   * queue mode (docs/deploy.md): with PostgreSQL and Redis, steps run on `trellis worker`
   * processes fed by BullMQ; absent, the server runs them itself
   */
  queue?: { redisUrl: string; prefix: string; lockMs: number; reconcileMs: number };
  /** built-in actions run in step workers (threads that a timeout or cancel terminates), not in the server's thread */
  steps: { isolated: boolean; workers: number; memoryMb: number };
  /** per account (or the local person): planning requests per hour, and runs not yet ended; 0 is no limit */
  limits: { plansPerHour: number; activeRuns: number };
}

/** Enough for a person at work; a script that loops on planning or starting runs is stopped early. */
export const DEFAULT_LIMITS = { plansPerHour: 60, activeRuns: 20 } as const;

export class ConfigError extends TrellisError {
  static override readonly kind: string = "ConfigError";
  constructor(message: string) {
    super(500, "config", message);
  }
}

export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): TrellisConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      return `  ${name}=${JSON.stringify(env[name] ?? "")}: expected ${i.message}`;
    });
    throw new ConfigError(`Trellis cannot start: invalid configuration.\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.TRELLIS_REDIS_URL && !e.DATABASE_URL) throw new ConfigError("Trellis cannot start: TRELLIS_REDIS_URL (queue mode) needs DATABASE_URL too: workers and web servers share one PostgreSQL database.");
  const baseUrl = e.OPENAI_BASE_URL;
  // A local OpenAI-compatible server (Ollama, vLLM, LM Studio) often needs no key.
  const configured = Boolean(e.OPENAI_API_KEY || baseUrl);
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(cwd, e.TRELLIS_DATA_DIR ?? ".data"),
    llm: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl,
      model: e.OPENAI_MODEL ?? "gpt-4o-mini",
      timeoutMs: e.OPENAI_TIMEOUT_MS ?? 60_000,
      temperature: e.OPENAI_TEMPERATURE,
      configured,
      provider: baseUrl ? new URL(baseUrl).host : "OpenAI",
    },
    port: e.PORT ?? 3000,
    host: e.HOST ?? "127.0.0.1",
    loopback: isLoopbackHost(e.HOST ?? "127.0.0.1"),
    accounts: e.TRELLIS_ACCOUNTS ?? "auto",
    secretKey: e.TRELLIS_SECRET_KEY ?? e.BETTER_AUTH_SECRET,
    httpAllowHosts: (e.TRELLIS_HTTP_ALLOW_HOSTS ?? "*").split(",").map((h) => h.trim()).filter(Boolean),
    httpAllowPrivate: e.TRELLIS_HTTP_ALLOW_PRIVATE === "1",
    publicUrl: e.TRELLIS_PUBLIC_URL,
    runConcurrency: e.TRELLIS_RUN_CONCURRENCY ?? 8,
    runLeaseMs: e.TRELLIS_RUN_LEASE_MS ?? 30_000,
    commitWindowMs: e.TRELLIS_COMMIT_WINDOW_MS ?? 2,
    catalogFiles: (e.TRELLIS_CATALOGS ?? "").split(",").map((f) => f.trim()).filter(Boolean).map((f) => path.resolve(cwd, f)),
    mcpConfigFile: e.TRELLIS_MCP_CONFIG ? path.resolve(cwd, e.TRELLIS_MCP_CONFIG) : undefined,
    logLevel: e.TRELLIS_LOG_LEVEL ?? "info",
    checkAnswers: e.TRELLIS_CHECK_ANSWERS ? e.TRELLIS_CHECK_ANSWERS === "1" : e.NODE_ENV !== "production",
    queue: e.TRELLIS_REDIS_URL ? { redisUrl: e.TRELLIS_REDIS_URL, prefix: e.TRELLIS_QUEUE_PREFIX ?? "trellis", lockMs: e.TRELLIS_QUEUE_LOCK_MS ?? 30_000, reconcileMs: e.TRELLIS_RECONCILE_MS ?? 10_000 } : undefined,
    steps: { isolated: e.TRELLIS_STEP_ISOLATION !== "0", workers: e.TRELLIS_STEP_WORKERS ?? 8, memoryMb: e.TRELLIS_STEP_MEMORY_MB ?? 512 },
    limits: { plansPerHour: e.TRELLIS_LIMIT_PLANS_PER_HOUR ?? DEFAULT_LIMITS.plansPerHour, activeRuns: e.TRELLIS_LIMIT_ACTIVE_RUNS ?? DEFAULT_LIMITS.activeRuns },
  };
}

/** 127.0.0.0/8, ::1 and localhost reach this machine only; 0.0.0.0, :: and any other address do not. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Where a command on this machine reaches the server that `cfg` configures: localhost when it
 * listens on every address or on 127.0.0.1, else the address it listens on. In the server, PORT
 * is the port Next.js listens on (it sets PORT once listening, also when it chose the port).
 */
export function localServerUrl(cfg: Pick<TrellisConfig, "host" | "port">): string {
  const host = cfg.host.trim().replace(/^\[|\]$/g, "");
  const name = ["0.0.0.0", "::", "127.0.0.1", "localhost"].includes(host.toLowerCase()) ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${name}:${cfg.port}`;
}

let cached: TrellisConfig | undefined;

export function config(): TrellisConfig {
  cached ??= parseConfig(process.env);
  return cached;
}
