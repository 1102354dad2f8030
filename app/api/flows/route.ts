/** GET /api/flows: every flow with its number of actions, and which planner is active. */
import { listFlows } from "@/lib/server/planning";
import { handle } from "../_lib/respond";

export const dynamic = "force-dynamic";

export const GET = handle(async () => listFlows());
