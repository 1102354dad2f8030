import { openApiDocument } from "@/lib/contract/openapi";
import { OPERATIONS } from "@/lib/contract/operations";
import { route } from "@/lib/server/route";

export const GET = route(OPERATIONS.getOpenApi, async () => openApiDocument());
