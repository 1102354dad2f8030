import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { revokeToken } from "@/lib/server/accounts";

export const dynamic = "force-dynamic";

export const DELETE = route(OPERATIONS.revokeToken, ({ actor, params }) => revokeToken(actor, params.id));
