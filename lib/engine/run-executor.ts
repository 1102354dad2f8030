/**
 * Runs one run: schedules ready steps in parallel, executes attempts with timeouts and
 * retries, waits durably for approvals, and records every state change as an event. Its
 * own state is the fold of those events (lib/core run-state.ts), as the stored rows are.
 * A completed step is never run again: on resume, its stored output is reused.
 */
import { describePreview, DryRunPreview, foldRunEvent, toStorable, type Action, type Failure, type Plan, type RunEvent, type RunState, type Step, type StepFields, type StepStatus, type Usage } from "../core";
import { applyInputDefaults, resolveRunOutputs } from "./resolve-inputs";
import { ArtifactStore } from "./artifact-store";
import { ENGINE_STOPPED, StepCancelledError } from "./failure";
import { StepBoundaryError, storedOutput, zodMessage } from "./step-boundary";
import { afterFailure, attemptAction, prepareStep, runAttempt, stepFailedEvent, stepFailure, type AttemptContext } from "./step-run";
import { runStateOfRecords, stampEvent, type ApprovalDecision, type LoadedRun, type NewEvent, type RunRecord } from "./run-store";
import type { EngineContext } from "./engine-context";
import type { QueuedEvents } from "./committer";
import { quarantinedSteps, quarantineFailures } from "./quarantine";
import { IndexHeap, SweepQueue } from "./step-queues";
import { gateStep } from "./step-gate";
import { checkRunResult } from "./check-result";
import { stepsToUndo, undoStep } from "./rollback";
import { gatedAsWhole, runForEach, type ForEachHost } from "./for-each";
import type { ReplanOutcome } from "./replan";
import { planShape, type PlanShape } from "./plan-shape";
import { blockedBy, blockedSkipData, dependencyMet, rootOf, SkipFacts, TERMINAL, type StepView } from "./branches";

export class RunExecutor {
  readonly runId: string;
  private readonly plan: Plan;
  /** what the run's events do not say: its inputs and options */
  private readonly run: RunRecord;
  /** the fold of the run's events, stored and queued */
  private readonly state: RunState;
  private readonly keys = new Map<string, string>();
  private readonly stepDefs: PlanShape["defs"];
  private readonly deps: PlanShape["deps"];
  /** dependencies a step reads only as a branch of a merge (firstOf): it waits for them to end, with or without an output */
  private readonly mergeOnly: PlanShape["mergeOnly"];
  /** steps skipped by a condition, their own or one upstream (see step-gate.ts), and the cause each skip named */
  private readonly facts: SkipFacts;
  /** the run's steps as branches.ts reads them */
  private readonly view: StepView;
  /**
   * The ready queue. Each step counts its dependencies that have no output yet; a step that
   * ends passes that on to its dependents once, so what a finished step costs is its own
   * dependents, never a walk of the plan.
   */
  private readonly index: PlanShape["index"];
  private readonly dependents: PlanShape["dependents"];
  private readonly unmet = new Map<string, number>();
  /** steps whose end (with an output or without) their dependents have been told of */
  private readonly passedOn = new Set<string>();
  /** steps to look at again (their own status or a dependency's changed), in plan order */
  private readonly candidates = new SweepQueue();
  /** pending or approved steps whose dependencies are all satisfied, launched in plan order */
  private readonly ready = new IndexHeap();
  private readonly outputs = new Map<string, unknown>();
  private readonly running = new Map<string, AbortController>();
  private readonly launched = new Set<string>();
  /** succeeded steps in completion order, for rollback (reused ones are not this run's to undo) */
  private readonly completed: string[] = [];
  /** `runFailure`: the run's failure as it is to be said, whatever its steps' failures were */
  private stopping: { kind: "cancel" | "fail"; reason: string; failure?: Failure; runFailure?: Failure } | null = null;
  private finished = false;
  /** a step failed for good and the run re-plans (replan.ts) once the steps running now end */
  private replanning: { stepId: string; failure: Failure; asked?: { resolve(): void; reject(err: Error): void } } | null = null;
  /** set when the run goes on with a new plan version: the engine starts the next executor */
  private continues = false;
  /** set when this process gives the run up: nothing more is written for it here */
  private abandoned = false;
  private pumping = false;
  private repump = false;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;
  private readonly limit: number;
  /** steps a dry run previewed without an output (a write that cannot say what it would return) */
  private readonly previewedOnly = new Set<string>();
  /** the run's folder (made when the executor is) */
  private readonly workspace: string;
  /** where outputs too large for the database are kept; `outputs` holds their references */
  private readonly artifacts: ArtifactStore;

