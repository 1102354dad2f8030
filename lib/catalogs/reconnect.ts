/**
 * When a tool source (an MCP server, an HTTP API's document) is lost: the next try after a delay
 * that doubles from `backoffMs` (1 s) with each failure in a row, up to `maxBackoffMs` (30 s), on a
 * timer that never keeps the process alive. A success starts the count again.
 */
export interface BackoffOptions {
  backoffMs?: number;
  maxBackoffMs?: number;
}

export class Reconnect {
  private failures = 0;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(private readonly options: BackoffOptions) {}

  /** Counts a failure and schedules `retry` (replacing a try already scheduled); answers the delay in ms. */
  failed(retry: () => void): number {
    this.failures += 1;
    const delay = Math.min((this.options.backoffMs ?? 1_000) * 2 ** (this.failures - 1), this.options.maxBackoffMs ?? 30_000);
    clearTimeout(this.timer);
    this.timer = setTimeout(retry, delay);
    this.timer.unref?.();
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
  }

  /** No more tries (the source is closed). */
  stop(): void {
    clearTimeout(this.timer);
  }
}
