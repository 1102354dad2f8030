import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { reconnectConnection } from "@/lib/server/connections/api";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.reconnectConnection, ({ params }) => reconnectConnection(params.name));
