import { OPERATIONS } from "@/lib/contract/operations";
import { parseVersionRef, versionDetail } from "@/lib/server/plan-editing";
import { parsePlanId } from "@/lib/server/plans";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.getVersion, ({ params }) => versionDetail(parsePlanId(params.id), parseVersionRef(params.versionId)));
