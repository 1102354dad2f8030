/**
 * The engine: starts, resumes, cancels, approves, rejects and retries runs. Starting
 * returns at once; the run goes on in the background, and `wait` serves the CLI and tests.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { canonicalJson, readsPlanInputs, checkValue, findUnstorable, formatValueErrors, validatePlan, isItemEvent, type ItemEvent, type Action, type ActionLookup, type Catalog, type LlmClient, type Plan, type WrittenFile, type RunEvent, type ValidationIssue, TERMINAL_RUN } from "../core";
import { TrellisError } from "../core/errors";
import { shareArtifacts } from "./artifact-store";
import { cancellationEvents } from "./cancellation";
import { Committer } from "./committer";
import type { EventBus } from "./event-bus";
import { engineOwnerId, isEarlierSelfGone } from "./owner-identity";
import { takePlannedStop, writePlannedStop, type PlannedStop } from "./planned-stop";
import { QUARANTINE_AFTER_CRASHES } from "./quarantine";
import { applyInputDefaults } from "./resolve-inputs";
import { RunExecutor } from "./run-executor";
import { planShape } from "./plan-shape";
import { RunOptions, type RunOptionsInput } from "./run-options";
import { SeqConflictError, type ApprovalDecision, type LoadedRun, type NewEvent, type NewRun, type RunClaim, type RunStore } from "./run-store";
import { filesOfStep, shareFiles } from "./reused-files";
import { givenFilesOf, placeGivenFiles, type GivenFile } from "./given-files";
import { Semaphore } from "./semaphore";
import { replanRun, type ReplanDeps, type ReplanService } from "./replan";
import { decideReplan, pendingReplan, replanStored } from "./replan-requests";

/** how many valid plan versions checkPlan remembers per catalog */
const VALID_VERSIONS_KEPT = 1000;
/** a run's skip events read when it goes on from its stored state: a step is skipped at most once per plan version */
const MAX_SKIP_EVENTS = 100_000;
/** at most one `step.undone` per step */
const MAX_UNDONE_EVENTS = 100_000;

export interface PlanVersionSource {
  getVersion(versionId: string): Promise<{ id: string; planId: string; plan: Plan; valid?: boolean } | null>;
}

export interface EngineOptions {
  store: RunStore;
  versions: PlanVersionSource;
  registry: ActionLookup;
  bus: EventBus;
  /** folder under which each run gets its own workspace */
  workspaceRoot: string;
  llm?: LlmClient;
  /** steps of one run at once (default 8) */
  runConcurrency?: number;
  /** steps of all runs at once (default 32) */
  globalConcurrency?: number;
  /**
   * this engine's stable name: the same for every process of one installation (the server
   * restarted, the CLI on its data folder). Claims held by an earlier process of the same name
   * that is gone are taken over at once, not when their lease runs out (see owner-identity.ts).
   * Default: a name of this engine's own.
   */
  name?: string;
  /** this engine's id in run claims, as is (tests); default: made from `name` and this process */
  ownerId?: string;
  /** how long a claim on a run holds without renewal (default 30 s); another engine may take an unrenewed run over */
  leaseMs?: number;
  /** how long the committer gathers events into one transaction (default 2 ms) */
  commitWindowMs?: number;
  log?: (level: "info" | "warn" | "error", message: string) => void;
  /** replaces secret values in every event before it is stored or published (step inputs, outputs, logs, failures) */
  redact?: <T>(value: T) => T;
  /**
   * where a server told to stop writes the steps it was running, for its next start
   * (planned-stop.ts); unset: every stop mid-step counts as a crash
   */
  plannedStopFile?: string;
  /**
   * queue mode (PostgreSQL and Redis): steps run on `trellis worker` processes, not here; this
   * engine records runs and decisions and hands ready steps out (queue/queue-runs.ts). Dry runs
   * still run here: they act on nothing.
   */
  queue?: QueueMode;
  /** re-planning during a run (run option `replan`, the run page's "Re-plan from here"); unset: runs cannot re-plan */
  replan?: ReplanService;
}

/** What the engine asks of queue mode (queue/queue-runs.ts implements it). */
export interface QueueMode {
  advance(runId: string, options?: { reconcile?: boolean }): Promise<void>;
  cancel(runId: string, reason: string): Promise<void>;
  decide(runId: string, stepId: string, decision: Omit<ApprovalDecision, "at">, onRejectFailRun: (loaded: LoadedRun) => boolean): Promise<void>;
  reconcile(): Promise<string[]>;
  replanFromHere(runId: string, deps: ReplanDeps): Promise<void>;
  decideReplan(runId: string, decision: "accept" | "reject", who: { by?: string; comment?: string }): Promise<void>;
}

