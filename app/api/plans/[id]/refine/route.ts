import { OPERATIONS } from "@/lib/contract/operations";
import { refinePlan } from "@/lib/server/plan-editing";
import { parsePlanId } from "@/lib/server/plans";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.refinePlan, ({ params, body }) => refinePlan(parsePlanId(params.id), body.instruction, body.plan));
