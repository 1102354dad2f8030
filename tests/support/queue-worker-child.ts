/**
 * A `trellis worker` in its own process with the queue test actions (queue-actions.ts): what the
 * CLI's worker command builds, on the test's database, Redis prefix and folder. Prints "ready"
 * once it takes jobs; SIGTERM closes it. QUEUE_LOSE_ROLLBACK=1 makes it lose the rollback jobs it should add.
 */
import os from "node:os";
import path from "node:path";
import { ActionRegistry } from "../../lib/core";
import { QueueWorker } from "../../lib/engine/queue/queue-worker";
import { openDatabase } from "../../lib/store/database";
import { PrismaRunStore } from "../../lib/store/run-store";
import { queueActions } from "./queue-actions";

const env = process.env;
const db = await openDatabase({ url: env.QUEUE_DATABASE_URL! });
const worker = new QueueWorker({
  connection: { redisUrl: env.QUEUE_REDIS_URL!, prefix: env.QUEUE_PREFIX! },
  databaseUrl: env.QUEUE_DATABASE_URL!,
  store: new PrismaRunStore(db.prisma, { pool: db.pool }),
  registry: new ActionRegistry(queueActions(env.QUEUE_DIR!)),
  concurrency: Number(env.QUEUE_CONCURRENCY ?? 4),
  runConcurrency: Number(env.QUEUE_RUN_CONCURRENCY ?? 8),
  lockMs: Number(env.QUEUE_LOCK_MS ?? 30_000),
  reconcileMs: Number(env.QUEUE_RECONCILE_MS ?? 0),
  workspaceFor: (id) => path.join(env.QUEUE_WORKSPACES ?? path.join(os.tmpdir(), "trellis-queue-workspaces"), id),
  // QUEUE_LOSE_ROLLBACK: the process "dies" after a change that fails a run commits and before it adds the run's rollback job
  afterCommit: env.QUEUE_LOSE_ROLLBACK ? (_jobs, rollback) => { if (rollback) throw new Error("the worker died before it added the rollback job"); } : undefined,
  log: (level, message) => { if (level !== "info" || env.QUEUE_VERBOSE) console.error(`[worker ${process.pid}] ${level}: ${message}`); },
});
await worker.start();
console.log("ready");
process.once("SIGTERM", () => void worker.close().then(() => db.close()).then(() => process.exit(0)));
