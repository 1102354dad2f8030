/**
 * Any thrown error as the API's error answer, in one place: a Trellis error keeps its status
 * and code, a schema error is a 400 naming the fields, anything else is a 500 that says only
 * that the server log has the details (`unexpected: true` tells the caller to log it).
 */
import { z } from "zod";
import { TrellisError } from "../core/errors";
import type { ApiError } from "./common";

export interface ErrorAnswer {
  status: number;
  body: ApiError;
  unexpected: boolean;
}

export function errorAnswer(err: unknown): ErrorAnswer {
  if (TrellisError.isInstance(err)) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } }, unexpected: false };
  }
  if (err instanceof z.ZodError || (err instanceof Error && err.name === "ZodError" && "issues" in err)) {
    const issues = (err as z.ZodError).issues;
    return { status: 400, body: { error: { code: "bad_request", message: describeIssues(issues), details: issues } }, unexpected: false };
  }
  return { status: 500, body: { error: { code: "internal", message: "Trellis hit an unexpected error; the server log has the details." } }, unexpected: true };
}

/** Schema issues as one line a person can act on: `field: problem; field: problem`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], what = "body", max = 5): string {
  return issues.slice(0, max).map((i) => `${i.path.length ? i.path.map(String).join(".") : what}: ${i.message}`).join("; ");
}
