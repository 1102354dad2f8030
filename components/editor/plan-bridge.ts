/**
 * The one bridge between the server copy of the plan (owned by TanStack Query) and the
 * editor's working copy (owned by the editor store): load, save, restore, versions, diffs,
 * and the planner's proposals. Components call these hooks; nothing else fetches.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Plan } from "@/lib/core/plan";
import { api, type DiffResult, type PlanDetail, type SaveResult } from "./api";

export const planKey = (planId: string) => ["plan", planId] as const;
export const versionsKey = (planId: string) => ["plan", planId, "versions"] as const;
export const versionKey = (planId: string, ref: string) => ["plan", planId, "version", ref] as const;

export function usePlanDetail(planId: string, initial: PlanDetail) {
  // Refetched when the tab regains focus: a version saved elsewhere shows in the header.
  return useQuery({ queryKey: planKey(planId), queryFn: () => api.getPlan(planId), initialData: initial, staleTime: 30_000, refetchOnWindowFocus: "always" });
}

function useAdoptSaved(planId: string) {
  const qc = useQueryClient();
  return (r: SaveResult) => {
    qc.setQueryData<PlanDetail>(planKey(planId), (d) => (d ? { ...d, latest: r.version, issues: r.issues, valid: r.valid } : d));
    qc.setQueryData(versionKey(planId, r.version.id), { version: r.version });
    void qc.invalidateQueries({ queryKey: versionsKey(planId), exact: true });
  };
}

export function useSavePlan(planId: string) {
  const adopt = useAdoptSaved(planId);
  return useMutation({
    mutationFn: (body: { plan: Plan; note?: string; baseVersionId?: string }) => api.savePlan(planId, body),
    onSuccess: adopt,
  });
}

/** Archives the plan or brings it back; the header shows the new state from the answer. */
export function useArchivePlan(planId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (archived: boolean) => api.archive(planId, archived),
    onSuccess: (r) => qc.setQueryData<PlanDetail>(planKey(planId), (d) => (d ? { ...d, plan: { ...d.plan, archivedAt: r.archivedAt } } : d)),
  });
}

/** Publishes the plan as a tool of its own at /api/mcp, or stops publishing it. */
export function usePublishPlan(planId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (published: boolean) => api.publish(planId, published),
    onSuccess: (r) => qc.setQueryData<PlanDetail>(planKey(planId), (d) => (d ? { ...d, plan: { ...d.plan, published: r.published, slug: r.slug } } : d)),
  });
}

/** Deletes the plan (with its runs when it has some); the caller leaves the page. */
export function useDeletePlan(planId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (withRuns: boolean) => api.deletePlan(planId, withRuns),
    onSuccess: () => qc.removeQueries({ queryKey: planKey(planId) }),
  });
}

export function useRestoreVersion(planId: string) {
  const adopt = useAdoptSaved(planId);
  return useMutation({ mutationFn: (ref: string) => api.restoreVersion(planId, ref), onSuccess: adopt });
}

export function useVersions(planId: string, enabled: boolean) {
  return useQuery({ queryKey: versionsKey(planId), queryFn: () => api.listVersions(planId), enabled, staleTime: 10_000 });
}

export function useVersion(planId: string, ref: string | null) {
  return useQuery({ queryKey: versionKey(planId, ref ?? ""), queryFn: () => api.getVersion(planId, ref!), enabled: Boolean(ref), staleTime: Infinity });
}

export function useVersionDiff(planId: string, from: string | null, to: string | null) {
  return useQuery<DiffResult>({
    queryKey: ["plan", planId, "diff", from, to],
    queryFn: () => api.diff(planId, from!, to!),
    enabled: Boolean(from && to),
    staleTime: Infinity,
  });
}

export function useRefine(planId: string) {
  return useMutation({
    mutationFn: (input: { instruction: string; plan: Plan }) => api.refine(planId, input),
  });
}
