/** GET /api/plans: the plans. POST /api/plans: plan a goal and save the plan. 201 with the plan, its status, issues and missing inputs. */
import { OPERATIONS } from "@/lib/contract/operations";
import { planGoalAndSave } from "@/lib/server/planning";
import { planList } from "@/lib/server/plans";
import { reply, route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.planGoal, async ({ body, request }) => {
  const planned = await planGoalAndSave(body, request.signal);
  return reply(201, planned, { location: `/api/plans/${planned.planId}` });
});

export const GET = route(OPERATIONS.listPlans, ({ query }) => planList(query));
