import { OPERATIONS } from "@/lib/contract/operations";
import { parsePlanInputs } from "@/lib/server/planning";
import { route } from "@/lib/server/route";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.parseInputs, ({ body }) => parsePlanInputs(body));
