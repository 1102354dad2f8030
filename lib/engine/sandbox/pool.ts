/**
 * Step workers, by lane. A step takes an idle worker of its lane (or starts one, up to the lane's
 * limit, or waits), and gives it back when it ends. A step that is cancelled or times out has its
 * worker terminated: whatever the action was doing (a catastrophic regular expression, a query
 * that will not end, a loop) stops with it, and the lane starts a fresh worker for the next step.
 */
import type { ActionContext } from "../../core";
import type { WorkerBoot } from "./protocol";
import { StepWorker, type StepTask } from "./step-worker";

export const DEFAULT_LANE = "default";

export interface StepPoolOptions {
  /** absolute path of worker-entry.mjs */
  entry: string;
  boot: WorkerBoot;
  /** workers of the default lane at most (default 8); every other lane has one, its steps run in turn */
  maxWorkers?: number;
  /** each worker's heap limit in MB (default 512) */
  memoryMb?: number;
  /** an idle worker is retired after this long (default 60 s) */
  idleMs?: number;
}

export interface PoolStats {
  /** tasks given to a worker */
  tasks: number;
  started: number;
  killed: number;
  live: number;
}

class Lane {
  private readonly idle: StepWorker[] = [];
  private readonly idleTimers = new Map<StepWorker, NodeJS.Timeout>();
  private readonly waiters: Array<(w: StepWorker) => void> = [];
  private count = 0;

  constructor(
    private readonly max: number,
    private readonly spawn: () => StepWorker,
    private readonly idleMs: number,
  ) {}

  acquire(signal: AbortSignal): Promise<StepWorker> {
    for (let w = this.idle.pop(); w; w = this.idle.pop()) {
      clearTimeout(this.idleTimers.get(w));
      this.idleTimers.delete(w);
      if (w.alive) return Promise.resolve(w);
    }
    if (this.count < this.max) return Promise.resolve(this.start());
    return new Promise((resolve, reject) => {
      const waiter = (w: StepWorker) => {
        signal.removeEventListener("abort", onAbort);
        resolve(w);
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Starts a worker ahead of the first step, so that step does not wait for it to load. */
  warm(): void {
    if (this.count === 0) this.release(this.start());
  }

  release(w: StepWorker): void {
    if (!w.alive) return; // its exit hands the slot on
    const next = this.waiters.shift();
    if (next) return next(w);
    this.idle.push(w);
    const t = setTimeout(() => {
      this.idleTimers.delete(w);
      // One worker stays ready; the others retire when idle.
      if (this.count <= 1) return;
      const i = this.idle.indexOf(w);
      if (i >= 0) this.idle.splice(i, 1);
      w.kill();
    }, this.idleMs);
    t.unref();
    this.idleTimers.set(w, t);
  }

  private start(): StepWorker {
    this.count++;
    const w = this.spawn();
    w.whenDead(() => {
      this.count--;
      const i = this.idle.indexOf(w);
      if (i >= 0) this.idle.splice(i, 1);
      const next = this.waiters.shift();
      if (next) next(this.start());
    });
    return w;
  }

  close(): void {
    for (const t of this.idleTimers.values()) clearTimeout(t);
    for (const w of this.idle.splice(0)) w.kill();
  }
}

export class StepWorkerPool {
  private readonly lanes = new Map<string, Lane>();
  private readonly all = new Set<StepWorker>();
  private readonly counts = { tasks: 0, started: 0, killed: 0 };
  private closed = false;

  constructor(private readonly o: StepPoolOptions) {}

  /** Runs a task in a worker of `lane`; an abort of ctx.signal terminates that worker and rejects with the abort's reason. */
  async run(lane: string, task: StepTask, ctx: ActionContext): Promise<unknown> {
    if (this.closed) throw new Error("Trellis is shutting down; the step was not started.");
    ctx.signal.throwIfAborted();
    const l = this.lane(lane);
    // Waiting for a worker (every one busy, or one loading) is not the step's work: its clock stands still.
    const resume = ctx.holdClock?.();
    let w: StepWorker;
    try {
      w = await l.acquire(ctx.signal);
      await Promise.race([w.ready, aborted(ctx.signal)]).catch((err: unknown) => {
        l.release(w);
        throw err;
      });
    } finally {
      resume?.();
    }
    const onAbort = () => {
      this.counts.killed++;
      w.kill();
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    this.counts.tasks++;
    try {
      return await Promise.race([w.run(task, ctx), aborted(ctx.signal)]);
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
      l.release(w);
    }
  }

  /** Starts one worker of `lane` now (the server does, so its first step does not wait for a worker to load). */
  warm(lane = DEFAULT_LANE): void {
    if (!this.closed) this.lane(lane).warm();
  }

  stats(): PoolStats {
    return { ...this.counts, live: [...this.all].filter((w) => w.alive).length };
  }

  /** Stops every worker; steps still running fail, as they would if the process stopped. */
  close(): void {
    this.closed = true;
    for (const l of this.lanes.values()) l.close();
    for (const w of this.all) w.kill();
  }

  private lane(name: string): Lane {
    let l = this.lanes.get(name);
    if (!l) {
      const max = name === DEFAULT_LANE ? (this.o.maxWorkers ?? 8) : 1;
      l = new Lane(max, () => this.spawn(), this.o.idleMs ?? 60_000);
      this.lanes.set(name, l);
    }
    return l;
  }

  private spawn(): StepWorker {
    this.counts.started++;
    const w = new StepWorker({ entry: this.o.entry, boot: this.o.boot, memoryMb: this.o.memoryMb ?? 512 });
    this.all.add(w);
    w.whenDead(() => this.all.delete(w));
    return w;
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
