/**
 * Per-account limits: planning requests per hour (each may cost an LLM call) and runs that have
 * not ended. Checked in one place, by the route and action wrappers (lib/server/route) for the
 * operations that declare a `limit` (lib/contract/operations), and by the MCP endpoint's
 * plan_goal and run_plan tools. Over a limit: a 429 `limit_reached` naming the limit and when it
 * frees, with `Retry-After`.
 *
 * The planning window is counted by rate-limiter-flexible in the app database (table
 * `rate_limit`), so servers sharing the database share the count. Active runs are counted from
 * the runs table: runs this account started that are queued or running. A run that waits for a
 * person's approval uses nothing meanwhile and does not count, so approvals left open never
 * stop anyone from working.
 * With accounts off, everything counts against the one local person ("local").
 */
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { Actor } from "../contract/access";
import type { Limit } from "../contract/operation";
import { RequestError } from "../core/errors";
import type { Db } from "../store/database";

const HOUR_S = 3600;
/** When a run ends is not known ahead: ask the client to look again after this long. */
const ACTIVE_RUNS_RETRY_S = 30;

export interface LimitSettings {
  plansPerHour: number;
  activeRuns: number;
}

export interface LimitDetails {
  limit: "plans_per_hour" | "active_runs";
  /** the configured maximum */
  max: number;
  /** seconds until trying again may succeed (also the Retry-After header) */
  retryAfterSeconds: number;
  /** when the planning window starts again (absent for active runs: when one of them ends) */
  freesAt?: string;
}

export class LimitError extends RequestError {
  static override readonly kind: string = "LimitError";
  constructor(message: string, readonly limit: LimitDetails) {
    super(429, "limit_reached", message, limit);
  }
}

/** The `Retry-After` seconds of a 429 answer, from its error's details. */
export function retryAfterOf(err: unknown): number | undefined {
  if (!RequestError.isInstance(err) || (err as RequestError).status !== 429) return undefined;
  const seconds = ((err as RequestError).details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === "number" && Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : undefined;
}

/** The account a limit counts against: the person (whether by session or by one of their tokens), or the local person. */
const accountKey = (actor: Actor) => (actor.kind === "person" ? `user:${actor.userId}` : "local");

export class Limits {
  private planning?: RateLimiterPrisma;

  constructor(private readonly db: Db, private readonly settings: LimitSettings) {}

  /** Counts one planning request, or refuses it when the account has used the hour's allowance. */
  async plan(actor: Actor): Promise<void> {
    const max = this.settings.plansPerHour;
    if (max <= 0) return;
    this.planning ??= new RateLimiterPrisma({ storeClient: this.db, tableName: "rateLimit", keyPrefix: "plans", points: max, duration: HOUR_S, clearExpiredByTimeout: false });
    try {
      await this.planning.consume(accountKey(actor), 1);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      const freesAt = new Date(Date.now() + err.msBeforeNext).toISOString();
      throw new LimitError(
        `${who(actor)} reached the limit of ${max} planning request${max === 1 ? "" : "s"} per hour (TRELLIS_LIMIT_PLANS_PER_HOUR). It frees at ${freesAt} (in ${describeSeconds(retryAfterSeconds)}).`,
        { limit: "plans_per_hour", max, retryAfterSeconds, freesAt },
      );
    }
  }

  /** Refuses a new run while the account has as many runs going (queued or running) as the limit allows. */
  async run(actor: Actor): Promise<void> {
    const max = this.settings.activeRuns;
    if (max <= 0) return;
    const active = await this.db.run.count({ where: { startedBy: actor.label, status: { in: ["queued", "running"] } } });
    if (active < max) return;
    throw new LimitError(
      `${who(actor)} already has ${active} run${active === 1 ? "" : "s"} going (queued or running), and the limit is ${max} (TRELLIS_LIMIT_ACTIVE_RUNS). It frees when one of them ends or waits for a person: let one finish, or cancel it.`,
      { limit: "active_runs", max, retryAfterSeconds: ACTIVE_RUNS_RETRY_S },
    );
  }

  async check(limit: Limit, actor: Actor): Promise<void> {
    return limit === "planning" ? this.plan(actor) : this.run(actor);
  }
}

const who = (actor: Actor) => (actor.kind === "person" ? actor.email : "This Trellis");

function describeSeconds(s: number): string {
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

const KEY = Symbol.for("trellis.limits");
type Holder = { [KEY]?: { limits: Limits; db?: Db; given?: boolean } };

/** Tests of the wrappers alone give their own limits (undefined: the Trellis instance's again). */
export function useLimits(given: Limits | undefined): void {
  (globalThis as Holder)[KEY] = given ? { limits: given, given: true } : undefined;
}

/** The process's limits, on the Trellis instance's database and configuration. */
export async function limits(): Promise<Limits> {
  const current = (globalThis as Holder)[KEY];
  if (current?.given) return current.limits;
  const { getTrellis } = await import("./trellis");
  const trellis = await getTrellis();
  const holder = globalThis as Holder;
  const db = trellis.database.prisma;
  if (holder[KEY]?.db !== db) holder[KEY] = { limits: new Limits(db, trellis.config.limits), db };
  return holder[KEY]!.limits;
}

/** Checks an operation's limit for this actor (nothing when the operation declares none). */
export async function enforceLimit(limit: Limit | undefined, actor: Actor): Promise<void> {
  if (!limit) return;
  await (await limits()).check(limit, actor);
}
