/**
 * One step's execution, shared by the two ways Trellis runs steps: the run executor in the
 * server's process (run-executor.ts) and `trellis worker` processes fed by the queue
 * (queue/step-job.ts). Both decide what a step does from the same stored state (`prepareStep`),
 * run an attempt through the same action context, timeout and step boundary (`runAttempt`),
 * and turn what it threw into the same failure (`stepFailure`) and next move (`afterFailure`).
 */
import { approvalReasons, type Action, type ActionContext, type ApprovalReason, type DryRunPreview, type Failure, type RunEvent, type Step, type StepFields, type Usage, truncateText } from "../core";
import type { ArtifactStore } from "./artifact-store";
import { backoffDelay, hideServerPaths, StepTimeoutError, toFailure } from "./failure";
import { resolveStepInput } from "./resolve-inputs";
import { stepClock } from "./step-clock";
import type { RunOptions } from "./run-options";
import type { NewEvent } from "./run-store";
import { checkedInput, StepBoundaryError, storedOutput } from "./step-boundary";

const PROGRESS_INTERVAL_MS = 100;

export interface StepRetryPolicy {
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

/** What a step is to do now, from its definition, its stored state and the outputs before it. */
export type PreparedStep =
  | { kind: "fail"; failure: Failure }
  /** it waits for a person: `recorded` is the input they are shown, `reasons` why it waits */
  | { kind: "await_approval"; recorded: unknown; reasons: ApprovalReason[] }
  /** a dry run with outgoing calls to approve: the step is skipped, saying what it would have sent */
  | { kind: "dry_run_withheld"; action: Action; recorded: unknown; preview: Extract<DryRunPreview, { kind: "description" }> }
  /** a dry run previews it instead (see run-executor.ts previewStep) */
  | { kind: "preview"; action: Action; input: unknown; recorded: unknown; timeoutMs: number }
  | { kind: "run"; action: Action; input: unknown; recorded: unknown; timeoutMs: number; retry: StepRetryPolicy };

export interface PrepareStepArgs {
  def: Step;
  step: StepFields;
  action: Action | undefined;
  runInputs: Record<string, unknown>;
  outputs: ReadonlyMap<string, unknown>;
  artifacts: Pick<ArtifactStore, "materialize" | "externalize">;
  options: Pick<RunOptions, "dryRun" | "approveWrites" | "approveOutgoing">;
  runFolder: string;
}

export async function prepareStep(a: PrepareStepArgs): Promise<PreparedStep> {
  const { def, action } = a;
  if (!action) return { kind: "fail", failure: { code: "validation", message: `the action "${def.action}" is not registered`, retryable: false } };
  const resolved = await resolveStepInput(def, a.runInputs, a.outputs as Map<string, unknown>, a.artifacts as ArtifactStore);
  if (!resolved.ok) return { kind: "fail", failure: { code: "input_invalid", message: resolved.message, retryable: false } };
  /** what the step's events say it was given: large parts as artifact references */
  let recorded: unknown = resolved.recorded;
  const dryRun = a.options.dryRun;
  const reasons = approvalReasons(def, action, a.options, recorded);
  // A dry run never waits, and sends nothing a person asked to approve first: the step says what it would have sent.
  if (dryRun && reasons.includes("outgoing")) {
    return { kind: "dry_run_withheld", action, recorded, preview: { kind: "description", text: `would send data outside Trellis with ${action.id} (approve outgoing calls is on, so a dry run does not send it)` } };
  }
  const needsApproval = !dryRun && reasons.length > 0;
  if (needsApproval) {
    if (!a.step.approval) {
      const problem = await checkedInput(action, recorded, a.artifacts).then(() => null, (err: unknown) => stepFailure(err, a.runFolder));
      return problem ? { kind: "fail", failure: problem } : { kind: "await_approval", recorded, reasons };
    }
    // An edited input may keep parts of the resolved one as they were shown: large ones as references.
    if (a.step.approval.input !== undefined) recorded = a.step.approval.input;
  }
  // A step worker reads back and checks the input of the actions it runs (`storedForm`) itself.
  let input = recorded;
  if (!action.storedForm) {
    try {
      input = await checkedInput(action, recorded, a.artifacts);
    } catch (err) {
      return { kind: "fail", failure: stepFailure(err, a.runFolder) };
    }
  }
  const timeoutMs = def.timeoutMs ?? action.spec.timeoutMs;
  // A dry run runs what only reads (pure and read steps) and asks a write, or a read that
  // declares one, for a preview of its effect instead.
  if (dryRun && (action.preview || action.effect === "write")) return { kind: "preview", action, input, recorded, timeoutMs };
  const retry = {
    maxAttempts: def.retry?.maxAttempts ?? action.spec.retry.maxAttempts,
    backoffMs: def.retry?.backoffMs ?? action.spec.retry.backoffMs ?? 500,
    maxBackoffMs: def.retry?.maxBackoffMs ?? action.spec.retry.maxBackoffMs ?? 30_000,
  };
  return { kind: "run", action, input, recorded, timeoutMs, retry };
}

/** Who runs the attempt (the action context's own fields), and where its log and progress events go. */
export interface AttemptContext extends Pick<ActionContext, "runId" | "stepId" | "attempt" | "idempotencyKey" | "workspaceDir" | "llm"> {
  timeoutMs: number;
  /** queues the step's log and progress events */
  fire(events: NewEvent[]): void;
}

/**
 * Runs the action once with the step's context, its timeout and the abort of `ac`. Resolves
 * with what the action returned; rejects with what it threw, or with the abort's reason.
 */
export function attemptAction(action: Action, input: unknown, c: AttemptContext, ac: AbortController, usage: Usage, mode: "run" | "preview" = "run"): Promise<unknown> {
  let lastProgress = 0;
  const ctx: ActionContext = {
    signal: ac.signal,
    timeoutMs: c.timeoutMs,
    log: (level, message, data) => {
      c.fire([{ type: "step.log", stepId: c.stepId, data: { level, message: truncateText(String(message), 4000), data: jsonSafe(data) } }]);
    },
    progress: (fraction, message) => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS && fraction < 1) return;
      lastProgress = now;
      c.fire([{ type: "step.progress", stepId: c.stepId, data: { fraction: Math.max(0, Math.min(1, fraction)), message } }]);
    },
    runId: c.runId,
    stepId: c.stepId,
    attempt: c.attempt,
    idempotencyKey: c.idempotencyKey,
    workspaceDir: c.workspaceDir,
    llm: c.llm,
    reportUsage: (u) => { usage.promptTokens += u.promptTokens; usage.completionTokens += u.completionTokens; },
  };
  const clock = stepClock(c.timeoutMs, () => ac.abort(new StepTimeoutError(c.timeoutMs)));
  ctx.holdClock = clock.hold;
  return new Promise<unknown>((resolve, reject) => {
    const onAbort = () => reject(ac.signal.reason);
    if (ac.signal.aborted) { clock.stop(); reject(ac.signal.reason); return; }
    ac.signal.addEventListener("abort", onAbort, { once: true });
    Promise.resolve()
      .then(() => (mode === "preview" ? action.preview!(input, ctx) : action.run(input, ctx)))
      .then(resolve, reject)
      .finally(() => { clock.stop(); ac.signal.removeEventListener("abort", onAbort); });
  });
}

