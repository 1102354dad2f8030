/**
 * Route handler glue for the planning routes: the app's one error mapping and body reader
 * (lib/server/http), with bodies required.
 */
import type { z } from "zod";
import { errorResponse, handle, json, readBody } from "@/lib/server/http";

export { errorResponse, handle, json };

export function readJsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  return readBody(request, schema, { allowEmpty: false });
}
