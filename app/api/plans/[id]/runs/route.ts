import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { startRun } from "@/lib/server/runs";

export const POST = route(OPERATIONS.startRun, ({ params, body, actor }) => startRun(params.id, body, actor));