const ENGINE_STATUS = { not_found: 404, invalid_plan: 422, invalid_inputs: 422, llm_not_configured: 422, conflict: 409, invalid_request: 400 } as const;

export class EngineError extends TrellisError {
  static override readonly kind: string = "EngineError";
  declare readonly code: keyof typeof ENGINE_STATUS;
  constructor(code: keyof typeof ENGINE_STATUS, message: string, details?: unknown) {
    super(ENGINE_STATUS[code], code, message, details);
  }
}

export interface StartRequest {
  planVersionId: string;
  inputs?: Record<string, unknown>;
  options?: RunOptionsInput;
  /** a child run: the run and step of the plan action that starts it (recorded on the run) */
  parent?: { runId: string; stepId: string };
  /** files put into the run's workspace before it is stored (uploads a person gave it) */
  files?: readonly GivenFile[];
}

export class Engine {
  private readonly executors = new Map<string, RunExecutor>();
  /** plan versions found valid, per catalog object (see checkPlan) */
  private readonly validVersions = new WeakMap<Catalog, Set<string>>();
  private readonly committer: Committer;
  private readonly limiter: Semaphore;
  private readonly claimInfo: RunClaim;
  private heartbeat?: NodeJS.Timeout;
  private poller?: NodeJS.Timeout;
  /** each run's end here: the release of its claim once its last events are stored */
  private readonly windingDown = new Set<Promise<void>>();
  /** runs whose cancellation is being written without an executor (they ran nowhere here) */
  private readonly cancelling = new Map<string, Promise<void>>();
  /** what the previous process said it was running when it was told to stop, read at the first resume */
  private plannedStop: PlannedStop | null = null;

  constructor(private readonly o: EngineOptions) {
    this.committer = new Committer(o.store, o.bus, o.commitWindowMs, undefined, (level, message) => this.log(level, message), o.redact);
    this.limiter = new Semaphore(o.globalConcurrency ?? 32);
    this.claimInfo = { ownerId: o.ownerId ?? engineOwnerId(o.name ?? randomUUID().slice(0, 8)), leaseMs: o.leaseMs ?? 30_000 };
  }

  get ownerId(): string {
    return this.claimInfo.ownerId;
  }

  /**
   * Looks for unfinished runs nobody holds (their engine stopped) every lease period and
   * resumes them. The server runs this; a short-lived process (the CLI) does not.
   */
  startResumePoller(): void {
    if (this.poller) return;
    this.poller = setInterval(() => void this.resumeAll().catch((err) => this.log("error", `resuming runs failed: ${(err as Error).message}`)), this.claimInfo.leaseMs);
    this.poller.unref();
  }

  /**
   * Stops this engine: timers end and the runs it executes are given up without another
   * event, and their claims released. Resolves once what was already queued is stored and
   * the claims are released, so that whoever comes next finds the database as this engine left it.
   */
  async close(): Promise<void> {
    clearInterval(this.poller);
    clearInterval(this.heartbeat);
    this.poller = this.heartbeat = undefined;
    for (const ex of this.executors.values()) ex.abandon("the engine closed");
    await Promise.allSettled([...this.cancelling.values()]);
    await this.committer.drained();
    await Promise.allSettled([...this.windingDown]);
  }

  get bus(): EventBus {
    return this.o.bus;
  }

  /** Validates the plan and inputs, records the run as queued, and starts it in the background. */
  async start(req: StartRequest): Promise<string> {
    const version = await this.o.versions.getVersion(req.planVersionId);
    if (!version) throw new EngineError("not_found", `plan version ${req.planVersionId} does not exist`);
    const parsedOptions = RunOptions.safeParse(req.options ?? {});
    if (!parsedOptions.success) throw new EngineError("invalid_request", `invalid run options: ${parsedOptions.error.issues[0].message}`);
    const options = parsedOptions.data;
    const plan = version.plan;
    this.checkPlan(plan, options.maxSteps, version.id);
    this.checkLlm(plan);
    if (options.replan?.onFailure && !this.o.replan) throw new EngineError("invalid_request", "This Trellis cannot re-plan runs (no planner is configured for it).");
    const inputs = this.checkInputs(plan, req.inputs ?? {});
    const runId = randomUUID();
    if (req.files?.length) await placeGivenFiles(path.join(this.o.workspaceRoot, runId), req.files);
    const newRun: NewRun = {
      run: { id: runId, planId: version.planId, planVersionId: version.id, inputs, options, ...(req.parent ? { parentRunId: req.parent.runId, parentStepId: req.parent.stepId } : {}) },
      steps: plan.steps.map((s) => newStep(runId, s.id)),
      events: [{ type: "run.queued", data: { planVersionId: version.id, inputs } }],
    };
    const queued = this.queued(options);
    const { events, records } = await this.o.store.createRun(newRun, queued ? undefined : this.claimInfo);
    this.o.bus.publish(events);
    if (queued) await this.inQueue(() => queued.advance(runId));
    // What was just written is what a load would read: start from it.
    else this.launch(runId, { ...records, plan });
    return runId;
  }

