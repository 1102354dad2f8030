/**
 * A `trellis worker` process's engine part: a BullMQ worker that runs step jobs (step-job.ts),
 * failed runs' rollback jobs (rollback-job.ts) and re-plans (replan-job.ts), a PostgreSQL listener that stops the attempts of
 * runs cancelled or failed elsewhere, and the reconciler that hands out the jobs of ready steps
 * (and of rollbacks) that have none.
 *
 * A worker that dies holds its jobs' locks no longer: BullMQ finds the jobs stalled after
 * `lockMs` and gives them to another worker, where the step runs again (step-job.ts).
 */
import { DelayedError, Worker, type Job } from "bullmq";
import type { ActionLookup, LlmClient } from "../../core";
import { PgListener } from "./pg-listener";
import { EVENTS_CHANNEL, QueueRuns, STOP_CHANNEL, type QueueRunsOptions, type QueueRunStore } from "./queue-runs";
import { StepJobRunner } from "./step-job";
import { runRollbackJob } from "./rollback-job";
import { runReplanJob } from "./replan-job";
import type { ReplanService } from "../replan";
import { bullConnection, redisClient, REPLAN_JOB, ROLLBACK_JOB, STEP_QUEUE, StepQueue, type QueueConnection, type StepJobData } from "./step-queue";

export interface QueueWorkerOptions {
  connection: QueueConnection;
  databaseUrl: string;
  store: QueueRunStore;
  registry: ActionLookup;
  llm?: LlmClient;
  /** step jobs this process runs at once (default 8) */
  concurrency?: number;
  /** steps of one run at once across workers, unless the run says otherwise (default 8) */
  runConcurrency?: number;
  /** how long a job's lock holds without renewal: a dead worker's job is taken over after about this long (default 30 s) */
  lockMs?: number;
  /** how often the reconciler looks for ready steps without a job (default 10 s; 0: never) */
  reconcileMs?: number;
  workspaceFor(runId: string): string;
  log(level: "info" | "warn" | "error", message: string): void;
  /** for tests of the crash window (queue-runs.ts) */
  afterCommit?: QueueRunsOptions["afterCommit"];
  /** the planner for runs that re-plan on a step's failure (the web server's: lib/server/replan-service.ts); unset: such a run fails, saying so */
  replan?: ReplanService;
  /** replaces secret values in what a planner is shown, as the web server's engine does */
  redact?: <T>(value: T) => T;
}

const DEFER_MS = 250;

export class QueueWorker {
  readonly runs: QueueRuns;
  private readonly queue: StepQueue;
  private readonly runner: StepJobRunner;
  private readonly listener: PgListener;
  private worker?: Worker<StepJobData>;
  private redis?: ReturnType<typeof redisClient>;
  private reconciler?: NodeJS.Timeout;
  private reconciling = false;

  constructor(private readonly o: QueueWorkerOptions) {
    this.queue = new StepQueue(o.connection);
    const runConcurrency = o.runConcurrency ?? 8;
    this.runs = new QueueRuns({ store: o.store, queue: this.queue, runConcurrency, workspaceFor: o.workspaceFor, log: o.log, afterCommit: o.afterCommit });
    this.runner = new StepJobRunner({
      runs: this.runs,
      appendOnly: async (runId, events) => (await o.store.appendLocked(runId, async () => ({ events, result: null }), (stored) => notifyEvents(runId, stored)))?.events ?? [],
      events: (runId, afterSeq, limit) => o.store.events(runId, afterSeq, limit),
      registry: o.registry,
      llm: o.llm,
      runConcurrency,
      workspaceFor: o.workspaceFor,
      log: o.log,
    });
    this.listener = new PgListener({
      url: o.databaseUrl,
      channels: [STOP_CHANNEL],
      onNotify: (_channel, runId) => this.runner.stopRun(runId, "the run was cancelled"),
      log: o.log,
    });
  }

  async start(): Promise<void> {
    await this.listener.start();
    const lockMs = this.o.lockMs ?? 30_000;
    this.redis = redisClient(this.o.connection);
    this.worker = new Worker<StepJobData>(STEP_QUEUE, (job, token) => this.process(job, token), {
      ...bullConnection(this.o.connection, this.redis),
      concurrency: this.o.concurrency ?? 8,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      // A step is run again after each stall; the run's own limits (timeouts, cancel) bound it.
      maxStalledCount: 5,
    });
    this.worker.on("error", (err) => this.o.log("warn", `queue worker: ${err.message}`));
    this.worker.on("failed", (job, err) => this.o.log("warn", `step job ${job?.id ?? "?"} failed: ${err.message}`));
    await this.worker.waitUntilReady();
    const every = this.o.reconcileMs ?? 10_000;
    if (every > 0) {
      this.reconciler = setInterval(() => void this.reconcile(), every);
      this.reconciler.unref();
    }
  }

  /** One pass of the reconciler (also run at start). */
  async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      await this.runs.reconcile();
    } catch (err) {
      this.o.log("warn", `reconciling failed: ${(err as Error).message}`);
    } finally {
      this.reconciling = false;
    }
  }

  private async process(job: Job<StepJobData>, token?: string): Promise<string> {
    if (job.name === ROLLBACK_JOB) return runRollbackJob({ runs: this.runs, registry: this.o.registry, llm: this.o.llm, workspaceFor: this.o.workspaceFor }, job.data.runId);
    const outcome = job.name === REPLAN_JOB ? await this.replan(job.data.runId) : await this.runner.process(job.data);
    if (outcome === "deferred") {
      // The run has as many steps running as it may (or a re-plan waits for a step job to leave the queue): try again shortly.
      await job.moveToDelayed(Date.now() + DEFER_MS, token);
      throw new DelayedError();
    }
    return outcome;
  }

  private replan(runId: string) {
    const o = this.o;
    return runReplanJob({
      runs: this.runs,
      replan: o.replan ? { service: o.replan, catalog: o.registry.catalog, redact: o.redact } : undefined,
      store: o.store,
      queue: this.queue,
      registry: o.registry,
      llm: o.llm,
      runConcurrency: o.runConcurrency ?? 8,
      workspaceFor: o.workspaceFor,
      log: o.log,
    }, runId);
  }

  /** Stops taking jobs, lets the running ones end (or, with `force`, drops them to be taken over), and closes. */
  async close(force = false): Promise<void> {
    clearInterval(this.reconciler);
    await this.worker?.close(force);
    await this.redis?.quit().catch(() => undefined);
    await this.listener.close();
    await this.queue.close();
  }
}

export function notifyEvents(runId: string, events: readonly { seq: number }[]): { channel: string; payload: string }[] {
  return events.length ? [{ channel: EVENTS_CHANNEL, payload: JSON.stringify({ r: runId, f: events[0].seq, t: events[events.length - 1].seq }) }] : [];
}
