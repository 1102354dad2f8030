import path from "node:path";
import { parseCommandArgs } from "../args";
import type { Command } from "../command";
import { CliError, ExitCode, usageError } from "../exit-codes";

export const workerCommand: Command = {
  name: "worker",
  summary: "Run steps from the queue (queue mode: DATABASE_URL and TRELLIS_REDIS_URL set)",
  usage: ["worker [--concurrency <n>]"],
  details: [
    "--concurrency <n>   steps this process runs at once (default 8)",
    "Takes step jobs from BullMQ on Redis, runs them, and stores what they did in PostgreSQL; run as many as",
    "you like, on any machine that reaches both. Ctrl-C or SIGTERM: no new jobs, the running steps end, then it exits.",
    "See docs/deploy.md.",
  ],
  async run(ctx, argv) {
    const { values } = parseCommandArgs(argv, { concurrency: { type: "string" } });
    const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw usageError(`--concurrency takes a whole number from 1 to 256, not "${values.concurrency}".`);
    const { config } = await import("../../server/env");
    const cfg = config();
    if (!cfg.queue || !cfg.databaseUrl) throw new CliError(ExitCode.usage, "trellis worker runs in queue mode only: set DATABASE_URL (PostgreSQL) and TRELLIS_REDIS_URL (Redis), as for the web servers. See docs/deploy.md.");
    const [{ getTrellis, closeTrellis, runsFolder }, { QueueWorker }, { PrismaRunStore }, { serverLog }, { replanService }, { redactSecrets }] = await Promise.all([
      import("../../server/trellis"),
      import("../../engine/queue/queue-worker"),
      import("../../store/run-store"),
      import("../../server/log"),
      import("../../server/replan-service"),
      import("../../server/connections/redaction"),
    ]);
    const t = await getTrellis();
    t.stepWorkers?.warm();
    const log = (level: "info" | "warn" | "error", message: string) => serverLog()[level](message);
    const worker = new QueueWorker({
      connection: { redisUrl: cfg.queue.redisUrl, prefix: cfg.queue.prefix },
      databaseUrl: cfg.databaseUrl,
      store: new PrismaRunStore(t.database.prisma, { pool: t.database.pool }),
      registry: t.registry,
      llm: t.llm,
      concurrency,
      runConcurrency: cfg.runConcurrency,
      lockMs: cfg.queue.lockMs,
      reconcileMs: cfg.queue.reconcileMs,
      workspaceFor: (id) => path.join(runsFolder(cfg), id),
      log,
      // re-planning as the web server's engine has it (lib/server/trellis.ts)
      replan: replanService(t.database.prisma, () => t.registry.catalog, t.llm),
      redact: redactSecrets,
    });
    await worker.start();
    ctx.out.progress(`Trellis worker ${process.pid}: ${concurrency} step${concurrency === 1 ? "" : "s"} at once, queue "${cfg.queue.prefix}" on ${redact(cfg.queue.redisUrl)}.`);
    void worker.reconcile();
    await new Promise<void>((resolve) => {
      ctx.interrupts.on(resolve);
      process.once("SIGTERM", resolve);
    });
    ctx.out.progress("Stopping: the running steps end first.");
    await worker.close();
    await closeTrellis();
    return ExitCode.ok;
  },
};

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "redis://(unparseable URL)";
  }
}
