/**
 * A `trellis worker` in its own process with the queue test actions (queue-actions.ts): what the
 * CLI's worker command builds, on the test's database, Redis prefix and folder. Prints "ready"
 * once it takes jobs; SIGTERM closes it. QUEUE_LOSE_ROLLBACK=1 (QUEUE_LOSE_REPLAN=1) makes it lose the rollback
 * (replan) jobs it should add.
 * It re-plans with the server's offline planner; a re-plan of a step whose id starts with "hold_"
 * first writes `replan - <step> 0 <pid> -` to the trace and waits until the test releases it (a
 * file named `replan-<step>`).
 */
import { appendFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ActionRegistry } from "../../lib/core";
import { QueueWorker } from "../../lib/engine/queue/queue-worker";
import { openDatabase } from "../../lib/store/database";
import { PrismaRunStore } from "../../lib/store/run-store";
import { queueActions, releaseFile, traceFile } from "./queue-actions";
import { harnessReplan } from "./replan-service";

const env = process.env;
const db = await openDatabase({ url: env.QUEUE_DATABASE_URL! });
const registry = new ActionRegistry(queueActions(env.QUEUE_DIR!));
const planner = harnessReplan(db, () => registry);
const worker = new QueueWorker({
  connection: { redisUrl: env.QUEUE_REDIS_URL!, prefix: env.QUEUE_PREFIX! },
  databaseUrl: env.QUEUE_DATABASE_URL!,
  store: new PrismaRunStore(db.prisma, { pool: db.pool }),
  registry,
  replan: {
    ...planner,
    async propose(request) {
      if (request.failedStepId.startsWith("hold_")) {
        appendFileSync(traceFile(env.QUEUE_DIR!), `replan - ${request.failedStepId} 0 ${process.pid} -\n`);
        while (!existsSync(releaseFile(env.QUEUE_DIR!, `replan-${request.failedStepId}`))) await new Promise((r) => setTimeout(r, 10));
      }
      return planner.propose(request);
    },
  },
  concurrency: Number(env.QUEUE_CONCURRENCY ?? 4),
  runConcurrency: Number(env.QUEUE_RUN_CONCURRENCY ?? 8),
  lockMs: Number(env.QUEUE_LOCK_MS ?? 30_000),
  reconcileMs: Number(env.QUEUE_RECONCILE_MS ?? 0),
  workspaceFor: (id) => path.join(env.QUEUE_WORKSPACES ?? path.join(os.tmpdir(), "trellis-queue-workspaces"), id),
  // QUEUE_LOSE_ROLLBACK: the process "dies" after a change that fails a run commits and before it adds the run's rollback job
  // QUEUE_LOSE_REPLAN: the same for the change that asks for the run's re-plan and its replan job
  afterCommit: env.QUEUE_LOSE_ROLLBACK || env.QUEUE_LOSE_REPLAN
    ? (_jobs, rollback, replan) => {
      if (rollback && env.QUEUE_LOSE_ROLLBACK) throw new Error("the worker died before it added the rollback job");
      if (replan && env.QUEUE_LOSE_REPLAN) throw new Error("the worker died before it added the replan job");
    }
    : undefined,
  log: (level, message) => { if (level !== "info" || env.QUEUE_VERBOSE) console.error(`[worker ${process.pid}] ${level}: ${message}`); },
});
await worker.start();
console.log("ready");
process.once("SIGTERM", () => void worker.close().then(() => db.close()).then(() => process.exit(0)));