/** How one attempt of a `run` step ended. */
export type AttemptOutcome =
  | { kind: "succeeded"; event: Extract<NewEvent, { type: "step.succeeded" }> }
  | { kind: "threw"; failure: Failure };

/** One attempt of a prepared step, its output through the step boundary: the event of its success, or its failure. */
export async function runAttempt(prepared: Extract<PreparedStep, { kind: "run" }>, c: AttemptContext, ac: AbortController, artifacts: Pick<ArtifactStore, "materialize" | "externalize">): Promise<AttemptOutcome> {
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  const t0 = performance.now();
  try {
    const raw = await attemptAction(prepared.action, prepared.input, c, ac, usage);
    const output = prepared.action.storedForm ? raw : await storedOutput(prepared.action, raw, artifacts);
    const used = usage.promptTokens || usage.completionTokens ? { usage: { ...usage } } : {};
    return { kind: "succeeded", event: { type: "step.succeeded", stepId: c.stepId, data: { attempt: c.attempt, output, ...used, ms: Math.round(performance.now() - t0) } } };
  } catch (err) {
    return { kind: "threw", failure: stepFailure(err, c.workspaceDir, ac) };
  }
}

/** What a failed attempt leads to: the step is cancelled, retried after `delayMs`, or fails. */
export function afterFailure(failure: Failure, attempt: number, retry: StepRetryPolicy, o: { stopping: boolean; aborted: boolean }): { next: "cancelled" } | { next: "retry"; delayMs: number } | { next: "fail" } {
  if (failure.code === "cancelled" || (o.stopping && o.aborted)) return { next: "cancelled" };
  if (failure.retryable && attempt < retry.maxAttempts && !o.stopping) return { next: "retry", delayMs: backoffDelay(attempt, retry.backoffMs, retry.maxBackoffMs, failure) };
  return { next: "fail" };
}

/** A step's failure as stored: a step that goes on after an error (`onError: continue`) with a fallback has it as its output. */
export function stepFailedEvent(def: Step, attempts: number, failure: Failure): Extract<NewEvent, { type: "step.failed" }> {
  const useFallback = def.onError === "continue" && def.fallback !== undefined;
  return { type: "step.failed", stepId: def.id, data: { attempt: attempts, failure, ...(useFallback ? { usedFallback: true, output: def.fallback } : {}) } };
}

/** What an attempt's error means for the step: the abort's own reason when the attempt was stopped. */
export function stepFailure(err: unknown, runFolder: string, ac?: AbortController): Failure {
  if (err instanceof StepBoundaryError) return { code: err.code, message: hideServerPaths(err.message, runFolder), retryable: false };
  return toFailure(ac?.signal.aborted && ac.signal.reason instanceof Error ? ac.signal.reason : err, { runFolder });
}

function jsonSafe(v: unknown): unknown {
  if (v === undefined) return undefined;
  try { return JSON.parse(JSON.stringify(v)); } catch { return String(v); }
}

export type { RunEvent };
