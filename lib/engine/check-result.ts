/**
 * A run's typed result: when its plan declares `result.schema`, the run's outputs (one object,
 * by output name) must fit it when the run ends, or the run fails with `result_invalid`, naming
 * each path that does not fit. Outputs are checked as the action produced them: large parts
 * stored as artifacts are read back first.
 */
import { checkValue, formatValueErrors, printPath, type Failure, type Plan } from "../core";
import type { ArtifactStore } from "./artifact-store";

export async function checkRunResult(plan: Plan, outputs: Record<string, unknown>, artifacts: Pick<ArtifactStore, "materialize">): Promise<Failure | null> {
  if (!plan.result) return null;
  let value: unknown;
  try {
    value = await artifacts.materialize(outputs);
  } catch (err) {
    return { code: "result_invalid", message: `the run's result cannot be read back: ${(err as Error).message}`, retryable: false };
  }
  const errors = checkValue(value, plan.result.schema, 10);
  if (!errors.length) return null;
  return {
    code: "result_invalid",
    message: `the run's result does not fit the plan's result schema: ${formatValueErrors(errors)}`,
    retryable: false,
    details: { errors: errors.map((e) => ({ path: printPath(e.path).replace(/^\./, "") || "(result)", message: e.message })), result: outputs },
  };
}
