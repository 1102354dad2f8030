/**
 * One PostgreSQL connection that LISTENs to Trellis's notification channels (queue-runs.ts) and
 * hands each notification on. A connection that drops is opened again; `onReconnect` is told, so
 * that whoever relies on the notifications can catch up on what it may have missed.
 */
import pg from "pg";

export interface PgListenerOptions {
  url: string;
  channels: string[];
  onNotify(channel: string, payload: string): void;
  onReconnect?(): void;
  log(level: "info" | "warn" | "error", message: string): void;
}

export class PgListener {
  private client?: pg.Client;
  private closed = false;
  private retry?: NodeJS.Timeout;

  constructor(private readonly o: PgListenerOptions) {}

  /** Resolves once the channels are listened to. */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.o.url });
    client.on("notification", (n) => this.o.onNotify(n.channel, n.payload ?? ""));
    client.on("error", (err) => {
      this.o.log("warn", `the notification connection to PostgreSQL closed: ${err.message}`);
      this.reopen(client);
    });
    client.on("end", () => this.reopen(client));
    await client.connect();
    for (const ch of this.o.channels) await client.query(`LISTEN ${pg.escapeIdentifier(ch)}`);
    this.client = client;
  }

  private reopen(old: pg.Client) {
    if (this.closed || this.client !== old || this.retry) return;
    this.client = undefined;
    const attempt = (delay: number) => {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        if (this.closed) return;
        this.start().then(() => this.o.onReconnect?.(), () => attempt(Math.min(delay * 2, 5000)));
      }, delay);
      this.retry.unref();
    };
    attempt(100);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
