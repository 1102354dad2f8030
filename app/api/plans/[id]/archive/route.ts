/** POST archives a plan (hidden from lists by default, history kept); DELETE brings it back. */
import { OPERATIONS } from "@/lib/contract/operations";
import { archivePlanById } from "@/lib/server/plan-editing";
import { parsePlanId } from "@/lib/server/plans";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.archivePlan, ({ params }) => archivePlanById(parsePlanId(params.id), true));
export const DELETE = route(OPERATIONS.unarchivePlan, ({ params }) => archivePlanById(parsePlanId(params.id), false));
