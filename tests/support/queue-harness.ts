/**
 * Queue mode for integration tests: a fresh PostgreSQL database, a Redis key prefix of the test's
 * own, a folder for the actions' traces, an engine as a web server has it (queue mode, notified
 * bus), and `trellis worker` child processes. With CI=true, Redis and PostgreSQL are required.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { openQueueMode, type OpenQueueMode, type QueueModeOptions } from "../../lib/engine/queue/queue-mode";
import { STEP_QUEUE, bullConnection, redisClient } from "../../lib/engine/queue/step-queue";
import { openDatabase, type Database } from "../../lib/store/database";
import { createPostgresDatabase, postgresReachable, PG_ADMIN_URL } from "./databases";
import { makeHarness, type Harness } from "./engine-harness";
import { queueActions } from "./queue-actions";
import { harnessReplan } from "./replan-service";

export const REDIS_URL = process.env.TRELLIS_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

function redisReachable(): Promise<boolean> {
  const u = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(2000, () => done(false));
    s.once("error", () => done(false));
    s.once("connect", () => s.write("PING\r\n"));
    s.once("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}

/** Whether the queue tests run: both services answer; on CI they must. */
export async function queueAvailability(): Promise<{ run: boolean; reason?: string }> {
  const [pgUp, redisUp] = await Promise.all([postgresReachable(), redisReachable()]);
  if (pgUp && redisUp) return { run: true };
  const missing = [!pgUp ? `PostgreSQL at ${PG_ADMIN_URL}` : null, !redisUp ? `Redis at ${REDIS_URL}` : null].filter(Boolean).join(" and ");
  if (process.env.CI === "true") throw new Error(`Queue-mode tests need ${missing}, which does not answer, and CI=true requires them (.ci/run starts both when they are installed).`);
  const reason = `${missing} not reachable: skipping the queue-mode (BullMQ workers) tests.`;
  console.warn(`\n⚠ ${reason}\n`);
  return { run: false, reason };
}

export interface QueueHarness extends Harness {
  db: Database;
  url: string;
  prefix: string;
  /** where the actions trace and wait for release files */
  dir: string;
  mode: OpenQueueMode;
  startWorker(env?: Record<string, string>): Promise<ChildProcess>;
  close(): Promise<void>;
}

export async function queueHarness(options: { afterCommit?: QueueModeOptions["afterCommit"] } = {}): Promise<QueueHarness> {
  const created = await createPostgresDatabase();
  const db = await openDatabase({ url: created.url });
  const prefix = `trellis-test-${randomUUID().slice(0, 8)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "trellis-queue-"));
  const workspaces = path.join(dir, "runs");
  const { PrismaRunStore } = await import("../../lib/store/run-store");
  const mode = await openQueueMode({
    databaseUrl: created.url,
    connection: { redisUrl: REDIS_URL, prefix },
    store: new PrismaRunStore(db.prisma, { pool: db.pool }),
    runConcurrency: 8,
    workspaceFor: (id) => path.join(workspaces, id),
    log: () => undefined,
    afterCommit: options.afterCommit,
  });
  // the server's re-planning, offline (the workers have the same)
  const h: Harness = makeHarness(db, queueActions(dir), { queue: mode.runs, bus: mode.bus, workspaceRoot: workspaces, replan: harnessReplan(db, () => h.registry) });
  const children: ChildProcess[] = [];
  return {
    ...h,
    db,
    url: created.url,
    prefix,
    dir,
    mode,
    async startWorker(env = {}) {
      const child = spawn(process.execPath, [...(process.env.TRELLIS_WORKER_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${process.env.TRELLIS_WORKER_PROFILE_DIR}`] : []), "--import", "tsx", path.join(import.meta.dirname, "queue-worker-child.ts")], {
        env: { ...process.env, QUEUE_DATABASE_URL: created.url, QUEUE_REDIS_URL: REDIS_URL, QUEUE_PREFIX: prefix, QUEUE_DIR: dir, QUEUE_WORKSPACES: workspaces, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        let out = "";
        child.stdout!.on("data", (d) => { out += d; if (out.includes("ready")) resolve(); });
        child.once("exit", (code) => reject(new Error(`the worker exited (${code}) before it was ready`)));
      });
      return child;
    },
    async close() {
      await h.engine.close();
      await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise<void>((resolve) => { c.once("exit", () => resolve()); c.kill("SIGTERM"); setTimeout(() => c.kill("SIGKILL"), 5000).unref(); })));
      await mode.close();
      const redis = redisClient({ redisUrl: REDIS_URL, prefix });
      const q = new Queue(STEP_QUEUE, bullConnection({ redisUrl: REDIS_URL, prefix }, redis));
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
      // What obliterate leaves (the id counter, the queue's meta and event stream): nothing of the test stays.
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await db.close();
      await created.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
