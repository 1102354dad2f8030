import { OPERATIONS } from "@/lib/contract/operations";
import { deletePlanById, planDetail, saveEditedPlan } from "@/lib/server/plan-editing";
import { parsePlanId } from "@/lib/server/plans";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.getPlan, ({ params }) => planDetail(parsePlanId(params.id)));
export const PUT = route(OPERATIONS.updatePlan, ({ params, body }) => saveEditedPlan(parsePlanId(params.id), body));
export const DELETE = route(OPERATIONS.deletePlan, ({ params, query }) => deletePlanById(parsePlanId(params.id), query));