  /** Starts and waits for the end (or for a person, when `untilApproval`). */
  async run(req: StartRequest, options: { untilApproval?: boolean } = {}): Promise<LoadedRun> {
    const id = await this.start(req);
    return this.wait(id, options);
  }

  async wait(runId: string, options: { untilApproval?: boolean; timeoutMs?: number } = {}): Promise<LoadedRun> {
    const done = (status: string) => TERMINAL_RUN.has(status) || (options.untilApproval && status === "awaiting_approval");
    await new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const unsubscribe = this.o.bus.subscribe(runId, (e: RunEvent) => {
        if (e.type === "run.succeeded" || e.type === "run.failed" || e.type === "run.cancelled" || (options.untilApproval && e.type === "run.awaiting_approval")) finish();
      });
      const finish = () => { unsubscribe(); if (timer) clearTimeout(timer); resolve(); };
      if (options.timeoutMs) timer = setTimeout(() => { unsubscribe(); reject(new Error(`run ${runId} did not finish within ${options.timeoutMs} ms`)); }, options.timeoutMs);
      // The run may have ended before we subscribed.
      void this.o.store.load(runId).then((r) => {
        if (!r) { unsubscribe(); reject(new EngineError("not_found", `run ${runId} does not exist`)); }
        else if (done(r.run.status)) finish();
      }, reject);
    });
    return (await this.o.store.load(runId))!;
  }

  /**
   * Cancels a run. A run this engine executes stops its steps and ends cancelled. Any other run
   * (left unfinished by a process that stopped, or waiting for a person) is cancelled as it is
   * stored: its open steps and the run end cancelled, with the events its executor would have
   * written, and no step starts again for it.
   */
  async cancel(runId: string, reason = "cancelled by a person"): Promise<void> {
    const live = this.executors.get(runId);
    if (live && !live.isFinished) return live.cancel(reason);
    if (this.o.queue && !live) return this.inQueue(() => this.o.queue!.cancel(runId, reason));
    const pending = this.cancelling.get(runId);
    if (pending) return pending;
    const cancelling = this.cancelStored(runId, reason, live).finally(() => this.cancelling.delete(runId));
    this.cancelling.set(runId, cancelling);
    return cancelling;
  }

  async approve(runId: string, stepId: string, decision: { by?: string; comment?: string; input?: unknown } = {}): Promise<void> {
    const loaded = await this.mustLoad(runId);
    const step = loaded.steps.find((s) => s.stepId === stepId);
    if (!step) throw new EngineError("not_found", `run ${runId} has no step ${stepId}`);
    if (step.status !== "awaiting_approval") throw new EngineError("conflict", `step ${stepId} is ${step.status}, not waiting for approval`);
    if (decision.input !== undefined) {
      const def = loaded.plan.steps.find((s) => s.id === stepId)!;
      const action = this.o.registry.get(def.action);
      const check = action?.input.safeParse(decision.input);
      if (check && !check.success) throw new EngineError("invalid_inputs", `the edited input does not fit ${def.action}: ${check.error.issues[0].message}`);
      const unstorable = findUnstorable(decision.input, "input");
      if (unstorable) throw new EngineError("invalid_inputs", `the edited input cannot be stored: ${unstorable.message}`, unstorable);
    }
    if (this.o.queue && !this.executors.has(runId)) return this.inQueue(() => this.o.queue!.decide(runId, stepId, { decision: "approved", by: decision.by, comment: decision.comment, input: decision.input }, onRejectFailRun));
    const ex = await this.executorFor(runId);
    await ex.decide(stepId, { decision: "approved", by: decision.by, comment: decision.comment, input: decision.input });
  }

  async reject(runId: string, stepId: string, decision: { by?: string; comment?: string } = {}): Promise<void> {
    const loaded = await this.mustLoad(runId);
    const step = loaded.steps.find((s) => s.stepId === stepId);
    if (!step) throw new EngineError("not_found", `run ${runId} has no step ${stepId}`);
    if (step.status !== "awaiting_approval") throw new EngineError("conflict", `step ${stepId} is ${step.status}, not waiting for approval`);
    if (this.o.queue && !this.executors.has(runId)) return this.inQueue(() => this.o.queue!.decide(runId, stepId, { decision: "rejected", by: decision.by, comment: decision.comment }, onRejectFailRun));
    const ex = await this.executorFor(runId);
    await ex.decide(stepId, { decision: "rejected", by: decision.by, comment: decision.comment });
  }

  /**
   * A new run of the same (or a newer) plan version that reuses the outputs of steps that
   * succeeded, when the step and everything upstream of it is unchanged.
   */
  async retry(runId: string, options: { planVersionId?: string; inputs?: Record<string, unknown> } = {}): Promise<string> {
    const old = await this.mustLoad(runId);
    if (old.run.status !== "failed" && old.run.status !== "cancelled") throw new EngineError("conflict", `run ${runId} is ${old.run.status}; only failed or cancelled runs can be retried`);
    const versionId = options.planVersionId ?? old.run.planVersionId;
    const version = await this.o.versions.getVersion(versionId);
    if (!version) throw new EngineError("not_found", `plan version ${versionId} does not exist`);
    if (version.planId !== old.run.planId) throw new EngineError("invalid_request", `plan version ${versionId} belongs to another plan`);
    this.checkPlan(version.plan, old.run.options.maxSteps, version.id);
    this.checkLlm(version.plan);
    const inputs = this.checkInputs(version.plan, options.inputs ?? old.run.inputs);
    const sameInputs = canonicalJson(inputs) === canonicalJson(old.run.inputs);
    // The same version has the same steps: only another version's need comparing.
    const oldDefs = version.id === old.run.planVersionId ? null : new Map(old.plan.steps.map((s) => [s.id, canonicalJson(s)]));
    const oldSteps = new Map(old.steps.map((s) => [s.stepId, s]));
    const oldWorkspace = path.join(this.o.workspaceRoot, runId);
    const reusable = new Set<string>();
    const producedFiles = new Map<string, WrittenFile[]>();
    const actions = new Map<string, Action | null>();
    for (const s of version.plan.steps) {
      const prev = oldSteps.get(s.id);
      if (!prev || prev.status !== "succeeded" || (oldDefs && oldDefs.get(s.id) !== canonicalJson(s))) continue;
      if (!sameInputs && readsPlanInputs(s)) continue;
      let action = actions.get(s.action);
      if (action === undefined) actions.set(s.action, (action = this.o.registry.get(s.action) ?? null));
      // Most actions write no files: no await per step for them.
      const files = action?.files ? await filesOfStep(action, prev.output, oldWorkspace) : [];
      if (!files) continue;
      producedFiles.set(s.id, files);
      reusable.add(s.id);
    }
    // A step is reused only if everything upstream is reused too.
    keepReusedUpstream(version.plan, reusable);
    const newId = randomUUID();
    // A reused step is succeeded from the start: its event carries the earlier output (and usage).
    const reused: NewEvent[] = [];
    for (const s of version.plan.steps) {
      const prev = oldSteps.get(s.id);
      if (!reusable.has(s.id) || !prev) continue;
      reused.push({ type: "step.succeeded", stepId: s.id, data: { attempt: prev.attempts, output: prev.output, ...(prev.usage ? { usage: prev.usage } : {}), reusedFromRunId: prev.reusedFromRunId ?? runId } });
    }
    // A reused output's large parts are files of the earlier run: the new run gets them in its own store.
    await shareArtifacts(oldWorkspace, path.join(this.o.workspaceRoot, newId), reused.map((e) => (e.type === "step.succeeded" ? e.data.output : undefined)));
    // The files the earlier run was given come first, as they were given; then the files its
    // reused steps wrote, which the steps after them may read.
    await placeGivenFiles(path.join(this.o.workspaceRoot, newId), await givenFilesOf(oldWorkspace));
    await shareFiles(oldWorkspace, path.join(this.o.workspaceRoot, newId), reused.flatMap((e) => producedFiles.get(e.stepId!) ?? []));
    const newRun: NewRun = {
      run: { id: newId, planId: version.planId, planVersionId: version.id, inputs, options: old.run.options, retryOfId: runId },
      steps: version.plan.steps.map((s) => newStep(newId, s.id)),
      events: [{ type: "run.queued", data: { planVersionId: version.id, inputs } }, ...reused],
    };
    const queued = this.queued(old.run.options);
    const { events, records } = await this.o.store.createRun(newRun, queued ? undefined : this.claimInfo);
    this.o.bus.publish(events);
    if (queued) await this.inQueue(() => queued.advance(newId));
    // As for a new run: what was just written is what a load would read, so start from it.
    else this.launch(newId, { ...records, plan: version.plan });
    return newId;
  }

  /**
   * "Re-plan from here": a person asks for a new remainder of a failed run, or of a run that
   * waits for their approval of a step (that step is re-planned). The proposal waits for them
   * (decideReplan); rejecting it leaves the run failed, or waiting, as it was.
   */
  async replanFromHere(runId: string): Promise<void> {
    if (!this.o.replan) throw new EngineError("invalid_request", "This Trellis cannot re-plan runs (no planner is configured for it).");
    const loaded = await this.mustLoad(runId);
    const queued = this.queued(loaded.run.options);
    if (queued && !this.executors.has(runId)) return this.inQueue(() => queued.replanFromHere(runId, this.replanDeps()));
    const waiting = loaded.run.status === "awaiting_approval" ? loaded.steps.find((s) => s.status === "awaiting_approval") : undefined;
    if (waiting) {
      const ex = await this.executorFor(runId);
      try {
        await ex.replanWaiting(waiting.stepId);
      } catch (err) {
        throw new EngineError("conflict", (err as Error).message);
      }
      return;
    }
    if (loaded.run.status !== "failed") throw new EngineError("conflict", `run ${runId} is ${loaded.run.status}; only a failed run or one waiting for a step's approval can be re-planned from here`);
    await this.writeStored(runId, async (current) => {
      if (current.run.status !== "failed") throw new EngineError("conflict", `run ${runId} is ${current.run.status}; only a failed run can be re-planned from here`);
      const outcome = await replanStored(this.replanDeps(), current, await this.o.store.events(runId));
      if (outcome.kind === "failed") throw new EngineError("conflict", outcome.failure.message, outcome.failure.details);
      return outcome.events;
    });
  }

  /** A person's decision on a re-plan that waits for one: accepted, the run goes on with it; rejected, the run fails as it would have. */
  async decideReplan(runId: string, decision: "accept" | "reject", who: { by?: string; comment?: string } = {}): Promise<void> {
    const queued = this.queued((await this.mustLoad(runId)).run.options);
    if (queued && !this.executors.has(runId)) return this.inQueue(() => queued.decideReplan(runId, decision, who));
    await this.writeStored(runId, async (current) => {
      const proposed = await pendingReplan(this.o.store, current);
      if (!proposed) throw new EngineError("conflict", `run ${runId} has no re-plan waiting for a decision`);
      return decideReplan(proposed, decision, who, current);
    });
    if (decision === "accept") this.launch(runId);
  }

  /** Resumes every unfinished run that no other live engine holds. Returns the ids it looked at. */
  async resumeAll(): Promise<string[]> {
    // Queue mode: nothing runs here; the reconciler hands out the jobs of ready steps that have none.
    if (this.o.queue) return this.o.queue.reconcile();
    this.plannedStop ??= this.o.plannedStopFile ? takePlannedStop(this.o.plannedStopFile) : {};
    const ids = (await this.o.store.unfinished()).filter((id) => !this.executors.has(id));
    for (const id of ids) this.launch(id);
    return ids;
  }

  /** Waits for the runs this engine is executing to reach a pause or an end. */
  async idle(): Promise<void> {
    await Promise.all([...this.executors.values()].map((e) => e.finishedPromise));
  }

  /**
   * For a server told to stop: writes down, at once, the steps it is running, so that the
   * resume after it does not take the stop for a crash. The runs go on until the process exits.
   */
  notePlannedStop(): void {
    if (!this.o.plannedStopFile) return;
    const stop: PlannedStop = {};
    for (const [runId, ex] of this.executors) {
      const steps = ex.inFlight();
      if (steps.length) stop[runId] = steps;
    }
    writePlannedStop(this.o.plannedStopFile, stop);
  }

  activeRuns(): string[] {
    return [...this.executors.keys()];
  }

  // ---- internals ----

  /** The queue a run goes to: none for a dry run, which runs here. */
  private queued(options: { dryRun?: boolean }): QueueMode | undefined {
    if (options.dryRun || !this.o.queue) return undefined;
    return this.o.queue;
  }

  /** A queue-mode change; a request the run's stored state refuses is a conflict. */
  private async inQueue(change: () => Promise<void>): Promise<void> {
    try {
      await change();
    } catch (err) {
      if (err instanceof Error && err.name === "RunStateConflict") throw new EngineError("conflict", err.message);
      throw err;
    }
  }

  /**
   * Claims a run for this engine: when nobody holds it, its lease ran out, or its holder is an
   * earlier process of this engine that stopped (a server killed and started again finds its
   * runs claimed by its dead self, with up to a whole lease left).
   */
  private async claim(runId: string): Promise<boolean> {
    if (await this.o.store.claim(runId, this.claimInfo)) return true;
    const holder = await this.o.store.holder(runId);
    if (!holder || !isEarlierSelfGone(holder.ownerId, this.claimInfo.ownerId)) return false;
    const taken = await this.o.store.claim(runId, this.claimInfo, { from: holder.ownerId });
    if (taken) this.log("info", `run ${runId}: took over the claim of ${holder.ownerId}, an earlier process of this engine that stopped`);
    return taken;
  }

  private async cancelStored(runId: string, reason: string, ending?: RunExecutor): Promise<void> {
    // An executor here that is writing the run's end: read the run once that is stored.
    if (ending) await ending.finishedPromise;
    await this.committer.settled(runId);
    const before = await this.mustLoad(runId);
    if (TERMINAL_RUN.has(before.run.status)) throw new EngineError("conflict", `run ${runId} has already ${before.run.status}`);
    if (!(await this.claim(runId))) throw new EngineError("conflict", `run ${runId} is being executed by another Trellis process; send this request to that process (for the CLI: --server).`);
    try {
      // Read again under the claim: what the previous holder stored last is the end of the log.
      const loaded = await this.mustLoad(runId);
      if (TERMINAL_RUN.has(loaded.run.status)) throw new EngineError("conflict", `run ${runId} has already ${loaded.run.status}`);
      this.committer.track(runId, loaded.run.lastSeq);
      try {
        await this.committer.commit({ runId, events: cancellationEvents(loaded, reason) }).stored;
      } catch (err) {
        if (err instanceof SeqConflictError) throw new EngineError("conflict", `run ${runId} was taken over by another Trellis process while it was being cancelled`);
        throw err;
      } finally {
        this.committer.untrack(runId);
      }
    } finally {
      await this.o.store.release(runId, this.claimInfo.ownerId).catch(() => undefined);
    }
  }

  /**
   * Writes events for a run no executor here runs (a failed run, one waiting for a person), under
   * its claim: `events` reads the run as stored under the claim and says what to write.
   */
  private async writeStored(runId: string, events: (loaded: LoadedRun) => Promise<NewEvent[]>): Promise<void> {
    const live = this.executors.get(runId);
    if (live && !live.isFinished) throw new EngineError("conflict", `run ${runId} is running`);
    // An executor that just ended here releases its claim as it winds down: not after ours is taken.
    if (live) await live.finishedPromise.then(() => Promise.allSettled([...this.windingDown]));
    await this.committer.settled(runId);
    if (!(await this.claim(runId))) throw new EngineError("conflict", `run ${runId} is being executed by another Trellis process; send this request to that process (for the CLI: --server).`);
    try {
      const loaded = await this.mustLoad(runId);
      const toWrite = await events(loaded);
      this.committer.track(runId, loaded.run.lastSeq);
      try {
        await this.committer.commit({ runId, events: toWrite }).stored;
      } catch (err) {
        if (err instanceof SeqConflictError) throw new EngineError("conflict", `run ${runId} was taken over by another Trellis process meanwhile`);
        throw err;
      } finally {
        this.committer.untrack(runId);
      }
    } finally {
      await this.o.store.release(runId, this.claimInfo.ownerId).catch(() => undefined);
    }
  }

  private replanDeps(): ReplanDeps {
    return { service: this.o.replan!, store: this.o.store, catalog: this.o.registry.catalog, redact: this.o.redact };
  }

  /**
   * Checks a plan version against today's catalog (an action may have gone or changed since it
   * was saved). A version never changes and a catalog object is replaced whenever its actions
   * change, so a version found valid against this catalog, within this step limit, is not checked
   * again (a retry of a 10,000-step run would spend most of its time here).
   */
  private checkPlan(plan: Plan, maxSteps: number, versionId: string) {
    const catalog = this.o.registry.catalog;
    const key = `${versionId}\u0000${maxSteps}`;
    let valid = this.validVersions.get(catalog);
    if (valid?.has(key)) return;
    const check = validatePlan(plan, catalog, { maxSteps });
    if (check.valid) {
      if (!valid) this.validVersions.set(catalog, (valid = new Set()));
      if (valid.size >= VALID_VERSIONS_KEPT) valid.delete(valid.values().next().value!);
      valid.add(key);
      return;
    }
    const errors = check.issues.filter((i) => i.severity === "error");
    throw new EngineError("invalid_plan", `the plan has ${errors.length} error${errors.length === 1 ? "" : "s"} and cannot run: ${errors[0].message}`, errors satisfies ValidationIssue[]);
  }

  /**
   * A plan with LLM steps cannot run without a provider: it is refused before it starts, with
   * the steps named, rather than failing at its first LLM step after the others ran.
   */
  private checkLlm(plan: Plan) {
    if (this.o.llm) return;
    const steps = plan.steps.filter((s) => this.o.registry.catalog.get(s.action)?.usesLlm === true).map((s) => ({ stepId: s.id, action: s.action }));
    if (!steps.length) return;
    const named = steps.slice(0, 5).map((s) => `${s.stepId} (${s.action})`).join(", ") + (steps.length > 5 ? ` and ${steps.length - 5} more` : "");
    throw new EngineError(
      "llm_not_configured",
      `this plan needs an LLM and no LLM provider is configured: ${steps.length === 1 ? "step" : "steps"} ${named}. Set OPENAI_API_KEY (and OPENAI_BASE_URL for an OpenAI-compatible server) and start Trellis again.`,
      { steps },
    );
  }

  private checkInputs(plan: Plan, given: Record<string, unknown>): Record<string, unknown> {
    const known = new Set(plan.inputs.map((i) => i.name));
    const unknown = Object.keys(given).filter((k) => !known.has(k));
    if (unknown.length) throw new EngineError("invalid_inputs", `the plan has no input ${unknown.map((u) => `"${u}"`).join(", ")}`, { unknown });
    const { inputs, missing } = applyInputDefaults(plan, given);
    if (missing.length) throw new EngineError("invalid_inputs", `missing plan input${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`, { missing });
    for (const pi of plan.inputs) {
      if (inputs[pi.name] === undefined) continue;
      const errs = checkValue(inputs[pi.name], pi.schema);
      if (errs.length) throw new EngineError("invalid_inputs", `plan input "${pi.name}": ${formatValueErrors(errs)}`, { input: pi.name });
      const unstorable = findUnstorable(inputs[pi.name], `inputs${/^[A-Za-z_$][\w$]*$/.test(pi.name) ? `.${pi.name}` : `[${JSON.stringify(pi.name)}]`}`);
      if (unstorable) throw new EngineError("invalid_inputs", `plan input "${pi.name}" cannot be stored: ${unstorable.message}`, { input: pi.name, ...unstorable });
    }
    return inputs;
  }

  private async mustLoad(runId: string): Promise<LoadedRun> {
    const loaded = await this.o.store.load(runId);
    if (!loaded) throw new EngineError("not_found", `run ${runId} does not exist`);
    return loaded;
  }

  private async executorFor(runId: string): Promise<RunExecutor> {
    const existing = this.executors.get(runId);
    if (existing) {
      if (!existing.isFinished) return existing;
      // It is writing the run's end: read the run once that is stored.
      await existing.finishedPromise;
    }
    await this.committer.settled(runId);
    const loaded = await this.mustLoad(runId);
    if (TERMINAL_RUN.has(loaded.run.status)) throw new EngineError("conflict", `run ${runId} has already ${loaded.run.status}`);
    const skips = await this.skipsOf(loaded);
    const again = this.executors.get(runId);
    if (again && !again.isFinished) return again;
    if (this.cancelling.has(runId)) throw new EngineError("conflict", `run ${runId} is being cancelled`);
    if (!(await this.claim(runId))) {
      throw new EngineError("conflict", `run ${runId} is being executed by another Trellis process; send this request to that process (for the CLI: --server).`);
    }
    // Started here meanwhile (a resume), or being cancelled.
    if (this.cancelling.has(runId)) throw new EngineError("conflict", `run ${runId} is being cancelled`);
    const meanwhile = this.executors.get(runId);
    if (meanwhile && !meanwhile.isFinished) return meanwhile;
    const ex = this.newExecutor(loaded, skips);
    if (loaded.run.status !== "awaiting_approval") await ex.start();
    return ex;
  }

  private launch(runId: string, fresh?: LoadedRun, start: { afterReplan?: boolean } = {}) {
    void (async () => {
      if (this.executors.has(runId) || this.cancelling.has(runId)) return;
      // A run being ended here because its events could not be stored is not resumed meanwhile.
      if (!fresh) await this.committer.settled(runId);
      const loaded = fresh ?? (await this.o.store.load(runId));
      if (!loaded || TERMINAL_RUN.has(loaded.run.status) || this.executors.has(runId)) return;
      const skips = await this.skipsOf(loaded);
      // A new run is claimed when it is created; a stored one only if no live engine holds it.
      if (!fresh && !(await this.claim(runId))) return;
      if (this.executors.has(runId) || this.cancelling.has(runId)) return;
      const ex = this.newExecutor(loaded, skips);
      await ex.start(start);
    })().catch((err) => this.log("error", `run ${runId} could not start: ${(err as Error).message}`));
  }

  /**
   * The skip events of a run that has skipped steps: which a condition caused and the cause each
   * named are said only there, and a run going on from its stored state (a resume, a decision, a
   * re-plan) skips what follows with them.
   */
  private async skipsOf(loaded: LoadedRun): Promise<RunEvent[]> {
    if (!loaded.steps.some((s) => s.status === "skipped")) return [];
    return this.o.store.lastEvents(loaded.run.id, "step.skipped", MAX_SKIP_EVENTS);
  }

  private newExecutor(loaded: LoadedRun, skips: readonly RunEvent[]): RunExecutor {
    const ex = new RunExecutor(
      {
        registry: this.o.registry,
        committer: this.committer,
        globalLimiter: this.limiter,
        runConcurrency: this.o.runConcurrency ?? 8,
        llm: this.o.llm,
        workspaceFor: (id) => {
          const dir = path.join(this.o.workspaceRoot, id);
          mkdirSync(dir, { recursive: true });
          return dir;
        },
        log: (level, message) => this.log(level, message),
        runStarts: (runId) => this.o.store.lastEvents(runId, "run.started", QUARANTINE_AFTER_CRASHES),
        undoneSteps: async (runId) => (await this.o.store.lastEvents(runId, "step.undone", MAX_UNDONE_EVENTS)).map((e) => e.stepId!),
        itemEvents: async (runId, stepId) => (await this.o.store.events(runId)).filter((e) => e.stepId === stepId && isItemEvent(e)) as ItemEvent[],
        replan: this.o.replan ? (input) => replanRun(this.replanDeps(), input) : undefined,
        plannedStop: (runId) => {
          // once: a later resume of the run by this process follows a stop of this process's own
          const steps = this.plannedStop?.[runId] ?? [];
          delete this.plannedStop?.[runId];
          return steps;
        },
      },
      loaded,
      skips,
    );
    this.executors.set(loaded.run.id, ex);
    this.startHeartbeat();
    const windDown: Promise<void> = ex.finishedPromise.then(async () => {
      if (this.executors.get(loaded.run.id) !== ex) return;
      this.executors.delete(loaded.run.id);
      this.committer.untrack(loaded.run.id);
      // A run whose events could not be stored is given up only once its failed end is.
      await this.committer.settled(loaded.run.id);
      // Re-planned: the run goes on with its new version, under the claim it holds.
      if (ex.continuesReplanned) return this.launch(loaded.run.id, (await this.o.store.load(loaded.run.id)) ?? undefined, { afterReplan: true });
      await this.o.store.release(loaded.run.id, this.claimInfo.ownerId).catch(() => undefined);
    }).finally(() => this.windingDown.delete(windDown));
    this.windingDown.add(windDown);
    return ex;
  }

  /** Renews the claims on the runs in memory; a run whose claim was lost stops here. */
  private startHeartbeat() {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      const ids = [...this.executors.keys()];
      if (!ids.length) return;
      void this.o.store.renew(ids, this.claimInfo).then(
        (held) => {
          const kept = new Set(held);
          for (const id of ids) if (!kept.has(id)) this.executors.get(id)?.abandon("another engine took the run over");
        },
        (err) => this.log("warn", `renewing run claims failed: ${(err as Error).message}`),
      );
    }, Math.max(50, Math.floor(this.claimInfo.leaseMs / 3)));
    this.heartbeat.unref();
  }

  private log(level: "info" | "warn" | "error", message: string) {
    (this.o.log ?? defaultLog)(level, message);
  }
}

