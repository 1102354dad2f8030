/**
 * The browser's side of the plan REST API. Every response is parsed with zod before it is
 * used (a parse boundary, not a cast); a failed request becomes an `ApiError` carrying the
 * server's code and message. The schemas mirror lib/server/plan-editing.ts, checked below.
 */
import { z } from "zod";
import { Plan } from "@/lib/core/plan";
import { ValidationIssue } from "@/lib/core/issues";
import type { PlanDiff } from "@/lib/core/plan-diff";
import type * as Server from "@/lib/server/plan-editing";

export const VersionSummary = z.object({
  id: z.string(),
  planId: z.string(),
  number: z.number(),
  hash: z.string(),
  note: z.string().nullable(),
  source: z.string(),
  model: z.string().nullable(),
  valid: z.boolean(),
  errorCount: z.number(),
  stepCount: z.number(),
  createdAt: z.string(),
});
export type VersionSummary = z.infer<typeof VersionSummary>;

export const VersionDetail = VersionSummary.extend({ plan: Plan, issues: z.array(ValidationIssue) });
export type VersionDetail = z.infer<typeof VersionDetail>;

export const PlanDetail = z.object({
  plan: z.object({ id: z.string(), title: z.string(), createdAt: z.string(), updatedAt: z.string() }),
  latest: VersionDetail,
  issues: z.array(ValidationIssue),
  valid: z.boolean(),
});
export type PlanDetail = z.infer<typeof PlanDetail>;

const SaveResult = z.object({ version: VersionDetail, created: z.boolean(), issues: z.array(ValidationIssue), valid: z.boolean() });
export type SaveResult = z.infer<typeof SaveResult>;

const VersionList = z.object({ versions: z.array(VersionSummary) });

const isRecord = (v: unknown) => typeof v === "object" && v !== null;
const DiffResult = z.object({ from: VersionSummary, to: VersionSummary, diff: z.custom<PlanDiff>(isRecord) });
export type DiffResult = z.infer<typeof DiffResult>;

const ErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) });

// The server's shapes must fit these schemas; a change on either side fails the type check here.
type Fits<A, B> = A extends B ? true : false;
const shapesAgree: [Fits<Server.PlanDetail, PlanDetail>, Fits<Server.SaveResult, SaveResult>, Fits<Server.VersionSummary, VersionSummary>] = [true, true, true];
void shapesAgree;

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
    this.name = "ApiError";
  }
}

async function request<T extends z.ZodType>(url: string, schema: T, init?: RequestInit): Promise<z.output<T>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { "content-type": "application/json", ...init?.headers } });
  } catch {
    throw new ApiError(0, "network", "Trellis could not reach the server. Check that it is running and try again.");
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(res.status, "bad_response", `The server answered with something that is not JSON (HTTP ${res.status}).`);
  }
  if (!res.ok) {
    const e = ErrorBody.safeParse(body);
    if (e.success) throw new ApiError(res.status, e.data.error.code, e.data.error.message, e.data.error.details);
    throw new ApiError(res.status, "http_error", `The request failed (HTTP ${res.status}).`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError(res.status, "bad_response", `The server's answer has an unexpected shape: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

const base = (planId: string) => `/api/plans/${encodeURIComponent(planId)}`;

export const api = {
  getPlan: (planId: string) => request(base(planId), PlanDetail),
  savePlan: (planId: string, body: { plan: Plan; note?: string; baseVersionId?: string }) =>
    request(base(planId), SaveResult, { method: "PUT", body: JSON.stringify(body) }),
  listVersions: (planId: string) => request(`${base(planId)}/versions`, VersionList),
  getVersion: (planId: string, ref: string) => request(`${base(planId)}/versions/${encodeURIComponent(ref)}`, z.object({ version: VersionDetail })),
  restoreVersion: (planId: string, ref: string) => request(`${base(planId)}/versions/${encodeURIComponent(ref)}/restore`, SaveResult, { method: "POST" }),
  diff: (planId: string, from: string, to: string) =>
    request(`${base(planId)}/diff?${new URLSearchParams({ from, to })}`, DiffResult),
};
