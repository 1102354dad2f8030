/**
 * One step job on a worker: claim the attempt in PostgreSQL, run it through the shared step code
 * (step-run.ts), commit its result, and hand out what became ready (queue-runs.ts).
 *
 * The claim reads the step as stored, under the run's lock:
 * - waiting for this attempt (pending, approved, or retrying after the attempt before): it starts,
 *   unless its gate (step-gate.ts, asked before a first attempt as the run executor asks it at
 *   launch) says otherwise: a false condition (`when`), or a merge (`firstOf`) none of whose
 *   branches produced a value, skips it; a condition that cannot be evaluated fails it;
 * - running this attempt already: the worker that ran it stopped (BullMQ found its job stalled
 *   and gave it to this worker): it runs again, with the same idempotency key; unless workers
 *   stopped QUARANTINE_AFTER_CRASHES times while it ran (each start of the attempt is a
 *   `step.started` event): then it crashes or hangs them, and the step fails, quarantined, as
 *   the in-process engine fails it (quarantine.ts), and so does its run (advance.ts);
 * - anything else (it ended, was cancelled, or another attempt is under way): nothing runs.
 * A result is committed only if the step is still running this attempt: a step cancelled
 * meanwhile keeps its cancellation.
 *
 * A for-each step is one job too: the claim reads its list and starts it, and the job runs its
 * items (for-each-job.ts); a job run again on another worker runs only the items not yet ended.
 */
import { ActionLookup, conditionReadsItem, isItemEvent, type ItemEvent, type LlmClient, type RunEvent, type Step } from "../../core";
import { ArtifactStore } from "../artifact-store";
import { StepCancelledError } from "../failure";
import { applyInputDefaults } from "../resolve-inputs";
import type { LoadedRun, LockedReads, NewEvent } from "../run-store";
import { dependenciesMet, rootOf, SkipFacts, type StepView } from "../branches";
import { planShape } from "../plan-shape";
import { gateStep } from "../step-gate";
import { failingAsWhole, gatedAsWhole, startForEach } from "../for-each";
import { QUARANTINE_AFTER_CRASHES, quarantineFailures } from "../quarantine";
import { afterFailure, prepareStep, runAttempt, stepFailedEvent, type PreparedStep } from "../step-run";
import { stateAfter } from "./advance";
import type { Decided, QueueRuns } from "./queue-runs";
import type { StepJobData } from "./step-queue";
import { runForEachJob, type ForEachJob } from "./for-each-job";

export type JobOutcome = "ran" | "skipped" | "deferred";

export interface StepJobRunnerOptions {
  runs: QueueRuns;
  /** appends events without moving the run on (a step's log lines) */
  appendOnly(runId: string, events: NewEvent[]): Promise<RunEvent[]>;
  /** a run's stored events, a page at a time */
  events(runId: string, afterSeq?: number, limit?: number): Promise<RunEvent[]>;
  registry: ActionLookup;
  llm?: LlmClient;
  runConcurrency: number;
  workspaceFor(runId: string): string;
  log(level: "info" | "warn" | "error", message: string): void;
}

type Claim = { kind: "skip"; why: string } | { kind: "defer" } | { kind: "run"; prepared: Extract<PreparedStep, { kind: "run" }>; idempotencyKey: string } | { kind: "forEach"; job: ForEachJob };

export class StepJobRunner {
  /** the attempts running here, by run, to stop when their run is cancelled */
  private readonly running = new Map<string, Map<string, AbortController>>();
  /** per run: log lines waiting to be written, and the write in progress */
  private readonly logs = new Map<string, { pending: NewEvent[]; writing: Promise<void> }>();

  constructor(private readonly o: StepJobRunnerOptions) {}

  /** Stops this worker's attempts of the run (its cancellation or its failure is stored). */
  stopRun(runId: string, reason: string): void {
    for (const ac of this.running.get(runId)?.values() ?? []) ac.abort(new StepCancelledError(reason));
  }

  runningSteps(): number {
    let n = 0;
    for (const m of this.running.values()) n += m.size;
    return n;
  }

