import type { Action } from "@/lib/core/action";
import { answerAction } from "./answer";
import { classifyAction } from "./classify";
import { extractAction } from "./extract";
import { summarizeAction } from "./summarize";

/** Text actions backed by the configured LLM provider (they fail clearly without one). */
export function llmTextActions(): Action[] {
  return [summarizeAction, classifyAction, extractAction, answerAction];
}