  /** `skips`: the run's stored `step.skipped` events (what a run going on from its stored state knows of its skips) */
  constructor(private readonly ctx: EngineContext, loaded: LoadedRun, skips: readonly RunEvent[] = []) {
    this.runId = loaded.run.id;
    this.plan = loaded.plan;
    this.run = loaded.run;
    this.state = runStateOfRecords(loaded.run, loaded.steps);
    // the plan version's graph, built once per version (plan-shape.ts)
    const shape = planShape(loaded.plan);
    this.stepDefs = shape.defs;
    this.deps = shape.deps;
    this.mergeOnly = shape.mergeOnly;
    this.index = shape.index;
    this.dependents = shape.dependents;
    this.view = { shape, status: (id) => this.state.steps[id]?.status, hasOutput: (id) => this.hasOutput(id) };
    // Rollback undoes what this run did: a step reused from an earlier run is not among it.
    const byFinish = loaded.steps.filter((r) => r.status === "succeeded" && !r.reusedFromRunId).sort((a, b) => (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0));
    for (const r of byFinish) this.completed.push(r.stepId);
    for (const r of loaded.steps) {
      this.keys.set(r.stepId, r.idempotencyKey);
      const kept = r.output !== undefined && r.output !== null;
      // a failed step's fallback, a dry run's previewed write: outputs the steps after them use
      if (r.status === "succeeded" || ((r.status === "failed" || r.status === "skipped") && kept)) this.outputs.set(r.stepId, r.output);
    }
    this.limit = loaded.run.options.concurrency ?? ctx.runConcurrency;
    this.facts = SkipFacts.ofStored(skips, (id) => this.state.steps[id]?.status);
    this.initQueue();
    // made once here: a step's attempt does not touch the file system for it
    this.workspace = ctx.workspaceFor(this.runId);
    this.artifacts = new ArtifactStore(this.workspace);
    ctx.committer.track(this.runId, loaded.run.lastSeq);
    this.done = new Promise((resolve) => { this.resolveDone = resolve; });
  }

