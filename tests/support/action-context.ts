/**
 * A full ActionContext for tests, plus `runAction`, which runs an action the way the
 * engine does (parse input, run, parse output) so a test also proves the output fits
 * the declared schema.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { z } from "zod";
import type { Action, ActionContext, LogLevel } from "@/lib/core/action";

export interface TestContext extends ActionContext {
  controller: AbortController;
  logs: { level: LogLevel; message: string; data?: unknown }[];
  progressReports: { fraction: number; message?: string }[];
}

export function testContext(options: { workspaceDir?: string; stepId?: string; attempt?: number } = {}): TestContext {
  const controller = new AbortController();
  const logs: TestContext["logs"] = [];
  const progressReports: TestContext["progressReports"] = [];
  const stepId = options.stepId ?? "step_1";
  return {
    controller,
    logs,
    progressReports,
    signal: controller.signal,
    log: (level, message, data) => void logs.push({ level, message, data }),
    progress: (fraction, message) => void progressReports.push({ fraction, message }),
    runId: "run_test",
    stepId,
    attempt: options.attempt ?? 1,
    idempotencyKey: `run_test:${stepId}`,
    // A fresh folder that nothing else uses, so a test that forgets to pass one cannot write into the repo.
    workspaceDir: options.workspaceDir ?? path.join(os.tmpdir(), `trellis-test-${randomUUID()}`),
  };
}

export async function runAction<I extends z.ZodType, O extends z.ZodType>(
  action: Action<I, O>,
  raw: unknown,
  ctx: ActionContext = testContext(),
): Promise<z.output<O>> {
  const input = action.input.parse(raw);
  const result = await action.run(input, ctx);
  return action.output.parse(result);
}
