import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { deleteConnection, updateConnection } from "@/lib/server/connections/api";

export const dynamic = "force-dynamic";

export const PUT = route(OPERATIONS.updateConnection, ({ actor, params, body }) => updateConnection(actor, params.name, body));
export const DELETE = route(OPERATIONS.deleteConnection, ({ actor, params }) => deleteConnection(actor, params.name));
