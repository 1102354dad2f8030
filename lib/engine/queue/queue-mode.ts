/**
 * Queue mode for a web server (or a test): the queue runs go to, and an event bus that shows the
 * events any process commits (notified-bus.ts). Workers build their own (queue-worker.ts).
 */
import { NotifiedEventBus } from "./notified-bus";
import { PgListener } from "./pg-listener";
import { EVENTS_CHANNEL, QueueRuns, type QueueRunStore, type QueueRunsOptions } from "./queue-runs";
import { StepQueue, type QueueConnection } from "./step-queue";

export interface QueueModeOptions {
  databaseUrl: string;
  connection: QueueConnection;
  store: QueueRunStore;
  runConcurrency: number;
  workspaceFor(runId: string): string;
  log(level: "info" | "warn" | "error", message: string): void;
  afterCommit?: QueueRunsOptions["afterCommit"];
}

export interface OpenQueueMode {
  runs: QueueRuns;
  bus: NotifiedEventBus;
  queue: StepQueue;
  close(): Promise<void>;
}

export async function openQueueMode(o: QueueModeOptions): Promise<OpenQueueMode> {
  const queue = new StepQueue(o.connection);
  const runs = new QueueRuns({ store: o.store, queue, runConcurrency: o.runConcurrency, workspaceFor: o.workspaceFor, log: o.log, afterCommit: o.afterCommit });
  const bus = new NotifiedEventBus((runId, after) => o.store.events(runId, after), o.log);
  const listener = new PgListener({
    url: o.databaseUrl,
    channels: [EVENTS_CHANNEL],
    onNotify: (_channel, payload) => bus.notified(payload),
    onReconnect: () => bus.reconnected(),
    log: o.log,
  });
  await listener.start();
  return {
    runs,
    bus,
    queue,
    async close() {
      await listener.close();
      await queue.close();
    },
  };
}
