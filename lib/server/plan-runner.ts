/** The engine's side of plan actions: child runs started, found again, awaited and cancelled. */
import type { PlanRunner } from "../catalogs/plans/plan-action";
import { MAX_PLAN_DEPTH } from "../catalogs/plans/plan-action";
import type { Engine } from "../engine/engine";
import { ENGINE_STOPPED, StepCancelledError } from "../engine/failure";
import type { Db } from "../store/database";

export function enginePlanRunner(engine: Engine, db: Db): PlanRunner {
  return {
    async findChild(parentRunId, parentStepId) {
      // A child that failed or was cancelled is not waited for again: a retry of the step starts a new one.
      const row = await db.run.findFirst({ where: { parentRunId, parentStepId, status: { notIn: ["failed", "cancelled"] } }, orderBy: { createdAt: "desc" }, select: { id: true } });
      return row?.id;
    },
    async depthOf(runId) {
      let depth = 0;
      let id: string | null = runId;
      while (id && depth <= MAX_PLAN_DEPTH) {
        const row: { parentRunId: string | null } | null = await db.run.findUnique({ where: { id }, select: { parentRunId: true } });
        id = row?.parentRunId ?? null;
        if (id) depth++;
      }
      return depth;
    },
    start: (req) => engine.start({ planVersionId: req.planVersionId, inputs: req.inputs, parent: req.parent }),
    async wait(runId) {
      const { run } = await engine.wait(runId);
      return { status: run.status, outputs: run.outputs ?? null, failure: run.failure ?? null, usage: run.usage ?? null };
    },
    async cancel(runId, reason) {
      await engine.cancel(runId, reason);
    },
    isEngineStop: (reason) => reason instanceof StepCancelledError && reason.message === ENGINE_STOPPED,
  };
}
