import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { createConnection, listConnections } from "@/lib/server/connections/api";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.listConnections, () => listConnections());
export const POST = route(OPERATIONS.createConnection, ({ actor, body }) => createConnection(actor, body));
