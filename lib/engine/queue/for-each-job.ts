/**
 * A for-each step as one step job on a worker, through the parts it shares with the run executor
 * (lib/engine/for-each.ts): the job's claim started the step (step-job.ts); the job runs the
 * items that have not ended, up to the step's concurrency and never more than the run's limit,
 * their `step.item.*` events and log lines written in order as they come; then it commits the
 * step's end as the run executor fires it, if the step still runs this attempt.
 *
 * A worker that stops mid-step leaves its finished items in the run's events: the job, run again
 * on another worker, reads them back and does not run those items again.
 */
import type { Action, ItemEvent, LlmClient, Step } from "../../core";
import { ArtifactStore } from "../artifact-store";
import { failingAsWhole, runItems, type ItemsHost } from "../for-each";
import type { NewEvent, RunRecord } from "../run-store";
import type { RootOf } from "../step-gate";
import { stepFailedEvent } from "../step-run";
import type { QueueRuns } from "./queue-runs";

/** What the claim of a for-each step's job read under the run's lock. */
export interface ForEachJob {
  run: RunRecord;
  def: Step;
  attempt: number;
  idempotencyKey: string;
  action: Action;
  items: unknown[];
  runInputs: Record<string, unknown>;
  outputs: ReadonlyMap<string, unknown>;
  /** why a step before it has no output, for an item's condition */
  rootOf: RootOf;
  /** the run's concurrency limit */
  limit: number;
}

export interface ForEachJobDeps {
  runs: Pick<QueueRuns, "change">;
  llm?: LlmClient;
  workspaceFor(runId: string): string;
  /** a step's item events in a run, oldest first */
  itemEvents(runId: string, stepId: string): Promise<ItemEvent[]>;
  /** queues events to be stored in order, without moving the run on */
  write(events: NewEvent[]): void;
  /** resolves once every event queued so far is stored */
  written(): Promise<void>;
}

/** Runs the step's items until they end or `stop` aborts (the run was cancelled or failed elsewhere), then commits the step's end. */
export async function runForEachJob(d: ForEachJobDeps, j: ForEachJob, stop: AbortSignal): Promise<void> {
  const runId = j.run.id;
  const stepId = j.def.id;
  const workspace = d.workspaceFor(runId);
  // the attempts and retry waits of the items running here, all stopped with the job
  const tracked = new Map<string, AbortController>();
  const stopItems = () => { for (const ac of tracked.values()) ac.abort(stop.reason); };
  stop.addEventListener("abort", stopItems, { once: true });
  const stopping = () => (stop.aborted ? (stop.reason instanceof Error ? stop.reason.message : "cancelled") : null);
  const host: ItemsHost = {
    runId,
    ctx: { itemEvents: d.itemEvents, workspaceFor: d.workspaceFor },
    run: j.run,
    workspace,
    artifacts: new ArtifactStore(workspace),
    outputs: j.outputs,
    limit: j.limit,
    runInputs: () => j.runInputs,
    fire: d.write,
    stopping,
    track: (key, ac) => (ac ? tracked.set(key, ac) : tracked.delete(key)),
    attemptContext: (def, attempt, timeoutMs) => ({ runId, stepId: def.id, attempt, idempotencyKey: j.idempotencyKey, workspaceDir: workspace, llm: d.llm, timeoutMs, fire: d.write }),
    rootOf: j.rootOf,
  };
  const t0 = performance.now();
  let end;
  try {
    end = await runItems(host, j.def, j.action, j.items);
  } finally {
    stop.removeEventListener("abort", stopItems);
  }
  // the items' events are stored before the step's end
  await d.written();
  const ms = Math.round(performance.now() - t0);
  await d.runs.change(runId, async (loaded) => {
    const s = loaded.steps.find((x) => x.stepId === stepId);
    if (!s || s.status !== "running" || s.attempts !== j.attempt || loaded.run.status === "cancelled") return { events: [], result: undefined };
    if (end.kind === "failed") return { events: [stepFailedEvent(failingAsWhole(j.def), j.attempt, end.failure)], result: undefined };
    if (end.kind === "cancelled") return { events: [{ type: "step.cancelled", stepId, data: { reason: stopping() ?? "cancelled" } }], result: undefined };
    return { events: [{ type: "step.succeeded", stepId, data: { attempt: j.attempt, output: end.output, ...(end.usage ? { usage: end.usage } : {}), ms } }], result: undefined };
  });
}
