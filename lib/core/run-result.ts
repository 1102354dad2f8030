/**
 * A run's typed result, as the API and the run page show it first: the plan's declared result
 * schema, and where the run is with it. A succeeded run's outputs fit it (`valid`: the engine
 * checked them when the run ended); a run that failed with `result_invalid` names the paths
 * that did not fit (`invalid`); a run still going has none yet (`pending`); a run that ended
 * another way produced none (`none`).
 */
import { z } from "zod";
import { isObject, JsonSchema } from "./json-schema";
import type { Plan } from "./plan";
import type { RunFields } from "./run-state";

export const ResultError = z.object({ path: z.string(), message: z.string() });
export type ResultError = z.infer<typeof ResultError>;

export const RunResult = z.object({
  status: z.enum(["pending", "valid", "invalid", "none"]),
  /** the run's outputs, as one object (large parts as artifact references) */
  value: z.record(z.string(), z.unknown()).nullable(),
  errors: z.array(ResultError).optional(),
  schema: JsonSchema,
  description: z.string().optional(),
});
export type RunResult = z.infer<typeof RunResult>;

/** The run's result when its plan declares one; null when it does not. */
export function runResultOf(plan: Pick<Plan, "result">, run: Pick<RunFields, "status" | "outputs" | "failure">): RunResult | null {
  if (!plan.result) return null;
  const base = { schema: plan.result.schema, ...(plan.result.description ? { description: plan.result.description } : {}) };
  if (run.status === "succeeded") return { ...base, status: "valid", value: run.outputs ?? {} };
  if (run.status === "failed" && run.failure?.code === "result_invalid") {
    const d = isObject(run.failure.details) ? run.failure.details : {};
    const errors = ResultError.array().safeParse(d.errors);
    const value = isObject(d.result) ? d.result : null;
    return { ...base, status: "invalid", value, ...(errors.success ? { errors: errors.data } : {}) };
  }
  const ended = run.status === "failed" || run.status === "cancelled";
  return { ...base, status: ended ? "none" : "pending", value: null };
}