  async process(job: StepJobData): Promise<JobOutcome> {
    const { runId, stepId, attempt } = job;
    const runFolder = this.o.workspaceFor(runId);
    const artifacts = new ArtifactStore(runFolder);
    const claimed = await this.o.runs.change<Claim>(runId, (loaded, reads) => this.claim(loaded, reads, job, artifacts));
    if (!claimed) return "skipped";
    const claim = claimed.result;
    if (claim.kind === "defer") return "deferred";
    if (claim.kind === "skip") return "skipped";

    const ac = new AbortController();
    const mine = this.running.get(runId) ?? new Map<string, AbortController>();
    this.running.set(runId, mine);
    mine.set(stepId, ac);
    if (claim.kind === "forEach") {
      try {
        await runForEachJob({
          runs: this.o.runs,
          llm: this.o.llm,
          workspaceFor: this.o.workspaceFor,
          itemEvents: (id, step) => this.eventsWhere(id, (e): e is ItemEvent => e.stepId === step && isItemEvent(e)),
          write: (events) => this.logLines(runId, events),
          written: async () => { await this.logs.get(runId)?.writing; },
        }, claim.job, ac.signal);
      } finally {
        mine.delete(stepId);
        if (!mine.size) this.running.delete(runId);
      }
      return "ran";
    }
    let outcome;
    try {
      outcome = await runAttempt(claim.prepared, { runId, stepId, attempt, idempotencyKey: claim.idempotencyKey, workspaceDir: runFolder, llm: this.o.llm, timeoutMs: claim.prepared.timeoutMs, fire: (events) => this.logLines(runId, events) }, ac, artifacts);
    } finally {
      mine.delete(stepId);
      if (!mine.size) this.running.delete(runId);
    }
    await this.logs.get(runId)?.writing;
    const result = outcome;
    await this.o.runs.change(runId, async (loaded) => {
      const s = loaded.steps.find((x) => x.stepId === stepId);
      if (!s || s.status !== "running" || s.attempts !== attempt || loaded.run.status === "cancelled") return { events: [], result: undefined };
      if (result.kind === "succeeded") return { events: [result.event], result: undefined };
      const def = loaded.plan.steps.find((d) => d.id === stepId)!;
      const next = afterFailure(result.failure, attempt, claim.prepared.retry, { stopping: false, aborted: ac.signal.aborted });
      if (next.next === "cancelled") return { events: [{ type: "step.cancelled", stepId, data: { reason: result.failure.message } }], result: undefined };
      if (next.next === "retry") {
        return {
          events: [{ type: "step.retrying", stepId, data: { attempt, delayMs: next.delayMs, failure: result.failure } }],
          // The next attempt is a delayed job.
          jobs: [{ runId, stepId, attempt: attempt + 1, delayMs: next.delayMs }],
          result: undefined,
        };
      }
      return { events: [stepFailedEvent(def, attempt, result.failure)], result: undefined };
    });
    return "ran";
  }

  private async claim(loaded: LoadedRun, reads: LockedReads, job: StepJobData, artifacts: ArtifactStore): Promise<Decided<Claim>> {
    const { stepId, attempt } = job;
    const skip = (why: string) => ({ events: [], result: { kind: "skip" as const, why } });
    if (["succeeded", "failed", "cancelled"].includes(loaded.run.status)) return skip(`the run has ${loaded.run.status}`);
    const s = loaded.steps.find((x) => x.stepId === stepId);
    const def = loaded.plan.steps.find((d) => d.id === stepId);
    if (!s || !def) return skip("the run has no such step");
    const waiting = (s.status === "pending" || s.status === "queued" || s.status === "retrying") && s.attempts === attempt - 1;
    const caughtRunning = s.status === "running" && s.attempts === attempt;
    if (!waiting && !caughtRunning) return skip(`the step is ${s.status} (attempt ${s.attempts})`);
    const state = stateAfter(loaded, []);
    const outputs = new Map<string, unknown>();
    for (const [id, st] of Object.entries(state.steps)) {
      if (st.status === "succeeded" || ((st.status === "failed" || st.status === "skipped") && st.output !== undefined && st.output !== null)) outputs.set(id, st.output);
    }
    const shape = planShape(loaded.plan);
    const view: StepView = { shape, status: (id) => state.steps[id]?.status, hasOutput: (id) => outputs.has(id) };
    if (!dependenciesMet(view, stepId)) return skip("its dependencies have not all ended as it needs");
    if (waiting) {
      // Per-run concurrency across workers: the steps running (or waiting to retry) anywhere.
      const busy = loaded.steps.filter((x) => x.stepId !== stepId && (x.status === "running" || x.status === "retrying")).length;
      if (busy >= (loaded.run.options.concurrency ?? this.o.runConcurrency)) return { events: [], result: { kind: "defer" } };
    }
    const runInputs = applyInputDefaults(loaded.plan, loaded.run.inputs).inputs;
    // What skipped a merge's branches is in the stored skips, read when asked.
    let facts: Promise<SkipFacts> | undefined;
    const skipFacts = () => (facts ??= reads.eventsOfType("step.skipped").then((e) => SkipFacts.of(e)));
    // a for-each step's condition that reads its item is asked of each item (for-each.ts)
    const whole = gatedAsWhole(def);
    if ((s.status === "pending" || s.status === "queued") && (whole.when || shape.mergeOnly.get(stepId)!.size)) {
      // Its condition and merges, asked as the run executor asks them when it launches a step (step-gate.ts).
      const gate = await gateStep(whole, runInputs, outputs, artifacts, async (id) => rootOf(view, await skipFacts(), id, loaded.plan.steps.length));
      if (gate.kind === "skip") return { events: [{ type: "step.skipped", stepId, data: gate.data }], result: { kind: "skip", why: gate.data.reason } };
      if (gate.kind === "fail") return { events: [stepFailedEvent(def, s.attempts, gate.failure)], result: { kind: "skip", why: gate.failure.message } };
    }
    if (def.forEach) {
      const start = await startForEach({ runInputs: () => runInputs, outputs, artifacts }, def, this.o.registry.get(def.action));
      if (start.kind === "fail") return { events: [stepFailedEvent(failingAsWhole(def), s.attempts, start.failure)], result: { kind: "skip", why: "it failed before it ran" } };
      const quarantined = caughtRunning && (await this.quarantined(loaded.run.id, failingAsWhole(def), attempt));
      if (quarantined) return quarantined;
      // Read now, under the lock: what skipped the steps an item's condition reads.
      const itemFacts = conditionReadsItem(def.when) ? await skipFacts() : undefined;
      const job: ForEachJob = {
        run: loaded.run, def, attempt, idempotencyKey: s.idempotencyKey, action: start.action, items: start.items, runInputs, outputs,
        rootOf: (id) => rootOf(view, itemFacts ?? new SkipFacts(), id, loaded.plan.steps.length),
        limit: loaded.run.options.concurrency ?? this.o.runConcurrency,
      };
      return { events: [{ type: "step.started", stepId, data: { attempt, input: start.recorded, items: start.items.length } }], settled: true, result: { kind: "forEach", job } };
    }
    const prepared = await prepareStep({ def, step: state.steps[stepId], action: this.o.registry.get(def.action), runInputs, outputs, artifacts, options: loaded.run.options, runFolder: this.o.workspaceFor(loaded.run.id) });
    if (prepared.kind === "fail") return { events: [stepFailedEvent(def, s.attempts, prepared.failure)], result: { kind: "skip", why: "it failed before it ran" } };
    if (prepared.kind === "await_approval") return { events: [{ type: "step.awaiting_approval", stepId, data: { input: prepared.recorded, reasons: prepared.reasons } }], result: { kind: "skip", why: "it waits for approval" } };
    if (prepared.kind === "preview" || prepared.kind === "dry_run_withheld") {
      const failure = { code: "internal" as const, message: "dry runs run in the web server, not on queue workers", retryable: false };
      return { events: [stepFailedEvent(def, s.attempts, failure)], result: { kind: "skip", why: failure.message } };
    }
    const quarantined = caughtRunning && (await this.quarantined(loaded.run.id, def, attempt));
    if (quarantined) return quarantined;
    // A step's start makes nothing else ready and cannot end the run: no scheduling step.
    return { events: [{ type: "step.started", stepId, data: { attempt, input: prepared.recorded } }], settled: true, result: { kind: "run", prepared, idempotencyKey: s.idempotencyKey } };
  }

