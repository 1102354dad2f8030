import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { replanRun } from "@/lib/server/runs";

export const POST = route(OPERATIONS.replanRun, ({ params }) => replanRun(params.id));
