/**
 * Route handler glue for the planning routes. Errors become JSON through the app's one mapping
 * (`errorResponse` in lib/server/http: `{ error: { code, message, details? } }`); request
 * bodies are read strictly here: JSON only (415 otherwise), at most 1 MB (413), never empty,
 * and checked with zod, a 400 naming each field that is wrong.
 */
import type { z } from "zod";
import { RequestError } from "@/lib/server/errors";
import { errorResponse, handle, json } from "@/lib/server/http";

export { errorResponse, handle, json };

const MAX_BODY_BYTES = 1_000_000;

export async function readJsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.output<T>> {
  const type = request.headers.get("content-type") ?? "";
  if (type && !/\bjson\b/i.test(type)) throw new RequestError(415, "unsupported_media_type", `Send the body as JSON (content-type: application/json), not ${type.split(";")[0]}.`);
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new RequestError(413, "too_large", `The body is larger than ${MAX_BODY_BYTES / 1_000_000} MB.`);
  if (!text.trim()) throw new RequestError(400, "bad_request", "The request body is empty; send a JSON object.");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RequestError(400, "invalid_json", `The body is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
    throw new RequestError(400, "bad_request", `The body is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
  }
  return parsed.data;
}
