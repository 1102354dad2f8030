import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { rejectStep } from "@/lib/server/runs";

export const POST = route(OPERATIONS.rejectStep, ({ params, body, actor }) => rejectStep(params.id, body, actor));
