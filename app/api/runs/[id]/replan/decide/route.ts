import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { decideReplan } from "@/lib/server/runs";

export const POST = route(OPERATIONS.decideReplan, ({ params, body, actor }) => decideReplan(params.id, body, actor));
