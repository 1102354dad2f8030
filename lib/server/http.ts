/**
 * Route handler glue, in one place: parse a JSON body with zod, run one lib function,
 * map errors to JSON responses `{ error: { code, message, details? } }`.
 */
import { z } from "zod";
import { EngineError } from "../engine/engine";
import { NotFoundError } from "../store/plans";
import { RequestError, badRequest, isNamedError } from "./errors";
import { ConfigError } from "./env";

const ENGINE_STATUS: Record<EngineError["code"], number> = { not_found: 404, invalid_plan: 422, invalid_inputs: 422, conflict: 409, invalid_request: 400 };

/** `instanceof`, or the same error name (see isNamedError). */
function isError<T extends Error>(err: unknown, cls: abstract new (...args: never[]) => T, name: "RequestError" | "EngineError" | "NotFoundError"): err is T {
  return err instanceof cls || isNamedError(err, name);
}

export function errorResponse(err: unknown): Response {
  if (isError(err, RequestError, "RequestError")) return json(err.status, { error: { code: err.code, message: err.message, details: err.details } });
  if (isError(err, EngineError, "EngineError")) return json(ENGINE_STATUS[err.code] ?? 400, { error: { code: err.code, message: err.message, details: err.details } });
  if (isError(err, NotFoundError, "NotFoundError")) return json(404, { error: { code: "not_found", message: err.message } });
  if (err instanceof z.ZodError) return json(400, { error: { code: "bad_request", message: describeZod(err), details: err.issues } });
  if (err instanceof ConfigError) return json(500, { error: { code: "config", message: err.message } });
  console.error("[trellis] unexpected error", err);
  return json(500, { error: { code: "internal", message: "Trellis hit an unexpected error; the server log has the details." } });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

/** Wraps a handler so every thrown error becomes a JSON response. */
export function handle<A extends unknown[]>(fn: (...args: A) => Promise<Response | unknown>) {
  return async (...args: A): Promise<Response> => {
    try {
      const out = await fn(...args);
      return out instanceof Response ? out : json(200, out);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

const MAX_BODY_BYTES = 1_000_000;

/**
 * Reads and validates a JSON body: JSON only (415 otherwise), at most 1 MB (413), checked
 * with zod (400 naming each wrong field). An empty body reads as `{}` unless `allowEmpty`
 * is false.
 */
export async function readBody<T extends z.ZodType>(req: Request, schema: T, options: { allowEmpty?: boolean } = {}): Promise<z.output<T>> {
  const type = req.headers.get("content-type") ?? "";
  if (type && !/\bjson\b/i.test(type) && !/^text\/plain\b/i.test(type)) {
    throw new RequestError(415, "unsupported_media_type", `Send the body as JSON (content-type: application/json), not ${type.split(";")[0]}.`);
  }
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw new RequestError(413, "too_large", `The body is larger than ${MAX_BODY_BYTES / 1_000_000} MB.`);
  let raw: unknown = {};
  if (!text.trim()) {
    if (options.allowEmpty === false) throw badRequest("The request body is empty; send a JSON object.");
  } else {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new RequestError(400, "invalid_json", `The body is not valid JSON: ${(e as Error).message}`);
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
    throw badRequest(`The body is not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, { issues });
  }
  return parsed.data;
}

export function readQuery<T extends z.ZodType>(req: Request, schema: T): z.output<T> {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw badRequest(`Invalid query: ${describeZod(parsed.error)}`, parsed.error.issues);
  return parsed.data;
}

function describeZod(err: z.ZodError): string {
  return err.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join(".") : "body"}: ${i.message}`).join("; ");
}
