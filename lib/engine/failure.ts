/** Turns whatever a step threw into a Failure: typed data that is stored and streamed. */
import { ActionError, type Failure } from "../core";

export class StepTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`the step did not finish within ${ms} ms`);
    this.name = "StepTimeoutError";
  }
}

export class StepCancelledError extends Error {
  constructor(reason = "the run was cancelled") {
    super(reason);
    this.name = "StepCancelledError";
  }
}

export function toFailure(err: unknown): Failure {
  if (err instanceof StepTimeoutError) return { code: "timeout", message: err.message, retryable: true };
  if (err instanceof StepCancelledError) return { code: "cancelled", message: err.message, retryable: false };
  if (err instanceof ActionError) {
    return { code: "action_error", message: err.message, retryable: err.retryable, actionCode: err.code, details: safeDetails(err.details) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: "action_error", message: message || "the action failed without a message", retryable: false };
}

/** Details must survive JSON; anything else is described instead. */
function safeDetails(details: unknown): unknown {
  if (details === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(details));
  } catch {
    return String(details);
  }
}

export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  // Equal jitter: half fixed, half random, so retries of many steps spread out.
  return Math.round(exp / 2 + (random() * exp) / 2);
}
