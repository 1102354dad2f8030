import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { removeMember, updateMember } from "@/lib/server/accounts";

export const dynamic = "force-dynamic";

export const PUT = route(OPERATIONS.updateMember, ({ actor, params, body }) => updateMember(actor, params.id, body));
export const DELETE = route(OPERATIONS.removeMember, ({ actor, params }) => removeMember(actor, params.id));
