import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { inviteMember } from "@/lib/server/accounts";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.inviteMember, ({ actor, body }) => inviteMember(actor, body));
