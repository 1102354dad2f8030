import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { revokeInvitation } from "@/lib/server/accounts";

export const dynamic = "force-dynamic";

export const DELETE = route(OPERATIONS.revokeInvitation, ({ params }) => revokeInvitation(params.id));
