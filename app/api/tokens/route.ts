import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { createToken, listTokens } from "@/lib/server/accounts";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.listTokens, ({ actor }) => listTokens(actor));
export const POST = route(OPERATIONS.createToken, ({ actor, body }) => createToken(actor, body));
