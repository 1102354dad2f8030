/** Request errors live in lib/core/errors (one marked class, tested with `RequestError.isInstance`). */
export { RequestError, TrellisError, badRequest, conflict, invalidPlan, notFound } from "../core/errors";
