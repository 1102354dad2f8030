import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { cancelRun } from "@/lib/server/runs";

export const POST = route(OPERATIONS.cancelRun, ({ params, actor }) => cancelRun(params.id, actor));