  /**
   * The attempt was running on a worker that stopped: it runs again here, unless every start of
   * it so far (a `step.started` event each) ended with its worker stopping, as many times as
   * quarantine allows: then the step fails, quarantined.
   */
  private async quarantined(runId: string, def: Step, attempt: number): Promise<Decided<Claim> | null> {
    const crashes = (await this.eventsWhere(runId, (e) => e.type === "step.started" && e.stepId === def.id && e.data.attempt === attempt)).length;
    if (crashes >= QUARANTINE_AFTER_CRASHES) {
      const failure = quarantineFailures({ steps: [def.id], crashes }).step;
      this.o.log("warn", `run ${runId}: step ${def.id} attempt ${attempt} was running on ${crashes} workers that stopped; it is quarantined`);
      return { events: [stepFailedEvent(def, attempt, failure)], result: { kind: "skip", why: "it is quarantined" } };
    }
    this.o.log("info", `run ${runId}: step ${def.id} attempt ${attempt} was running on a worker that stopped; it runs again here`);
    return null;
  }

  /** The run's stored events that `match` accepts, in order, read a page at a time. */
  private async eventsWhere<T extends RunEvent = RunEvent>(runId: string, match: ((e: RunEvent) => e is T) | ((e: RunEvent) => boolean)): Promise<T[]> {
    const PAGE = 5_000;
    const found: T[] = [];
    for (let after = 0; ;) {
      const page = await this.o.events(runId, after, PAGE);
      for (const e of page) if (match(e)) found.push(e as T);
      if (page.length < PAGE) return found;
      after = page[page.length - 1].seq;
    }
  }

  /** A step's log lines and progress, written in order, a batch at a time, without waiting for them. */
  private logLines(runId: string, events: NewEvent[]): void {
    let q = this.logs.get(runId);
    if (!q) { q = { pending: [], writing: Promise.resolve() }; this.logs.set(runId, q); }
    q.pending.push(...events);
    const entry = q;
    q.writing = q.writing.then(async () => {
      const batch = entry.pending.splice(0);
      if (!batch.length) return;
      await this.o.appendOnly(runId, batch);
    }).catch((err) => this.o.log("warn", `run ${runId}: log lines could not be stored: ${(err as Error).message}`)).finally(() => {
      if (this.logs.get(runId) === entry && !entry.pending.length) this.logs.delete(runId);
    });
  }
}
