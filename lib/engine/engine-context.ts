import type { ActionLookup, ItemEvent, LlmClient } from "../core";
import type { Committer } from "./committer";
import type { ReplanInput, ReplanOutcome } from "./replan";
import type { RunStartedEvent } from "./quarantine";
import type { Semaphore } from "./semaphore";

/** What every run executor of one engine shares. */
export interface EngineContext {
  registry: ActionLookup;
  committer: Committer;
  globalLimiter: Semaphore;
  runConcurrency: number;
  llm?: LlmClient;
  workspaceFor(runId: string): string;
  /** the run's last `run.started` events, oldest first: a resume reads whether it resumed before */
  runStarts(runId: string): Promise<RunStartedEvent[]>;
  /** a for-each step's item events in a run, oldest first: a resume or a retry keeps its finished items */
  itemEvents(runId: string, stepId: string): Promise<ItemEvent[]>;
  /** the steps of a run whose undo is stored (`step.undone`): a rollback cut short by a crash goes on from there */
  undoneSteps(runId: string): Promise<string[]>;
  /** the run's steps that an earlier process of this engine was running when it was told to stop (planned-stop.ts) */
  plannedStop(runId: string): readonly string[];
  log(level: "info" | "warn" | "error", message: string): void;
  /** re-plans a run whose step failed for good (replan.ts); unset: this engine cannot */
  replan?(input: ReplanInput): Promise<ReplanOutcome>;
}
