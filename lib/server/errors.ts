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
