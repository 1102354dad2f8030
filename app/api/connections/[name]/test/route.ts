import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";
import { testConnection } from "@/lib/server/connections/api";

export const dynamic = "force-dynamic";

export const POST = route(OPERATIONS.testConnection, ({ params }) => testConnection(params.name));
