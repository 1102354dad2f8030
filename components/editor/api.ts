/**
 * The editor's calls to the plan API, through the typed client built from the contract: every
 * answer is parsed with its operation's schema, and a failed request is an `ApiRequestError`
 * with the server's status, code and message.
 */
import { createClient } from "@/lib/contract/client";
import type { Plan } from "@/lib/core/plan";

export { ApiRequestError } from "@/lib/contract/client";
export type { DiffResult, PlanDetail, RefineResult, SaveResult, VersionDetail, VersionSummary } from "@/lib/contract/plans";

const client = createClient();

export const api = {
  getPlan: (planId: string) => client.call("getPlan", { params: { id: planId } }),
  savePlan: (planId: string, body: { plan: Plan; note?: string; baseVersionId?: string }) => client.call("updatePlan", { params: { id: planId }, body }),
  listVersions: (planId: string) => client.call("listVersions", { params: { id: planId } }),
  getVersion: (planId: string, ref: string) => client.call("getVersion", { params: { id: planId, versionId: ref } }),
  restoreVersion: (planId: string, ref: string) => client.call("restoreVersion", { params: { id: planId, versionId: ref } }),
  diff: (planId: string, from: string, to: string) => client.call("diffVersions", { params: { id: planId }, query: { from, to } }),
  refine: (planId: string, body: { instruction: string; plan: Plan }) => client.call("refinePlan", { params: { id: planId }, body }),
  archive: (planId: string, archived: boolean) => (archived ? client.call("archivePlan", { params: { id: planId } }) : client.call("unarchivePlan", { params: { id: planId } })),
  publish: (planId: string, published: boolean) => (published ? client.call("publishPlan", { params: { id: planId } }) : client.call("unpublishPlan", { params: { id: planId } })),
  deletePlan: (planId: string, withRuns: boolean) => client.call("deletePlan", { params: { id: planId }, query: withRuns ? { withRuns: "true" } : {} }),
};
