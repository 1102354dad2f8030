/** One worker thread that runs steps, one at a time, and the engine's side of its messages. */
import { Worker } from "node:worker_threads";
import { ActionError, type ActionContext } from "../../core";
import { cloneable, fromWire, toWire, type FromWorker, type TaskContext, type ToWorker, type WorkerBoot } from "./protocol";

export type StepTask =
  | { type: "run"; actionId: string; input: unknown }
  | { type: "undo"; actionId: string; input: unknown; output: unknown }
  | { type: "preview"; actionId: string; input: unknown };

export interface StepWorkerOptions {
  entry: string;
  boot: WorkerBoot;
  memoryMb: number;
}

interface Current {
  ctx: ActionContext;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class StepWorker {
  private readonly worker: Worker;
  private current?: Current;
  /** false once the worker stopped or was told to: it takes no more steps */
  alive = true;
  private readonly onDead = new Set<() => void>();
  /** settles once the worker has loaded its actions (or could not): the pool holds a step's clock until then */
  readonly ready: Promise<void>;
  private readyState!: { resolve(): void; reject(err: Error): void };

  constructor(private readonly o: StepWorkerOptions) {
    this.ready = new Promise<void>((resolve, reject) => (this.readyState = { resolve, reject }));
    this.ready.catch(() => undefined); // a warm worker that fails to load has nobody waiting on it
    this.worker = new Worker(o.entry, {
      workerData: o.boot,
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: o.memoryMb },
    });
    // An idle worker never keeps the process (a CLI command, a test) alive; a busy one does.
    this.worker.unref();
    this.worker.on("message", (msg: FromWorker) => this.receive(msg));
    this.worker.on("error", (err: Error & { code?: string }) => {
      this.alive = false;
      this.readyState.reject(new Error(`The step's worker failed: ${err.message}`));
      this.settle(
        err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new ActionError("out_of_memory", `The step used more memory than its limit (${o.memoryMb} MB) and was stopped.`)
          : new Error(`The step's worker failed: ${err.message}`),
      );
    });
    this.worker.on("exit", (code) => {
      this.alive = false;
      this.readyState.reject(new Error(`The step's worker stopped before it was ready (exit code ${code}).`));
      this.settle(new Error(`The step's worker stopped unexpectedly (exit code ${code}).`));
      for (const f of this.onDead) f();
    });
  }

  /** Runs one task; the caller makes sure the worker is idle. */
  run(task: StepTask, ctx: ActionContext): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.current = { ctx, resolve, reject };
      this.worker.ref();
      const taskCtx: TaskContext = {
        timeoutMs: ctx.timeoutMs,
        runId: ctx.runId,
        stepId: ctx.stepId,
        attempt: ctx.attempt,
        idempotencyKey: ctx.idempotencyKey,
        workspaceDir: ctx.workspaceDir,
        llmModel: ctx.llm?.model,
      };
      try {
        this.post({ ...task, ctx: taskCtx });
      } catch (err) {
        this.current = undefined;
        this.worker.unref();
        reject(new Error(`The step's input cannot be passed on: ${(err as Error).message}`));
      }
    });
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Stops the worker at once, whatever it is doing (a timeout, a cancel, an idle worker retired). */
  kill(): void {
    this.alive = false;
    void this.worker.terminate();
  }

  whenDead(f: () => void): void {
    this.onDead.add(f);
  }

  private post(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  private settle(result: Error | { value: unknown }): void {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    this.worker.unref();
    if (result instanceof Error) c.reject(result);
    else c.resolve(result.value);
  }

  private receive(msg: FromWorker): void {
    const c = this.current;
    switch (msg.type) {
      case "ready":
        this.readyState.resolve();
        return;
      case "boot_failed":
        this.readyState.reject(new Error(`The step's worker could not load its actions: ${msg.error.message}`));
        this.settle(new Error(`The step's worker could not load its actions: ${msg.error.message}`));
        this.kill();
        return;
      case "log":
        c?.ctx.log(msg.level, msg.message, msg.data);
        return;
      case "progress":
        c?.ctx.progress(msg.fraction, msg.message);
        return;
      case "usage":
        c?.ctx.reportUsage?.(msg.usage);
        return;
      case "llm":
        if (c) this.callLlm(c.ctx, msg);
        return;
      case "done":
        this.settle(msg.ok ? { value: msg.value } : fromWire(msg.error));
        return;
    }
  }

  private callLlm(ctx: ActionContext, msg: Extract<FromWorker, { type: "llm" }>): void {
    const safePost = (m: ToWorker) => {
      if (!this.alive) return;
      try { this.post(m); } catch { /* the worker is gone */ }
    };
    if (!ctx.llm) {
      safePost({ type: "llm.done", callId: msg.callId, ok: false, error: toWire(new ActionError("llm_not_configured", "No LLM provider is configured.")) });
      return;
    }
    ctx.llm
      .complete({
        ...msg.request,
        jsonSchema: msg.request.jsonSchema as never,
        signal: ctx.signal,
        onDelta: msg.stream ? (text) => safePost({ type: "llm.delta", callId: msg.callId, text }) : undefined,
        onRetry: (info) => safePost({ type: "llm.retry", callId: msg.callId, info }),
      })
      .then(
        (value) => safePost({ type: "llm.done", callId: msg.callId, ok: true, value: cloneable(value) as { text: string } }),
        (err) => safePost({ type: "llm.done", callId: msg.callId, ok: false, error: toWire(err) }),
      );
  }
}
