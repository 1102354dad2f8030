"use server";
/** Server actions for the run pages: parse, call one lib function, return a result the form can show. */
import { z } from "zod";
import { isNamedError } from "@/lib/server/errors";
import { DecisionBody, RetryBody, StartRunBody, approveStep, cancelRun, rejectStep, retryRun, startRun } from "@/lib/server/runs";

export type ActionResult<T = unknown> = { ok: true; value: T } | { ok: false; error: string };

async function attempt<T>(fn: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (isNamedError(err, "EngineError") || isNamedError(err, "RequestError")) return { ok: false, error: err.message };
    if (err instanceof z.ZodError) return { ok: false, error: err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
    console.error("[trellis] run action failed", err);
    return { ok: false, error: "Trellis hit an unexpected error; the server log has the details." };
  }
}

export async function startRunAction(planId: string, body: unknown) {
  return attempt(() => startRun(z.string().parse(planId), StartRunBody.parse(body)));
}
export async function cancelRunAction(runId: string) {
  return attempt(() => cancelRun(z.string().parse(runId)));
}
export async function approveStepAction(runId: string, body: unknown) {
  return attempt(() => approveStep(z.string().parse(runId), DecisionBody.parse(body)));
}
export async function rejectStepAction(runId: string, body: unknown) {
  return attempt(() => rejectStep(z.string().parse(runId), DecisionBody.parse(body)));
}
export async function retryRunAction(runId: string, body: unknown) {
  return attempt(() => retryRun(z.string().parse(runId), RetryBody.parse(body)));
}