function defaultLog(level: string, message: string) {
  if (level === "error") console.error(`[trellis] ${message}`);
}

const onRejectFailRun = (loaded: LoadedRun) => loaded.run.options.onReject === "fail_run";

function newStep(runId: string, stepId: string): NewRun["steps"][number] {
  return { stepId, idempotencyKey: `${runId}:${stepId}` };
}

export type { ApprovalDecision };

/**
 * Leaves in `reusable` only the steps whose dependencies are all reusable, transitively: one walk
 * up from each step, each step decided once (iterative: a 10,000-step chain is 10,000 deep).
 */
function keepReusedUpstream(plan: Plan, reusable: Set<string>): void {
  const { defs, deps } = planShape(plan);
  const decided = new Map<string, boolean>();
  for (const root of [...reusable]) {
    const stack: { id: string; deps: readonly string[]; i: number }[] = [];
    const enter = (id: string) => {
      if (!reusable.has(id)) { decided.set(id, false); return; }
      stack.push({ id, deps: deps.get(id)!, i: 0 });
    };
    if (!decided.has(root)) enter(root);
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.i < top.deps.length) {
        const d = top.deps[top.i];
        if (d === top.id || !defs.has(d)) { top.i++; continue; }
        const known = decided.get(d);
        if (known === undefined) { decided.set(d, false); enter(d); continue; } // a cycle cannot be reused: marked before its walk
        top.i++;
        if (!known) { decided.set(top.id, false); stack.pop(); }
        continue;
      }
      decided.set(top.id, true);
      stack.pop();
    }
  }
  for (const id of reusable) if (!decided.get(id)) reusable.delete(id);
}
