import { OPERATIONS } from "@/lib/contract/operations";
import { versionList } from "@/lib/server/plan-editing";
import { parsePlanId } from "@/lib/server/plans";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.listVersions, ({ params }) => versionList(parsePlanId(params.id)));
