/**
 * Errors that reach a person through the API, a form or the CLI. Each carries its HTTP status
 * and a machine-readable code, and a marker: the server's start-up code and its routes are
 * bundled separately, so an error thrown by shared code may be another copy of its class and
 * `instanceof` misses it. `SomeError.isInstance(err)` is the one test, and it cannot be fooled
 * by a copy.
 */
const MARK = Symbol.for("trellis.error");

export class TrellisError extends Error {
  /** the class's stable name (class names do not survive minification) */
  static readonly kind: string = "TrellisError";
  readonly [MARK]: readonly string[];

  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === "function" && "kind" in c; c = Object.getPrototypeOf(c)) {
      const kind = (c as typeof TrellisError).kind;
      if (!kinds.includes(kind)) kinds.push(kind);
    }
    this[MARK] = kinds;
    this.name = kinds[0] ?? "TrellisError";
  }

  /** `err` is this class (or a subclass), whichever bundle's copy made it. */
  static isInstance<T extends typeof TrellisError>(this: T, err: unknown): err is InstanceType<T> {
    const kinds = typeof err === "object" && err !== null ? (err as { [MARK]?: unknown })[MARK] : undefined;
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }
}

/** A request that cannot be served as asked: bad input (400), missing thing (404), conflict (409)… */
export class RequestError extends TrellisError {
  static override readonly kind: string = "RequestError";
}

export const badRequest = (message: string, details?: unknown) => new RequestError(400, "bad_request", message, details);
export const notFound = (message: string) => new RequestError(404, "not_found", message);
export const conflict = (message: string, details?: unknown) => new RequestError(409, "conflict", message, details);
export const invalidPlan = (message: string, details?: unknown) => new RequestError(422, "invalid_plan", message, details);
