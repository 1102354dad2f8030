import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { retryRun } from "@/lib/server/runs";

export const POST = route(OPERATIONS.retryRun, ({ params, body }) => retryRun(params.id, body));
