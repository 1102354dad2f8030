import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { approveStep } from "@/lib/server/runs";

export const POST = route(OPERATIONS.approveStep, ({ params, body, actor }) => approveStep(params.id, body, actor));
