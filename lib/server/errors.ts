/** Request errors: one class per HTTP status, mapped to responses in one place (app/api/_lib). */
export class RequestError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = "RequestError";
  }
}
export const badRequest = (message: string, details?: unknown) => new RequestError(400, "bad_request", message, details);
export const notFound = (message: string) => new RequestError(404, "not_found", message);
export const conflict = (message: string, details?: unknown) => new RequestError(409, "conflict", message, details);

/**
 * Whether `err` is an error of the given class name. The server's start-up code and its
 * routes are bundled separately, so an error thrown by the shared engine may be another
 * copy of its class: `instanceof` alone misses it.
 */
export function isNamedError(err: unknown, name: "RequestError" | "EngineError" | "NotFoundError"): err is Error & { code?: string; status?: number; details?: unknown } {
  return err instanceof Error && err.name === name;
}
