/**
 * The bridge's hooks are thin: each builds the options of one query or mutation. React Query's
 * hooks are replaced here by functions that hand those options back, and the query client by a
 * real one, so the keys, the guards and what a save writes into the cache are tested without
 * rendering anything.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { QueryClient } from "@tanstack/query-core";
import type { Plan } from "@/lib/core/plan";
import type { PlanDetail, RefineResult, SaveResult, VersionDetail } from "./api";

const h = vi.hoisted(() => ({ client: undefined as unknown }));

vi.mock("@tanstack/react-query", () => ({
  useQuery: (options: unknown) => options,
  useMutation: (options: unknown) => options,
  useQueryClient: () => h.client,
}));
vi.mock("./api", () => ({
  api: {
    getPlan: vi.fn(),
    savePlan: vi.fn(),
    listVersions: vi.fn(),
    getVersion: vi.fn(),
    restoreVersion: vi.fn(),
    diff: vi.fn(),
    refine: vi.fn(),
  },
}));

const { api } = await import("./api");
const bridge = await import("./plan-bridge");
const { planKey, versionKey, versionsKey } = bridge;

/** What the mocked hooks hand back: the options object each hook built. */
type QueryOptions = { queryKey: readonly unknown[]; queryFn: () => Promise<unknown>; enabled?: boolean; staleTime?: number; initialData?: unknown; refetchOnWindowFocus?: unknown };
type MutationOptions<V> = { mutationFn: (v: V) => Promise<unknown>; onSuccess?: (r: SaveResult) => void };
const asQuery = (x: unknown) => x as QueryOptions;
const asMutation = <V>(x: unknown) => x as MutationOptions<V>;

const plan: Plan = { goal: "g", flows: [], inputs: [], steps: [{ id: "a", action: "format_number", inputs: { value: { kind: "literal", value: 1 } } }], outputs: {} };
const version = (n: number): VersionDetail => ({
  id: `v${n}`, planId: "p1", number: n, hash: `h${n}`, note: null, source: "editor", model: null, valid: true, errorCount: 0, stepCount: 1,
  createdAt: "2025-01-01T00:00:00.000Z", plan, issues: [],
});
const detail: PlanDetail = {
  plan: { id: "p1", title: "Revenue", createdAt: "2025-01-01T00:00:00.000Z", updatedAt: "2025-01-01T00:00:00.000Z", archivedAt: null, runs: { total: 0, active: 0 } },
  latest: version(1), issues: [], valid: true, coverage: null,
};
const warning = { code: "unused_step_output" as const, severity: "warning" as const, stepId: "a", message: "unused" };
const saved: SaveResult = { version: version(2), created: true, issues: [warning], valid: true };

let client: QueryClient;
beforeEach(() => {
  client = new QueryClient();
  h.client = client;
  vi.mocked(api.savePlan).mockReset();
  vi.mocked(api.restoreVersion).mockReset();
});
afterEach(() => client.clear());

describe("query keys", () => {
  it("nest every key of a plan under the plan's key, so one invalidation reaches them all", () => {
    expect(planKey("p1")).toEqual(["plan", "p1"]);
    for (const key of [versionsKey("p1"), versionKey("p1", "v3")]) expect(key.slice(0, 2)).toEqual(planKey("p1"));
    expect(versionKey("p1", "v3")).not.toEqual(versionKey("p2", "v3"));
    expect(versionsKey("p1")).not.toEqual(versionKey("p1", "versions"));
  });
});

describe("queries", () => {
  it("usePlanDetail starts from the page's data and refetches on focus", async () => {
    vi.mocked(api.getPlan).mockResolvedValue(detail);
    const q = asQuery(bridge.usePlanDetail("p1", detail));
    expect(q.queryKey).toEqual(planKey("p1"));
    expect(q.initialData).toBe(detail);
    expect(q.refetchOnWindowFocus).toBe("always");
    await expect(q.queryFn()).resolves.toBe(detail);
    expect(api.getPlan).toHaveBeenCalledWith("p1");
  });

  it("useVersions loads only when enabled", () => {
    expect(asQuery(bridge.useVersions("p1", false))).toMatchObject({ queryKey: versionsKey("p1"), enabled: false });
    expect(asQuery(bridge.useVersions("p1", true)).enabled).toBe(true);
  });

  it("useVersion loads a version only when one is chosen, and keeps it (a version never changes)", async () => {
    expect(asQuery(bridge.useVersion("p1", null)).enabled).toBe(false);
    const q = asQuery(bridge.useVersion("p1", "v2"));
    expect(q).toMatchObject({ queryKey: versionKey("p1", "v2"), enabled: true, staleTime: Infinity });
    vi.mocked(api.getVersion).mockResolvedValue({ version: version(2) });
    await q.queryFn();
    expect(api.getVersion).toHaveBeenCalledWith("p1", "v2");
  });

  it("useVersionDiff loads only with both ends chosen", async () => {
    expect(asQuery(bridge.useVersionDiff("p1", "v1", null)).enabled).toBe(false);
    expect(asQuery(bridge.useVersionDiff("p1", null, "v2")).enabled).toBe(false);
    const q = asQuery(bridge.useVersionDiff("p1", "v1", "v2"));
    expect(q).toMatchObject({ queryKey: ["plan", "p1", "diff", "v1", "v2"], enabled: true });
    await q.queryFn();
    expect(api.diff).toHaveBeenCalledWith("p1", "v1", "v2");
  });
});

