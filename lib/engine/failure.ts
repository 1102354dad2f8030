/** Turns whatever a step threw into a Failure: typed data that is stored and streamed. */
import { ActionError, type Failure } from "../core";

export class StepTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`the step did not finish within ${ms} ms`);
    this.name = "StepTimeoutError";
  }
}

/** Why a step's signal aborts when its engine stops (a close, a lost claim, a storage failure): the run is not cancelled, it resumes. */
export const ENGINE_STOPPED = "the engine stopped";

export class StepCancelledError extends Error {
  constructor(reason = "the run was cancelled") {
    super(reason);
    this.name = "StepCancelledError";
  }
}

/**
 * Turns what a step threw into a Failure. With `runFolder`, the server's own paths never reach
 * the person: a path inside the run's folder reads relative to it (as the plan wrote it), and
 * any other absolute path is cut to its last part.
 */
export function toFailure(err: unknown, where: { runFolder?: string } = {}): Failure {
  const hide = (text: string) => (where.runFolder ? hideServerPaths(text, where.runFolder) : text);
  if (err instanceof StepTimeoutError) return { code: "timeout", message: err.message, retryable: true };
  if (err instanceof StepCancelledError) return { code: "cancelled", message: err.message, retryable: false };
  if (err instanceof ActionError) {
    const wait = err.retryable && err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {};
    return { code: "action_error", message: hide(err.message), retryable: err.retryable, actionCode: err.code, details: safeDetails(err.details, hide), ...wait };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: "action_error", message: hide(message) || "the action failed without a message", retryable: false };
}

/** Details must survive JSON; anything else is described instead. */
function safeDetails(details: unknown, hide: (text: string) => string): unknown {
  if (details === undefined) return undefined;
  try {
    return JSON.parse(hide(JSON.stringify(details)));
  } catch {
    return hide(String(details));
  }
}

/** An absolute path: a slash at the start or after a space, quote, bracket, `=` or `:` (not `://`), then names. */
const ABSOLUTE_PATH = /(?<=^|[\s'"`(\[=:,])(?:\/[\w.@+~-]+)+\/?/g;

/** `text` with the server's paths hidden (see toFailure). */
export function hideServerPaths(text: string, runFolder: string): string {
  const folder = runFolder.replace(/\/+$/, "");
  return text
    .split(`${folder}/`).join("")
    .split(folder).join(".")
    .replace(ABSOLUTE_PATH, (p) => `…/${p.replace(/\/+$/, "").split("/").pop()}`);
}

/**
 * The wait before the next attempt: the action's own (a Retry-After it captured: the server
 * named the time, so no jitter), else exponential backoff with jitter; never more than `maxMs`
 * (a step's `retry.maxBackoffMs` raises it).
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, failure?: Pick<Failure, "retryAfterMs">, random = Math.random): number {
  if (failure?.retryAfterMs !== undefined) return Math.min(maxMs, failure.retryAfterMs);
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  // Equal jitter: half fixed, half random, so retries of many steps spread out.
  return Math.round(exp / 2 + (random() * exp) / 2);
}
