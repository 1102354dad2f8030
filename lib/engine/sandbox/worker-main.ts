/**
 * Inside a step worker: builds the isolated actions once, then runs one step at a time for the
 * engine, sending its logs, progress, token usage and result back. Its ctx.llm forwards calls to
 * the engine, which holds the provider.
 */
import { pathToFileURL } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import type { Action, ActionContext, LlmClient } from "../../core";
import { ArtifactStore } from "../artifact-store";
import { checkedInput, storedOutput } from "../step-boundary";
import { cloneable, fromWire, toWire, type FromWorker, type TaskContext, type ToWorker, type WorkerBoot } from "./protocol";

const port = parentPort!;
const boot = workerData as WorkerBoot;
const send = (msg: FromWorker) => port.postMessage(msg);

type LlmCall = { resolve(v: { text: string }): void; reject(e: Error): void; onDelta?(t: string): void; onRetry?(i: { retry: number; delayMs: number; reason: string }): void };
const llmCalls = new Map<number, LlmCall>();
let nextCall = 1;

function llmProxy(model: string): LlmClient {
  return {
    model,
    complete(request) {
      const callId = nextCall++;
      return new Promise((resolve, reject) => {
        llmCalls.set(callId, { resolve, reject, onDelta: request.onDelta, onRetry: request.onRetry });
        send({ type: "llm", callId, stream: Boolean(request.onDelta), request: { system: request.system, prompt: request.prompt, jsonSchema: request.jsonSchema } });
      }) as ReturnType<LlmClient["complete"]>;
    },
  };
}

function contextFor(t: TaskContext): ActionContext {
  return {
    // The engine stops a step by terminating this worker; nothing here is ever aborted.
    signal: new AbortController().signal,
    timeoutMs: t.timeoutMs,
    log: (level, message, data) => send({ type: "log", level, message: String(message), data: cloneable(data) }),
    progress: (fraction, message) => send({ type: "progress", fraction, message }),
    runId: t.runId,
    stepId: t.stepId,
    attempt: t.attempt,
    idempotencyKey: t.idempotencyKey,
    workspaceDir: t.workspaceDir,
    llm: t.llmModel ? llmProxy(t.llmModel) : undefined,
    reportUsage: (usage) => send({ type: "usage", usage }),
  };
}

async function perform(actions: Map<string, Action>, msg: Extract<ToWorker, { type: "run" | "undo" | "preview" }>): Promise<void> {
  try {
    const action = actions.get(msg.actionId);
    if (!action) throw new Error(`the step worker has no action "${msg.actionId}"`);
    const ctx = contextFor(msg.ctx);
    const value = msg.type === "undo" ? await action.undo?.(msg.input, msg.output, ctx) : await runAtBoundary(action, msg, ctx);
    try {
      send({ type: "done", ok: true, value });
    } catch (err) {
      send({ type: "done", ok: false, error: { name: "Error", message: `The action's output cannot be passed on: ${(err as Error).message}` } });
    }
  } catch (err) {
    send({ type: "done", ok: false, error: toWire(err) });
  }
}

/** A run or a preview the way the engine would do it in its thread: input read back and checked, answer stored. */
async function runAtBoundary(action: Action, msg: Extract<ToWorker, { type: "run" | "preview" }>, ctx: ActionContext): Promise<unknown> {
  const store = new ArtifactStore(msg.ctx.workspaceDir);
  const input = await checkedInput(action, msg.input, store);
  if (msg.type === "run") return storedOutput(action, await action.run(input, ctx), store);
  const preview = await action.preview?.(input, ctx);
  if (preview?.output === undefined) return preview;
  return { ...preview, output: await storedOutput(action, preview.output, store, "The output the step would have is not valid: ") };
}

async function main(): Promise<void> {
  let actions: Map<string, Action>;
  try {
    const mod = (await import(pathToFileURL(boot.actionsModule).href)) as Record<string, (options: unknown) => Action[]>;
    actions = new Map(mod[boot.exportName](boot.options).map((a) => [a.id, a]));
  } catch (err) {
    send({ type: "boot_failed", error: toWire(err) });
    return;
  }
  port.on("message", (msg: ToWorker) => {
    switch (msg.type) {
      case "run":
      case "undo":
      case "preview":
        void perform(actions, msg);
        return;
      case "llm.delta":
        llmCalls.get(msg.callId)?.onDelta?.(msg.text);
        return;
      case "llm.retry":
        llmCalls.get(msg.callId)?.onRetry?.(msg.info);
        return;
      case "llm.done": {
        const call = llmCalls.get(msg.callId);
        llmCalls.delete(msg.callId);
        if (msg.ok) call?.resolve(msg.value);
        else call?.reject(fromWire(msg.error));
        return;
      }
    }
  });
  send({ type: "ready" });
}

void main();