describe("saving", () => {
  it("useSavePlan puts the body and adopts the new version into the cache", async () => {
    client.setQueryData(planKey("p1"), detail);
    client.setQueryData(versionsKey("p1"), { versions: [] });
    client.setQueryData(versionKey("p1", "v1"), { version: version(1) });
    vi.mocked(api.savePlan).mockResolvedValue(saved);

    const m = asMutation<{ plan: Plan; note?: string; baseVersionId?: string }>(bridge.useSavePlan("p1"));
    const body = { plan, note: "first", baseVersionId: "v1" };
    const r = (await m.mutationFn(body)) as SaveResult;
    expect(api.savePlan).toHaveBeenCalledWith("p1", body);
    m.onSuccess!(r);

    expect(client.getQueryData(planKey("p1"))).toEqual({ ...detail, latest: saved.version, issues: [warning], valid: true });
    expect(client.getQueryData(versionKey("p1", "v2"))).toEqual({ version: saved.version });
    // the list of versions is stale now; other versions are untouched
    expect(client.getQueryState(versionsKey("p1"))!.isInvalidated).toBe(true);
    expect(client.getQueryState(versionKey("p1", "v1"))!.isInvalidated).toBe(false);
  });

  it("does not invent a plan detail that was never loaded", () => {
    const m = asMutation(bridge.useSavePlan("p1"));
    m.onSuccess!(saved);
    expect(client.getQueryData(planKey("p1"))).toBeUndefined();
    expect(client.getQueryData(versionKey("p1", "v2"))).toEqual({ version: saved.version });
  });

  it("touches only its own plan", () => {
    client.setQueryData(planKey("other"), detail);
    asMutation(bridge.useSavePlan("p1")).onSuccess!(saved);
    expect(client.getQueryData(planKey("other"))).toBe(detail);
  });

  it("useRestoreVersion restores by reference and adopts the result the same way", async () => {
    client.setQueryData(planKey("p1"), detail);
    vi.mocked(api.restoreVersion).mockResolvedValue(saved);
    const m = asMutation<string>(bridge.useRestoreVersion("p1"));
    m.onSuccess!((await m.mutationFn("v1")) as SaveResult);
    expect(api.restoreVersion).toHaveBeenCalledWith("p1", "v1");
    expect((client.getQueryData(planKey("p1")) as PlanDetail).latest.id).toBe("v2");
  });

  it("passes a failed save on to the caller", async () => {
    vi.mocked(api.savePlan).mockRejectedValue(new Error("conflict"));
    await expect(asMutation<{ plan: Plan }>(bridge.useSavePlan("p1")).mutationFn({ plan })).rejects.toThrow("conflict");
  });
});

describe("useRefine", () => {
  it("asks for the planner's proposal and writes nothing into the cache", async () => {
    const result: RefineResult = { plan, diff: {} as RefineResult["diff"], issues: [], valid: true, notes: ["added a step"], planner: "offline" };
    vi.mocked(api.refine).mockResolvedValue(result);
    client.setQueryData(planKey("p1"), detail);
    const m = asMutation<{ instruction: string; plan: Plan }>(bridge.useRefine("p1"));
    expect(m.onSuccess).toBeUndefined();
    await expect(m.mutationFn({ instruction: "add a step", plan })).resolves.toBe(result);
    expect(api.refine).toHaveBeenCalledWith("p1", { instruction: "add a step", plan });
    expect(client.getQueryData(planKey("p1"))).toBe(detail);
  });

  it("passes the server's refusal on to the caller", async () => {
    vi.mocked(api.refine).mockRejectedValue(new Error("The instruction is empty."));
    const m = asMutation<{ instruction: string; plan: Plan }>(bridge.useRefine("p1"));
    await expect(m.mutationFn({ instruction: "", plan })).rejects.toThrow("The instruction is empty.");
  });
});
