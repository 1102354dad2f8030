import { OPERATIONS } from "@/lib/contract/operations";
import { versionDiff } from "@/lib/server/plan-editing";
import { parsePlanId } from "@/lib/server/plans";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.diffVersions, ({ params, query }) => versionDiff(parsePlanId(params.id), query));
