"use server";
import { RequestError } from "@/lib/server/errors";
import { RefineRequest, refinePlan, type RefineResult } from "@/lib/server/plan-editing";
import { parsePlanId } from "@/lib/server/plans";

export type RefineOutcome = { ok: true; result: RefineResult } | { ok: false; error: string };

/** "Refine with AI": the planner proposes a changed plan; nothing is saved. */
export async function refinePlanAction(planId: string, input: { instruction: string; plan: unknown }): Promise<RefineOutcome> {
  const parsed = RefineRequest.safeParse(input);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid request." };
  try {
    return { ok: true, result: await refinePlan(parsePlanId(planId), parsed.data.instruction, parsed.data.plan) };
  } catch (err) {
    if (err instanceof RequestError) return { ok: false, error: err.message };
    console.error("[trellis] refine failed", err);
    return { ok: false, error: "The planner hit an unexpected error; the server log has the details." };
  }
}
