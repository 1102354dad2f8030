import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../core";
import { RequestError } from "./errors";
import { closeTrellis } from "./trellis";
import { importPlanJson } from "./plans";
import { deletePlanById, planDetail, refinePlan, restoreVersion, saveEditedPlan, versionDetail, versionDiff, versionList } from "./plan-editing";

let dir: string;
let planId: string;
let example: Plan;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "trellis-plan-editing-"));
  // The real composition root on a fresh embedded database: nothing is mocked.
  process.env.TRELLIS_DATA_DIR = dir;
  const text = await readFile(path.join(__dirname, "../../examples/revenue-by-region.json"), "utf8");
  example = JSON.parse(text) as Plan;
  const imported = await importPlanJson(text);
  if (!imported.ok) throw new Error(imported.error);
  planId = imported.planId;
});

afterAll(async () => {
  await closeTrellis();
  await rm(dir, { recursive: true, force: true });
});

const rejection = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as RequestError;
  }
  throw new Error("expected a rejection");
};

describe("plan editing on the server", () => {
  it("reads a plan with its latest version and current issues", async () => {
    const d = await planDetail(planId);
    expect(d.latest).toMatchObject({ number: 1, source: "import", stepCount: 7, valid: true });
    expect(d.latest.plan.steps.map((s) => s.id)).toContain("save");
    expect(typeof d.latest.createdAt).toBe("string");
    expect(d.valid).toBe(true);
  });

  it("saves an edit as a new version, and does not duplicate identical content", async () => {
    const base = (await planDetail(planId)).latest;
    const edited: Plan = { ...example, steps: example.steps.map((s) => (s.id === "load" ? { ...s, label: "Load sales" } : s)) };
    const saved = await saveEditedPlan(planId, { plan: edited, note: "label the load", baseVersionId: base.id });
    expect(saved).toMatchObject({ created: true, valid: true, version: { number: 2, note: "label the load", source: "editor" } });
    const again = await saveEditedPlan(planId, { plan: edited });
    expect(again).toMatchObject({ created: false, version: { number: 2 } });
  });

  it("keeps an invalid plan as a draft with its issues", async () => {
    const broken: Plan = { ...example, steps: example.steps.filter((s) => s.id !== "load") };
    const saved = await saveEditedPlan(planId, { plan: broken, note: "draft" });
    expect(saved.valid).toBe(false);
    expect(saved.version.valid).toBe(false);
    expect(saved.issues.map((i) => i.code)).toContain("unknown_step_ref");
  });

  it("refuses a body that is not a plan (422) and a stale base version (409)", async () => {
    const shape = await rejection(saveEditedPlan(planId, { plan: { goal: "x", steps: [{ id: "1 bad" }] } }));
    expect(shape).toBeInstanceOf(RequestError);
    expect(shape.status).toBe(422);
    expect(shape.message).toMatch(/flows|steps\.0/);
    const v1 = (await versionList(planId)).versions.at(-1)!;
    const stale = await rejection(saveEditedPlan(planId, { plan: example, baseVersionId: v1.id }));
    expect(stale.status).toBe(409);
    const missing = await rejection(saveEditedPlan("00000000-0000-0000-0000-000000000000", { plan: example }));
    expect(missing.status).toBe(404);
  });

  it("lists versions newest first, reads one by number or id, and diffs two", async () => {
    const { versions } = await versionList(planId);
    expect(versions.map((v) => v.number)).toEqual([3, 2, 1]);
    expect((await versionDetail(planId, "2")).version.plan.steps[0].label).toBe("Load sales");
    expect((await versionDetail(planId, versions[2].id)).version.number).toBe(1);
    const d = await versionDiff(planId, {});
    expect(d.from.number).toBe(2);
    expect(d.to.number).toBe(3);
    expect(d.diff.steps.removed.map((s) => s.id)).toEqual(["load"]);
    const d13 = await versionDiff(planId, { from: "1", to: "v2" });
    expect(d13.diff.steps.changed).toEqual([{ id: "load", action: "data.load_csv", changes: [{ field: "label", after: "Load sales" }] }]);
    expect((await rejection(versionDetail(planId, "9"))).status).toBe(404);
  });

  it("restores an old version as a new one", async () => {
    const r = await restoreVersion(planId, "1");
    expect(r).toMatchObject({ created: true, valid: true, version: { number: 4, note: "Restored v1" } });
    expect(r.version.plan).toEqual(example);
  });

  it("proposes a refined plan without saving it", async () => {
    const base: Plan = { ...example, steps: example.steps.filter((s) => s.id !== "save"), inputs: [], outputs: {} };
    const r = await refinePlan(planId, "add a step that writes the report to a file", base);
    expect(r.diff.steps.added.map((s) => s.action)).toEqual(["files.write"]);
    expect(r.plan.goal).toBe(example.goal);
    expect((await versionList(planId)).versions).toHaveLength(4);
  });

  it("deletes a plan without runs, with its versions", async () => {
    const other = await importPlanJson(JSON.stringify(example));
    if (!other.ok) throw new Error(other.error);
    expect(await deletePlanById(other.planId)).toEqual({ deleted: true, runsDeleted: 0 });
    expect((await rejection(planDetail(other.planId))).status).toBe(404);
    expect((await rejection(deletePlanById(other.planId))).status).toBe(404);
  });
});
