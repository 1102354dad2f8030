/**
 * Queue mode's scheduling step: what a run's stored state (and the events about to be appended
 * with it) leads to. Called inside the transaction that holds the run's row lock (see
 * PrismaRunStore.appendLocked), after every change: a run that is queued starts, steps whose
 * dependencies ended without an output are skipped, a failure under fail-fast stops the run, the
 * run ends when nothing is left (a failed run that undoes its writes first leaves its end to its
 * rollback job, rollback-job.ts; a step's failure in a run that re-plans on failure leaves what
 * follows to its replan job, replan-job.ts), and the ready steps are handed out as jobs up to
 * the run's concurrency, counting the steps that run on any worker.
 *
 * The rules are the run executor's (run-executor.ts), over stored state instead of memory.
 */
import { foldRunEvent, type Failure, type RunEvent, type RunState, type Step, type Usage, TERMINAL_RUN } from "../../core";
import type { ArtifactStore } from "../artifact-store";
import { applyInputDefaults, resolveRunOutputs } from "../resolve-inputs";
import { planShape } from "../plan-shape";
import { quarantineFailures } from "../quarantine";
import { checkRunResult } from "../check-result";
import { runStateOfRecords, stampEvent, type LoadedRun, type NewEvent } from "../run-store";
import { blockedBy, blockedSkipData, dependenciesMet, SkipFacts, type StepView } from "../branches";
/** A job to hand out: run `stepId`'s attempt `attempt`, after `delayMs`. */
export interface StepJob {
  runId: string;
  stepId: string;
  attempt: number;
  delayMs?: number;
}

export interface Advance {
  /** the events to append, after the ones given */
  events: NewEvent[];
  /** jobs to enqueue once the transaction commits */
  jobs: StepJob[];
  /** the run stopped: its running steps are to be told (cancel notification) */
  stopped: boolean;
  /**
   * The run fails and asks for its writes to be undone first (rollbackOnFailure): a rollback job
   * (rollback-job.ts) undoes them and then stores the run's end, as the run executor's end waits
   * for its undos. Said again by every change until the run has ended, so the reconciler heals a
   * rollback job that was never added or was lost.
   */
  rollback: boolean;
  /**
   * A step failed for good and the run re-plans (run option `replan.onFailure`): no step starts
   * any more and, once the steps running now have ended, a replan job (replan-job.ts) asks the
   * planner and stores what it says, as the run executor re-plans once its running steps end.
   * Said again by every change until the re-plan is stored, so the reconciler heals a replan job
   * that was never added or was lost.
   */
  replan: boolean;
}

/** A run's state with `events` folded in, as it will be once they are stored. */
export function stateAfter(loaded: LoadedRun, events: readonly NewEvent[]): RunState {
  const state = runStateOfRecords(loaded.run, loaded.steps);
  foldNew(state, events);
  return state;
}

function foldNew(state: RunState, events: readonly NewEvent[]): void {
  const at = new Date().toISOString();
  for (const e of events) foldRunEvent(state, stampEvent(e, state.lastSeq + 1, state.id, at));
}

/**
 * What follows from `loaded` once `before` (events this change appends) are stored. Pure but for
 * reading artifacts to resolve the run's outputs at its end.
 */
