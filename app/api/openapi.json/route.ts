import { handle } from "@/lib/server/http";
import { openApiDocument } from "@/lib/server/openapi";

/** The OpenAPI 3.1 document of the REST API, generated from the routes' zod schemas. */
export const GET = handle(async () => openApiDocument());
