/**
 * Route handler glue, in one place: parse a JSON body with zod, run one lib function,
 * map errors to JSON responses `{ error: { code, message, details? } }`.
 */
import { z } from "zod";
import { EngineError } from "../engine/engine";
import { NotFoundError } from "../store/plans";
import { RequestError, badRequest } from "./errors";
import { ConfigError } from "./env";

const ENGINE_STATUS: Record<EngineError["code"], number> = { not_found: 404, invalid_plan: 422, invalid_inputs: 422, conflict: 409, invalid_request: 400 };

export function errorResponse(err: unknown): Response {
  if (err instanceof RequestError) return json(err.status, { error: { code: err.code, message: err.message, details: err.details } });
  if (err instanceof EngineError) return json(ENGINE_STATUS[err.code], { error: { code: err.code, message: err.message, details: err.details } });
  if (err instanceof NotFoundError) return json(404, { error: { code: "not_found", message: err.message } });
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

/** Reads and validates a JSON body; an empty body reads as `{}`. */
export async function readBody<T extends z.ZodType>(req: Request, schema: T): Promise<z.output<T>> {
  const text = await req.text();
  let raw: unknown = {};
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw badRequest(`The request body is not valid JSON: ${(e as Error).message}`);
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw badRequest(`Invalid request: ${describeZod(parsed.error)}`, parsed.error.issues);
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