export async function advanceRun(loaded: LoadedRun, before: readonly NewEvent[], o: { runConcurrency: number; artifacts: Pick<ArtifactStore, "materialize" | "externalize">; reconcile?: boolean; skipEvents?: () => Promise<RunEvent[]>; rolledBack?: boolean }): Promise<Advance> {
  const state = stateAfter(loaded, before);
  const out: Advance = { events: [], jobs: [], stopped: false, rollback: false, replan: false };
  if (TERMINAL_RUN.has(state.status)) return out;
  // What the run's skips said (their causes, which a condition caused): read only when a step is
  // skipped for want of an input, from the stored events and the ones this change appends.
  let facts: SkipFacts | undefined;
  const skipFacts = async () => (facts ??= SkipFacts.of([...((await o.skipEvents?.()) ?? []), ...before, ...out.events]));
  const fire = (events: NewEvent[]) => {
    out.events.push(...events);
    foldNew(state, events);
    if (facts) for (const e of events) facts.note(e);
  };
  if (state.status === "queued") fire([{ type: "run.started", data: {} }]);

  const plan = loaded.plan;
  // the plan version's graph, built once per version (plan-shape.ts), not once per change
  const shape = planShape(plan);
  const { defs, index, order } = shape;
  const outputs = new Map<string, unknown>();
  for (const id in state.steps) {
    const s = state.steps[id];
    if (s.status === "succeeded" || ((s.status === "failed" || s.status === "skipped") && s.output !== undefined && s.output !== null)) outputs.set(id, s.output);
  }
  const hasOutput = (id: string) => outputs.has(id);
  const step = (id: string) => state.steps[id];
  // As in the run executor: a failure (not a cancel, not a result that does not fit) undoes the
  // writes of the steps that succeeded in this run before the run's end is stored.
  const undoFirst = () => Boolean(loaded.run.options.rollbackOnFailure && !o.rolledBack && Object.values(state.steps).some((s) => s.status === "succeeded" && !s.reusedFromRunId));
  const view: StepView = { shape, status: (id) => step(id)?.status, hasOutput };

  // A failure that stops the run (fail fast): the first step that failed without an output.
  const hardFailure = () => plan.steps.find((d) => step(d.id)?.status === "failed" && !hasOutput(d.id) && d.onError !== "continue");
  {
    // A quarantined step (step-job.ts: it stopped its workers again and again) fails the run
    // whatever its failure policy, as in the executor.
    const quarantined = plan.steps.filter((d) => step(d.id)?.status === "failed" && isQuarantine(step(d.id).failure));
    const failed = quarantined[0] ?? hardFailure();
    // As in the run executor: a step that failed for good makes a run that re-plans on failure
    // re-plan (whatever its failure policy), unless it was quarantined or rejected.
    if (failed && !quarantined.length && replansOnFailure(loaded) && step(failed.id).failure?.code !== "rejected") {
      const busy = plan.steps.filter((d) => step(d.id)?.status === "running" || step(d.id)?.status === "retrying");
      if (o.reconcile) for (const d of busy) out.jobs.push({ runId: state.id, stepId: d.id, attempt: step(d.id).status === "running" ? step(d.id).attempts : step(d.id).attempts + 1 });
      if (!busy.length) out.replan = true;
      return out;
    }
    // A rejection under onReject "fail_run" stops the run whatever its failure policy, as in the executor.
    if (failed && (quarantined.length || loaded.run.options.failurePolicy === "fail_fast" || step(failed.id).failure?.code === "rejected")) {
      const reason = quarantined.length ? "the run was quarantined" : "the run stopped after a failure";
      for (const d of plan.steps) {
        const st = step(d.id)?.status;
        if (st === "running" || st === "retrying") { fire([{ type: "step.cancelled", stepId: d.id, data: { reason } }]); out.stopped = true; }
        else if (st === "pending" || st === "queued" || st === "awaiting_approval") fire([{ type: "step.skipped", stepId: d.id, data: { reason } }]);
      }
      const failure = step(failed.id).failure ?? { code: "internal", message: "the step failed", retryable: false };
      const runFailure = quarantined.length
        ? quarantineFailures({ steps: quarantined.map((d) => d.id), crashes: Math.max(...quarantined.map((d) => (step(d.id).failure!.details as { crashes: number }).crashes)) }).run
        : { ...failure, message: `step "${failed.id}" failed: ${failure.message}` };
      if (undoFirst()) {
        out.rollback = true;
        return out;
      }
      fire([{ type: "run.failed", data: { failure: runFailure, ...totalUsage(state) } }]);
      out.stopped = true;
      return out;
    }
  }

  // Skips, in dependency order so a skip's cause is stored before its effects. A step whose
  // dependencies all ended as it needs is ready: its condition and merges are asked when a worker
  // claims it (step-job.ts), as the run executor asks them when it launches the step.
  const ready: Step[] = [];
  for (const id of order) {
    const s = step(id);
    if (!s || (s.status !== "pending" && s.status !== "queued")) continue;
    if (dependenciesMet(view, id)) { ready.push(defs.get(id)!); continue; }
    const blocked = blockedBy(view, id);
    if (!blocked) continue;
    fire([{ type: "step.skipped", stepId: id, data: blockedSkipData(view, await skipFacts(), blocked, plan.steps.length) }]);
  }

  // Steps on workers now: running, or waiting for their next attempt's delayed job.
  const busy = plan.steps.filter((d) => step(d.id)?.status === "running" || step(d.id)?.status === "retrying");
  // The reconciler hands their jobs out again: a job that exists is left as it is, one that was lost
  // is made again (a delayed retry's then runs at once).
  if (o.reconcile) for (const d of busy) {
    const s = step(d.id);
    out.jobs.push({ runId: state.id, stepId: d.id, attempt: s.status === "running" ? s.attempts : s.attempts + 1 });
  }
  const limit = loaded.run.options.concurrency ?? o.runConcurrency;
  ready.sort((a, b) => index.get(a.id)! - index.get(b.id)!);
  for (const d of ready.slice(0, Math.max(0, limit - busy.length))) out.jobs.push({ runId: state.id, stepId: d.id, attempt: step(d.id).attempts + 1 });
  if (busy.length || ready.length) return out;

  // Nothing runs and nothing can: the run waits for a person, or ends.
  const waiting = plan.steps.filter((d) => step(d.id)?.status === "awaiting_approval").map((d) => d.id);
  if (waiting.length) {
    if (state.status !== "awaiting_approval") fire([{ type: "run.awaiting_approval", data: { steps: waiting } }]);
    return out;
  }
  const stuck = plan.steps.filter((d) => step(d.id)?.status === "pending" || step(d.id)?.status === "queued").map((d) => d.id);
  if (stuck.length) {
    const failure: Failure = { code: "internal", message: `steps ${stuck.join(", ")} could never become ready`, retryable: false };
    fire([{ type: "run.failed", data: { failure, ...totalUsage(state) } }]);
    return out;
  }
  // As in the run executor: any step that failed without an output fails the run at its end.
  const failed = plan.steps.find((d) => step(d.id)?.status === "failed" && !hasOutput(d.id));
  if (failed) {
    const failure = step(failed.id).failure ?? { code: "internal", message: "the step failed", retryable: false };
    if (undoFirst()) out.rollback = true;
    else fire([{ type: "run.failed", data: { failure: { ...failure, message: `step "${failed.id}" failed: ${failure.message}` }, ...totalUsage(state) } }]);
    return out;
  }
  const runOutputs = await resolveRunOutputs(plan, applyInputDefaults(plan, loaded.run.inputs).inputs, outputs, o.artifacts as ArtifactStore);
  // As in the run executor: outputs that do not fit the plan's result schema fail the run.
  const invalid = await checkRunResult(plan, runOutputs, o.artifacts);
  if (invalid) {
    fire([{ type: "run.failed", data: { failure: invalid, ...totalUsage(state) } }]);
    return out;
  }
  fire([{ type: "run.succeeded", data: { outputs: runOutputs, ...totalUsage(state) } }]);
  return out;
}

/** The run re-plans when a step fails for good (a dry run never does, as in the run executor). */
export function replansOnFailure(loaded: LoadedRun): boolean {
  return Boolean(loaded.run.options.replan?.onFailure && !loaded.run.options.dryRun);
}

function isQuarantine(failure: Failure | null | undefined): boolean {
  const d = failure?.details as { quarantined?: unknown; crashes?: unknown } | undefined;
  return d?.quarantined === true && typeof d.crashes === "number";
}

export function totalUsage(state: RunState): { usage?: Usage } {
  let p = 0, c = 0, any = false;
  for (const s of Object.values(state.steps)) if (s.usage) { any = true; p += s.usage.promptTokens; c += s.usage.completionTokens; }
  return any ? { usage: { promptTokens: p, completionTokens: c } } : {};
}