  /** Resolves when the run reaches a terminal status (not while it waits for approval). */
  get finishedPromise(): Promise<void> {
    return this.done;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** the run ended here to go on with a new plan version (a re-plan was stored) */
  get continuesReplanned(): boolean {
    return this.continues;
  }

  /**
   * Starts or resumes: steps caught mid-flight by a crash go back to pending. A run whose
   * steps were caught mid-flight at the resumes before this one too is quarantined (see
   * quarantine.ts): those steps fail without running again, and so does the run.
   */
  async start(options: { afterReplan?: boolean } = {}): Promise<void> {
    const resumed = this.state.status !== "queued";
    const interrupted = this.inFlight();
    if (this.state.status === "awaiting_approval" && !interrupted.length && Object.values(this.state.steps).some((s) => s.status === "awaiting_approval")) {
      // Nothing to do until a person decides.
      return;
    }
    // steps the process before this one was running when it was told to stop: no crash
    const planned = resumed ? this.ctx.plannedStop(this.runId).filter((id) => interrupted.includes(id)) : [];
    let quarantine: ReturnType<typeof quarantinedSteps> = null;
    if (resumed && interrupted.length) {
      try {
        quarantine = quarantinedSteps(await this.ctx.runStarts(this.runId), interrupted, planned);
      } catch (err) {
        this.crash(err); // the database is out of reach: resume later
        return;
      }
      if (this.finished) return; // given up meanwhile
    }
    // A re-plan that was asked for and not stored before a crash is asked for again.
    const failedForGood = Object.entries(this.state.steps).find(([id, s]) => s.status === "failed" && s.failure?.code !== "rejected" && !this.outputs.has(id) && this.stepDefs.get(id)?.onError !== "continue");
    if (failedForGood && !quarantine && this.replans()) this.replanning = { stepId: failedForGood[0], failure: failedForGood[1].failure ?? { code: "internal", message: "the step failed", retryable: false } };
    // Going on after a re-plan is no new start: its `run.replanned` said the run is running.
    if (!options.afterReplan) this.fire([{ type: "run.started", data: { ...(resumed ? { resumed: true } : {}), ...(interrupted.length ? { interrupted } : {}), ...(planned.length ? { planned } : {}) } }]);
    if (quarantine) {
      const failures = quarantineFailures(quarantine);
      this.fire(quarantine.steps.map((stepId) => ({ type: "step.failed" as const, stepId, data: { attempt: this.step(stepId).attempts, failure: failures.step } })));
      this.stopping = { kind: "fail", reason: "the run was quarantined", failure: failures.run, runFailure: failures.run };
      this.ctx.log("error", `run ${this.runId} quarantined: ${failures.run.message}`);
    }
    this.pump();
  }

  /** The steps running now (or waiting to retry): what a stop would interrupt. */
  inFlight(): string[] {
    const out: string[] = [];
    for (const id in this.state.steps) {
      const status = this.state.steps[id].status;
      if (status === "running" || status === "retrying") out.push(id);
    }
    return out;
  }

  cancel(reason = "cancelled by a person"): Promise<void> {
    if (this.finished) return this.done;
    if (!this.stopping) this.stopping = { kind: "cancel", reason };
    for (const ac of this.running.values()) ac.abort(new StepCancelledError(reason));
    this.pump();
    return this.done;
  }

  /** Records a person's decision (the run goes on: see run-state.ts) and schedules what it allows. */
  async decide(stepId: string, decision: Omit<ApprovalDecision, "at">): Promise<void> {
    const step = this.state.steps[stepId];
    if (!step || step.status !== "awaiting_approval") throw new Error(`step ${stepId} is not waiting for approval`);
    const who = { ...(decision.by !== undefined ? { by: decision.by } : {}), ...(decision.comment !== undefined ? { comment: decision.comment } : {}) };
    if (decision.decision === "approved") {
      await this.emit([{ type: "step.approved", stepId, data: { ...who, ...(decision.input !== undefined ? { input: decision.input } : {}) } }]);
    } else {
      const failRun = this.run.options.onReject === "fail_run";
      const failure: Failure = { code: "rejected", message: `step "${stepId}" was rejected${decision.comment ? `: ${decision.comment}` : ""}`, retryable: false };
      await this.emit([
        { type: "step.rejected", stepId, data: who },
        failRun ? { type: "step.failed", stepId, data: { attempt: step.attempts, failure } } : { type: "step.skipped", stepId, data: { reason: "rejected by a person", cause: stepId } },
      ]);
      if (failRun && !this.stopping) this.beginStop("fail", failure);
    }
    this.pump();
  }

  /**
   * "Re-plan from here" on a run that waits for a person: the waiting step is re-planned as if it
   * had failed, and the proposal waits for them. Resolves once it is stored; rejects when there
   * is none, and the run waits on as it did.
   */
  replanWaiting(stepId: string): Promise<void> {
    if (this.finished || this.stopping || this.replanning) return Promise.reject(new Error(`run ${this.runId} is not waiting for a person only`));
    if (this.state.steps[stepId]?.status !== "awaiting_approval") return Promise.reject(new Error(`step ${stepId} is not waiting for approval`));
    const failure: Failure = { code: "rejected", message: `a person asked for another way instead of deciding on step "${stepId}"`, retryable: false };
    return new Promise((resolve, reject) => {
      this.replanning = { stepId, failure, asked: { resolve, reject } };
      this.pump();
    });
  }

  // ---- scheduling ----

  private pump(): void {
    if (this.pumping) { this.repump = true; return; }
    this.pumping = true;
    void this.pumpLoop().catch((err) => this.crash(err));
  }

  private async pumpLoop(): Promise<void> {
    do {
      this.repump = false;
      await this.schedule();
    } while (this.repump);
    this.pumping = false;
  }

  private async schedule(): Promise<void> {
    if (this.finished) return;
    if (this.stopping) {
      // Running steps stop first; then every step that has not started ends.
      if (!this.running.size) this.settleStopped();
    } else if (!this.replanning) {
      this.settleBlocked();
      this.launchReady();
    }
    if (this.running.size === 0 && this.launched.size === 0) await this.maybeFinish();
  }

  /** Counts each step's unsatisfied dependencies; every step is looked at once at the start. */
  private initQueue(): void {
    for (const def of this.plan.steps) {
      const deps = this.deps.get(def.id)!;
      let unmet = 0;
      for (const d of deps) {
        if (!dependencyMet(this.view, def.id, d)) unmet++;
      }
      this.unmet.set(def.id, unmet);
    }
    for (const id in this.state.steps) if (this.hasOutput(id) || TERMINAL.has(this.state.steps[id].status)) this.passedOn.add(id);
    for (let i = 0; i < this.plan.steps.length; i++) this.candidates.push(i);
  }

  /** What a step's dependents need from it: an output (a success, a fallback, a dry run's preview). */
  private hasOutput(id: string): boolean {
    return this.outputs.has(id) || this.state.steps[id]?.status === "succeeded";
  }

  /** After a step's event: tells its dependents once it has ended, and looks at it again when it may run. */
  private touched(id: string): void {
    const s = this.state.steps[id];
    if (!s) return;
    if (!this.passedOn.has(id)) {
      if (this.hasOutput(id)) {
        this.passedOn.add(id);
        for (const d of this.dependents.get(id) ?? []) {
          const n = this.unmet.get(d)! - 1;
          this.unmet.set(d, n);
          if (n === 0) this.lookAgain(d);
        }
      } else if (TERMINAL.has(s.status)) {
        this.passedOn.add(id);
        for (const d of this.dependents.get(id) ?? []) {
          // a merge waits for its branches to end, not for each to produce a value
          if (this.mergeOnly.get(d)?.has(id)) this.unmet.set(d, this.unmet.get(d)! - 1);
          this.lookAgain(d);
        }
      }
    }
    if (s.status === "pending" || s.status === "queued") this.lookAgain(id);
  }

  private lookAgain(id: string): void {
    const i = this.index.get(id);
    if (i !== undefined) this.candidates.push(i);
  }

  /**
   * Skips what can no longer run, in plan order so causes come before effects. Each event is
   * folded in as it is queued, so the next step sees what this one became; a skip puts the
   * skipped step's dependents in the queue.
   */
  private settleBlocked(): void {
    for (let i = this.candidates.pop(); i !== undefined; i = this.candidates.pop()) {
      const id = this.plan.steps[i].id;
      const s = this.step(id);
      if ((s.status !== "pending" && s.status !== "queued") || this.launched.has(id)) continue;
      if (this.unmet.get(id) === 0) {
        this.ready.push(i);
        continue;
      }
      const blocked = blockedBy(this.view, id);
      if (!blocked) continue; // it waits for a dependency still going
      this.fire([{ type: "step.skipped", stepId: id, data: blockedSkipData(this.view, this.facts, blocked, this.plan.steps.length, this.previewedOnly.has(blocked)) }]);
    }
  }

  private launchReady(): void {
    // Every launched step that has not ended counts, running or waiting for the global limiter.
    while (this.launched.size < this.limit) {
      const i = this.ready.pop();
      if (i === undefined) break;
      const def = this.plan.steps[i];
      const s = this.step(def.id);
      if ((s.status !== "pending" && s.status !== "queued") || this.launched.has(def.id)) continue;
      this.launched.add(def.id);
      void this.launch(def).catch((err) => this.crash(err));
    }
  }

  /** The run stops and nothing runs any more: every step that has not started is cancelled or skipped. */
  private settleStopped(): void {
    const stopping = this.stopping!;
    this.candidates.clear();
    this.ready.clear();
    for (const def of this.plan.steps) {
      if (!isWaiting(this.step(def.id).status) || this.launched.has(def.id)) continue;
      this.fire([stopping.kind === "cancel" ? { type: "step.cancelled", stepId: def.id, data: { reason: stopping.reason } } : { type: "step.skipped", stepId: def.id, data: { reason: stopping.reason } }]);
    }
  }

  private async maybeFinish(): Promise<void> {
    if (this.finished) return;
    if (this.replanning && !this.stopping) {
      await this.replan(this.replanning);
      return;
    }
    const all = Object.entries(this.state.steps);
    const waiting = all.filter(([, s]) => s.status === "awaiting_approval").map(([id]) => id);
    if (waiting.length && !this.stopping) {
      if (this.state.status !== "awaiting_approval") await this.emit([{ type: "run.awaiting_approval", data: { steps: waiting } }]);
      return;
    }
    this.finished = true;
    try {
      if (this.stopping?.kind === "cancel") {
        await this.emit([{ type: "run.cancelled", data: { reason: this.stopping.reason, ...this.totalUsage() } }]);
        return;
      }
      const stuck = all.filter(([, s]) => s.status === "pending" || s.status === "queued").map(([id]) => id);
      if (stuck.length) {
        // Only reachable through a bug or a plan changed under a running run; say so rather than hang.
        const failure: Failure = { code: "internal", message: `steps ${stuck.join(", ")} could never become ready`, retryable: false };
        await this.emit([{ type: "run.failed", data: { failure, ...this.totalUsage() } }]);
        return;
      }
      const failed = all.find(([id, s]) => s.status === "failed" && !this.outputs.has(id));
      if (failed || this.stopping?.kind === "fail") {
        const failure: Failure = this.stopping?.failure ?? failed?.[1].failure ?? { code: "internal", message: "the run failed", retryable: false };
        const runFailure: Failure = this.stopping?.runFailure ?? { ...failure, message: failed ? `step "${failed[0]}" failed: ${failure.message}` : failure.message };
        if (this.run.options.rollbackOnFailure) await this.rollback();
        await this.emit([{ type: "run.failed", data: { failure: runFailure, ...this.totalUsage() } }]);
        return;
      }
      const outputs = await resolveRunOutputs(this.plan, this.runInputs(), this.outputs, this.artifacts);
      const invalid = await checkRunResult(this.plan, outputs, this.artifacts);
      if (invalid) {
        await this.emit([{ type: "run.failed", data: { failure: invalid, ...this.totalUsage() } }]);
        return;
      }
      await this.emit([{ type: "run.succeeded", data: { outputs, ...this.totalUsage() } }]);
    } finally {
      this.resolveDone();
    }
  }

  private runInputs(): Record<string, unknown> {
    return applyInputDefaults(this.plan, this.run.inputs).inputs;
  }

  /** the tokens the run's steps used, for its end event (nothing when none did) */
  private totalUsage(): { usage?: Usage } {
    let p = 0, c = 0, any = false;
    for (const s of Object.values(this.state.steps)) if (s.usage) { any = true; p += s.usage.promptTokens; c += s.usage.completionTokens; }
    return any ? { usage: { promptTokens: p, completionTokens: c } } : {};
  }

  /** a method, not the field, so narrowing across awaits does not hide a stop that happened meanwhile */
  private stopReason(): string {
    return this.stopping?.reason ?? "cancelled";
  }

  private beginStop(kind: "cancel" | "fail", failure?: Failure) {
    this.stopping = { kind, reason: kind === "cancel" ? "cancelled" : `the run stopped after a failure`, failure };
    for (const ac of this.running.values()) ac.abort(new StepCancelledError(this.stopping.reason));
  }

  // ---- one step ----

  private async launch(def: Step): Promise<void> {
    const release = await this.ctx.globalLimiter.acquire();
    try {
      await this.runStep(def);
    } finally {
      release();
      this.launched.delete(def.id);
      this.running.delete(def.id);
      this.lookAgain(def.id); // it may have ended without an event (the run stopped meanwhile)
      this.pump();
    }
  }

  private async runStep(def: Step): Promise<void> {
    if (this.stopping || this.finished) return;
    const s = this.step(def.id);
    // a for-each step's condition that reads its item is asked of each item (for-each.ts)
    const whole = gatedAsWhole(def);
    if (whole.when || this.mergeOnly.get(def.id)!.size) {
      const gate = await gateStep(whole, this.runInputs(), this.outputs, this.artifacts, (id) => this.rootOf(id));
      if (gate.kind === "skip") { this.fire([{ type: "step.skipped", stepId: def.id, data: gate.data }]); return; }
      if (gate.kind === "fail") { await this.failStep(def, s, gate.failure); return; }
    }
    if (def.forEach) return runForEach(this.forEachHost(), def, s);
    const prepared = await prepareStep({ def, step: s, action: this.ctx.registry.get(def.action), runInputs: this.runInputs(), outputs: this.outputs, artifacts: this.artifacts, options: this.run.options, runFolder: this.workspace });
    if (prepared.kind === "fail") {
      await this.failStep(def, s, prepared.failure);
      return;
    }
    if (prepared.kind === "await_approval") {
      this.fire([{ type: "step.awaiting_approval", stepId: def.id, data: { input: prepared.recorded, reasons: prepared.reasons } }]);
      return;
    }
    if (prepared.kind === "dry_run_withheld") {
      this.previewedOnly.add(def.id);
      this.fire([{ type: "step.skipped", stepId: def.id, data: { reason: `dry run: ${prepared.preview.text}`, dryRun: { input: prepared.recorded, effect: prepared.action.effect, wouldRun: true, preview: prepared.preview } } }]);
      return;
    }
    if (prepared.kind === "preview") {
      await this.previewStep(def, s, prepared.action, prepared.input, prepared.recorded, prepared.timeoutMs);
      return;
    }
    while (true) {
      const attempt = s.attempts + 1;
      const ac = new AbortController();
      this.running.set(def.id, ac);
      this.fire([{ type: "step.started", stepId: def.id, data: { attempt, input: prepared.recorded } }]);
      if (this.stopping) ac.abort(new StepCancelledError(this.stopReason()));
      const outcome = await runAttempt(prepared, this.attemptContext(def, attempt, prepared.timeoutMs), ac, this.artifacts);
      this.running.delete(def.id);
      if (outcome.kind === "succeeded") {
        this.fire([outcome.event]);
        return;
      }
      const failure = outcome.failure;
      const next = afterFailure(failure, attempt, prepared.retry, { stopping: Boolean(this.stopping), aborted: ac.signal.aborted });
      if (next.next === "cancelled") {
        this.fire([{ type: "step.cancelled", stepId: def.id, data: { reason: failure.message } }]);
        return;
      }
      if (next.next === "retry") {
        this.fire([{ type: "step.retrying", stepId: def.id, data: { attempt, delayMs: next.delayMs, failure } }]);
        const waited = await this.sleep(next.delayMs, def.id);
        if (!waited) {
          this.fire([{ type: "step.cancelled", stepId: def.id, data: { reason: this.stopReason() } }]);
          return;
        }
        continue;
      }
      await this.failStep(def, s, failure);
      return;
    }
  }

  private forEachHost(): ForEachHost {
    return {
      runId: this.runId, ctx: this.ctx, run: this.run, workspace: this.workspace, artifacts: this.artifacts, outputs: this.outputs, limit: this.limit,
      runInputs: () => this.runInputs(),
      fire: (events) => this.fire(events),
      stopping: () => (this.stopping ? this.stopReason() : null),
      track: (key, ac) => (ac ? this.running.set(key, ac) : this.running.delete(key)),
      attemptContext: (def, attempt, timeoutMs) => this.attemptContext(def, attempt, timeoutMs),
      failStep: (def, s, failure) => this.failStep(def, s, failure),
      previewedOnly: (id) => this.previewedOnly.add(id),
      rootOf: (id) => this.rootOf(id),
    };
  }

  /** the step whose end made `id` end without an output, and whether a condition did */
  private rootOf(id: string): { root: string; byCondition: boolean } {
    return rootOf(this.view, this.facts, id, this.plan.steps.length);
  }

  /** A dry run's step that is previewed, not run: its preview and would-be output go in its `step.skipped`. */
  private async previewStep(def: Step, s: StepFields, action: Action, input: unknown, recorded: unknown, timeoutMs: number): Promise<void> {
    const dryRun = (preview: DryRunPreview, output?: unknown) => ({ input: recorded, effect: action.effect, wouldRun: true, preview, ...(output !== undefined ? { output } : {}) });
    if (!action.preview) {
      this.previewedOnly.add(def.id);
      const preview: DryRunPreview = { kind: "description", text: `would run ${action.id} (it does not say what it would do or return)` };
      this.fire([{ type: "step.skipped", stepId: def.id, data: { reason: `dry run: ${preview.text}`, dryRun: dryRun(preview) } }]);
      return;
    }
    const attempt = s.attempts + 1;
    const ac = new AbortController();
    this.running.set(def.id, ac);
    this.fire([{ type: "step.started", stepId: def.id, data: { attempt, input: recorded } }]);
    if (this.stopping) ac.abort(new StepCancelledError(this.stopReason()));
    const usage: Usage = { promptTokens: 0, completionTokens: 0 };
    try {
      const raw = (await attemptAction(action, input, this.attemptContext(def, attempt, timeoutMs), ac, usage, "preview")) as { effect?: unknown; output?: unknown } | undefined;
      const preview = DryRunPreview.safeParse(raw?.effect);
      if (!preview.success) throw new StepBoundaryError("output_invalid", `The action's dry-run preview is not valid: ${zodMessage(preview.error)}`);
      let output: unknown;
      if (raw?.output !== undefined) {
        output = await this.storedOutput(action, raw.output, "The output the step would have is not valid: ");
      } else {
        this.previewedOnly.add(def.id);
      }
      const effect = toStorable(preview.data, "output");
      if (!effect.ok) throw new StepBoundaryError("output_invalid", `The step's preview cannot be stored: ${effect.problem.message}`);
      this.running.delete(def.id);
      this.fire([{ type: "step.skipped", stepId: def.id, data: { reason: `dry run: ${describePreview(preview.data)}`, dryRun: dryRun(effect.value as DryRunPreview, output) } }]);
    } catch (err) {
      this.running.delete(def.id);
      const failure = this.failureOf(err, ac);
      if (failure.code === "cancelled" || (this.stopping && ac.signal.aborted)) {
        this.fire([{ type: "step.cancelled", stepId: def.id, data: { reason: failure.message } }]);
        return;
      }
      await this.failStep(def, this.step(def.id), failure);
    }
  }

  /** An action's answer as it is stored; a step worker has stored the answers of the actions it runs (`storedForm`). */
  private storedOutput(action: Action, raw: unknown, invalid = ""): Promise<unknown> {
    return action.storedForm ? Promise.resolve(raw) : storedOutput(action, raw, this.artifacts, invalid);
  }

  /** What an attempt's error means for the step: the abort's own reason when the attempt was stopped. */
  private failureOf(err: unknown, ac?: AbortController): Failure {
    return stepFailure(err, this.workspace, ac);
  }

  private async failStep(def: Step, s: StepFields, failure: Failure): Promise<void> {
    this.fire([stepFailedEvent(def, s.attempts, failure)]);
    if (def.onError === "continue") return;
    if (!this.stopping && this.replans()) {
      // No step starts any more; the re-plan comes once the running ones end.
      this.replanning ??= { stepId: def.id, failure };
      return;
    }
    if (this.run.options.failurePolicy === "fail_fast" && !this.stopping) this.beginStop("fail", { ...failure, message: failure.message });
  }

  private replans(): boolean {
    return Boolean(this.ctx.replan && this.run.options.replan?.onFailure && !this.run.options.dryRun);
  }

  /**
   * Asks for a re-plan and stores its event; the run then goes on with the new version in a new
   * executor (the engine starts it), waits for a person, or fails with the reasons.
   */
  private async replan(asked: NonNullable<RunExecutor["replanning"]>): Promise<void> {
    const outcome = await this.ctx.replan!({ run: this.run, plan: this.plan, state: this.state, conditionSkipped: this.facts.byCondition, failedStepId: asked.stepId, failure: asked.failure, askPerson: Boolean(asked.asked) }).catch(
      (err: unknown): ReplanOutcome => ({ kind: "failed", failure: { ...asked.failure, message: `step "${asked.stepId}" failed: ${asked.failure.message}; re-planning failed: ${(err as Error).message}` } }),
    );
    this.replanning = null;
    if (this.finished || this.stopping) {
      asked.asked?.reject(new Error("the run stopped meanwhile"));
      this.pump();
      return;
    }
    if (outcome.kind === "failed" && asked.asked) {
      // A person's request that found nothing: the run waits on for their decision.
      asked.asked.reject(new Error(outcome.failure.message));
      this.pump();
      return;
    }
    if (outcome.kind === "failed") {
      this.stopping = { kind: "fail", reason: "the run stopped after a failure", failure: asked.failure, runFailure: outcome.failure };
      this.pump();
      return;
    }
    await this.emit(outcome.events);
    this.finished = true;
    this.continues = outcome.continues;
    this.resolveDone();
    asked.asked?.resolve();
  }

  private attemptContext(def: Step, attempt: number, timeoutMs: number): AttemptContext {
    return { runId: this.runId, stepId: def.id, attempt, idempotencyKey: this.keys.get(def.id)!, workspaceDir: this.workspace, llm: this.ctx.llm, timeoutMs, fire: (events) => this.fire(events) };
  }

  /** false when the run stopped during the wait */
  private sleep(ms: number, stepId: string): Promise<boolean> {
    return new Promise((resolve) => {
      const ac = new AbortController();
      this.running.set(stepId, ac);
      const t = setTimeout(() => { this.running.delete(stepId); resolve(true); }, ms);
      ac.signal.addEventListener("abort", () => { clearTimeout(t); this.running.delete(stepId); resolve(false); }, { once: true });
    });
  }

  private async rollback(): Promise<void> {
    // A rollback a crash cut short goes on from where it was: an undo whose event is stored is
    // not run again (the one running at the crash may be: undos must be safe to run twice).
    const undone = new Set(await this.ctx.undoneSteps(this.runId));
    for (const { stepId, action } of stepsToUndo(this.completed, (id) => this.step(id), (id) => this.ctx.registry.get(this.stepDefs.get(id)!.action))) {
      if (undone.has(stepId)) continue;
      await this.emit([await undoStep(action, this.step(stepId), { runId: this.runId, stepId, idempotencyKey: this.keys.get(stepId)!, workspaceDir: this.workspace, llm: this.ctx.llm })]);
    }
  }

  private step(id: string): StepFields {
    return this.state.steps[id];
  }

  /**
   * Queues events and folds them into this executor's state at once. The step path does
   * not wait for them to be stored: the queue's order is the log's order, so a step's
   * success is never durable before what it depends on. Waiting is for decisions a caller
   * must know are stored (approvals, the run's end).
   */
  private emit(events: NewEvent[]): Promise<void> {
    if (this.abandoned) {
      this.fold(this.stampHere(events));
      return Promise.resolve();
    }
    let queued: QueuedEvents;
    try {
      queued = this.ctx.committer.commit({ runId: this.runId, events });
    } catch (err) {
      this.fold(this.stampHere(events));
      this.crash(err);
      return Promise.reject(err);
    }
    this.fold(queued.events);
    return queued.stored.catch((err) => { this.crash(err); throw err; });
  }

  private fire(events: NewEvent[]): void {
    this.emit(events).catch(() => undefined);
  }

  /** Seqs for events that are not written (this process gave the run up): they only keep the state coherent. */
  private stampHere(events: NewEvent[]): RunEvent[] {
    const at = new Date().toISOString();
    return events.map((e, i) => stampEvent(e, this.state.lastSeq + i + 1, this.runId, at));
  }

  private fold(events: RunEvent[]): void {
    for (const e of events) {
      foldRunEvent(this.state, e);
      if (e.type === "step.succeeded" && e.stepId) {
        this.outputs.set(e.stepId, e.data.output);
        this.completed.push(e.stepId);
      } else if (e.type === "step.failed" && e.stepId && e.data.output !== undefined) {
        this.outputs.set(e.stepId, e.data.output);
      } else if (e.type === "step.skipped" && e.stepId && e.data.dryRun?.output !== undefined) {
        this.outputs.set(e.stepId, e.data.dryRun.output);
      }
      this.facts.note(e);
      if (e.stepId) this.touched(e.stepId);
      else if (e.type === "run.started") for (const id of e.data?.interrupted ?? []) this.touched(id);
    }
  }

  /** Stops executing this run in this process without writing anything (its claim moved on). */
  abandon(reason: string): void {
    this.abandoned = true;
    this.crash(new Error(reason));
  }

  private crash(err: unknown) {
    if (this.finished) return;
    // A storage failure mid-run: stop scheduling; the run resumes from its last commit on restart.
    this.ctx.log("error", `run ${this.runId} stopped: ${(err as Error)?.message ?? err}`);
    for (const ac of this.running.values()) ac.abort(new StepCancelledError(ENGINE_STOPPED));
    this.finished = true;
    this.resolveDone();
  }
}

/** Steps that have not started and may still: pending, approved (queued) or waiting for a person. */
function isWaiting(status: StepStatus): boolean {
  return status === "pending" || status === "queued" || status === "awaiting_approval";
}

export type { NewEvent };
