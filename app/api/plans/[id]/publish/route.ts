/** POST publishes a plan as a tool of its own at /api/mcp; DELETE stops publishing it. */
import { OPERATIONS } from "@/lib/contract/operations";
import { publishPlanById } from "@/lib/server/plan-publishing";
import { parsePlanId } from "@/lib/server/plans";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.publishPlan, ({ params }) => publishPlanById(parsePlanId(params.id), true));
export const DELETE = route(OPERATIONS.unpublishPlan, ({ params }) => publishPlanById(parsePlanId(params.id), false));
