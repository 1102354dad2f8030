import { OPERATIONS } from "@/lib/contract/operations";
import { listFlows } from "@/lib/server/planning";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.listFlows, () => listFlows());
