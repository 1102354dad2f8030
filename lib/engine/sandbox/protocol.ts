/**
 * The messages between the engine and a step worker. A worker runs one step at a time; the
 * engine stops a step by terminating its worker, so nothing here asks a worker to stop.
 */
import { ActionError, type LogLevel, type TokenUsage } from "../../core";
import { StepBoundaryError } from "../step-boundary";

/** What a worker is started with (its workerData). */
export interface WorkerBoot {
  /** absolute path of the module that builds the actions */
  actionsModule: string;
  /** the name of its export: a function from `options` to Action[] */
  exportName: string;
  options: unknown;
}

export interface TaskContext {
  timeoutMs?: number;
  runId: string;
  stepId: string;
  attempt: number;
  idempotencyKey: string;
  workspaceDir: string;
  /** the provider's model when an LLM is configured: the worker's ctx.llm asks the engine */
  llmModel?: string;
}

export type ToWorker =
  | { type: "run"; actionId: string; input: unknown; ctx: TaskContext }
  | { type: "undo"; actionId: string; input: unknown; output: unknown; ctx: TaskContext }
  | { type: "preview"; actionId: string; input: unknown; ctx: TaskContext }
  | { type: "llm.delta"; callId: number; text: string }
  | { type: "llm.retry"; callId: number; info: { retry: number; delayMs: number; reason: string } }
  | { type: "llm.done"; callId: number; ok: true; value: { text: string; usage?: TokenUsage; mode?: string } }
  | { type: "llm.done"; callId: number; ok: false; error: WireError };

export interface LlmRequestWire {
  system?: string;
  prompt: string;
  jsonSchema?: { name: string; schema: unknown };
}

export type FromWorker =
  | { type: "ready" }
  | { type: "boot_failed"; error: WireError }
  | { type: "log"; level: LogLevel; message: string; data?: unknown }
  | { type: "progress"; fraction: number; message?: string }
  | { type: "usage"; usage: TokenUsage }
  | { type: "llm"; callId: number; request: LlmRequestWire; stream: boolean }
  | { type: "done"; ok: true; value: unknown }
  | { type: "done"; ok: false; error: WireError };

/** An error as it crosses the thread boundary; an ActionError keeps its code, retryability and extra fields. */
export interface WireError {
  name: string;
  message: string;
  action?: { code: string; retryable: boolean; details?: unknown; extra?: Record<string, unknown> };
  /** a step's input or output that did not fit or could not be stored (step-boundary.ts) */
  boundary?: StepBoundaryError["code"];
}

export function toWire(err: unknown): WireError {
  if (err instanceof ActionError || (err instanceof Error && err.name === "ActionError" && "code" in err)) {
    const { code, retryable, details, ...rest } = err as ActionError & Record<string, unknown>;
    const extra = Object.fromEntries(Object.entries(rest).filter(([k, v]) => k !== "name" && k !== "cause" && typeof v !== "function"));
    return { name: "ActionError", message: err.message, action: { code, retryable, details: cloneable(details), ...(Object.keys(extra).length ? { extra: cloneable(extra) as Record<string, unknown> } : {}) } };
  }
  if (err instanceof StepBoundaryError) return { name: err.name, message: err.message, boundary: err.code };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: "Error", message: String(err) };
}

export function fromWire(wire: WireError): Error {
  if (wire.boundary) return new StepBoundaryError(wire.boundary, wire.message);
  if (wire.action) {
    const err = new ActionError(wire.action.code, wire.message, { retryable: wire.action.retryable, details: wire.action.details });
    return Object.assign(err, wire.action.extra ?? {});
  }
  const err = new Error(wire.message);
  err.name = wire.name;
  return err;
}

/** A value that survives postMessage: JSON-shaped, or described when it is not. */
export function cloneable(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return structuredClone(value);
  } catch {
    try {
      return JSON.parse(JSON.stringify(value));
    } catch {
      return String(value);
    }
  }
}
