/** POST /api/plans: plan a goal and save the plan. 201 with the plan, its status, issues and missing inputs. */
import { PlanRequestBody, planAndSave, plannedSummary } from "@/lib/server/planning";
import { handle, json, readJsonBody } from "../_lib/respond";

export const dynamic = "force-dynamic";

export const POST = handle(async (request: Request) => {
  const { basePlanId, ...goal } = await readJsonBody(request, PlanRequestBody);
  const saved = await planAndSave(goal, { basePlanId, signal: request.signal });
  const { result } = saved;
  return json(
    201,
    {
      ...plannedSummary(saved),
      plan: result.plan,
      issues: result.issues,
      missingInputs: result.missingInputs,
      planning: result.planning,
    },
    { location: `/api/plans/${saved.planId}` },
  );
});
