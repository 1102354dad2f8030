import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { changePassword } from "@/lib/server/accounts";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.changePassword, ({ actor, body, request }) => changePassword(actor, body, request.headers));
