import { OPERATIONS } from "@/lib/contract/operations";
import { parseVersionRef, restoreVersion } from "@/lib/server/plan-editing";
import { parsePlanId } from "@/lib/server/plans";
import { route } from "@/lib/server/route";

export const POST = route(OPERATIONS.restoreVersion, ({ params }) => restoreVersion(parsePlanId(params.id), parseVersionRef(params.versionId)));
