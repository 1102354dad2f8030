import type { ActionRegistry, LlmClient } from "../core";
import type { Committer } from "./committer";
import type { Semaphore } from "./semaphore";

/** What every run executor of one engine shares. */
export interface EngineContext {
  registry: ActionRegistry;
  committer: Committer;
  globalLimiter: Semaphore;
  runConcurrency: number;
  llm?: LlmClient;
  workspaceFor(runId: string): string;
  log(level: "info" | "warn" | "error", message: string): void;
}
