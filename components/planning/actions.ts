"use server";
/** The goal form's server action: plans and opens the plan without JavaScript (the form streams progress when it can). */
import { redirect } from "next/navigation";
import { RequestError } from "@/lib/server/errors";
import { planAndSave, PlanRequestBody } from "@/lib/server/planning";
import { parseInputLines } from "./input-lines";

export interface GoalFormState {
  error?: string;
  goal?: string;
}

export async function planGoalAction(_previous: GoalFormState, form: FormData): Promise<GoalFormState> {
  const goal = String(form.get("goal") ?? "");
  const lines = parseInputLines(String(form.get("inputs") ?? ""));
  if (lines.errors.length) return { error: lines.errors.join("\n"), goal };
  const flows = form.getAll("flow").map(String).filter(Boolean);
  const parsed = PlanRequestBody.safeParse({ goal, flows, ...(Object.keys(lines.values).length ? { inputs: lines.values } : {}) });
  if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join("\n"), goal };
  let url: string;
  try {
    const { basePlanId, ...request } = parsed.data;
    const saved = await planAndSave(request, { basePlanId });
    url = `/plans/${saved.planId}`;
  } catch (err) {
    if (err instanceof RequestError) return { error: err.message, goal };
    console.error("[planning] server action failed", err);
    return { error: "Planning failed on the server; the error is in its log.", goal };
  }
  redirect(url);
}
