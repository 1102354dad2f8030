/**
 * Test helpers for sql.* and text.* actions: a context like the engine's, a
 * scripted LlmClient (the one stand-in allowed: it is the outer edge, the provider),
 * and `runAction`, which parses input and output the way the engine does.
 */
import type { z } from "zod";
import type { Action, ActionContext, LlmClient, LogLevel, TokenUsage } from "@/lib/core/action";

export interface TestCtx extends ActionContext {
  logs: Array<{ level: LogLevel; message: string; data?: unknown }>;
  usage: TokenUsage[];
}

export function makeTestCtx(options: { llm?: LlmClient; signal?: AbortSignal } = {}): TestCtx {
  const logs: TestCtx["logs"] = [];
  const usage: TokenUsage[] = [];
  return {
    signal: options.signal ?? new AbortController().signal,
    log: (level, message, data) => void logs.push({ level, message, data }),
    progress: () => {},
    runId: "run-test",
    stepId: "step-test",
    attempt: 1,
    idempotencyKey: "run-test/step-test",
    workspaceDir: "/tmp/trellis-test-workspace",
    llm: options.llm,
    reportUsage: (u) => void usage.push(u),
    logs,
    usage,
  };
}

export type LlmRequest = Parameters<LlmClient["complete"]>[0];

/** An LlmClient that answers from a script: fixed texts in order (the last repeats), or a function. */
export function scriptedLlm(
  answers: string | string[] | ((request: LlmRequest) => string),
  usage: TokenUsage = { promptTokens: 120, completionTokens: 30 },
): LlmClient & { requests: LlmRequest[] } {
  const requests: LlmRequest[] = [];
  return {
    model: "scripted-test-model",
    requests,
    async complete(request) {
      requests.push(request);
      const list = typeof answers === "string" ? [answers] : answers;
      const text = typeof list === "function" ? list(request) : list[Math.min(requests.length - 1, list.length - 1)];
      return { text, usage };
    },
  };
}

/** input.parse → run → output.parse, as the engine runs a step. */
export async function runAction<A extends Action>(
  action: A,
  raw: unknown,
  ctx: ActionContext = makeTestCtx(),
): Promise<z.output<A["output"]>> {
  const input = action.input.parse(raw);
  const result = await action.run(input, ctx);
  return action.output.parse(result) as z.output<A["output"]>;
}
