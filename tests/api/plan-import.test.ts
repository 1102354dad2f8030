/**
 * POST /api/plans/import takes a plan file in any of its forms (lib/contract/plan-file): the
 * plan IR, an exported version or API answer holding it, or the compact `${...}` form. The
 * route handler itself is called on a real embedded database; no built app needed. A body that
 * is not a plan is a 400 with the plan file's message, and nothing is written.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../lib/core/plan";
import { POST } from "../../app/api/plans/import/route";
import { planDetail } from "../../lib/server/plan-editing";
import { homeOverview, importPlanJson } from "../../lib/server/plans";
import { closeTrellis } from "../../lib/server/trellis";

let dir: string;
let example: Plan;

/** The example plan written by hand: text bindings, plain literals. */
const compact = {
  goal: "Top rows of the sample sales",
  flows: ["data"],
  steps: [
    { id: "load", action: "data.load_csv", inputs: { path: "sample:sales.csv" } },
    { id: "top", action: "data.sort", inputs: { table: "${steps.load.output.table}", by: [{ column: "revenue", direction: "desc" }], limit: 3 } },
  ],
  outputs: { rows: "${steps.top.output.table}" },
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "trellis-plan-import-"));
  process.env.TRELLIS_DATA_DIR = dir;
  example = JSON.parse(await readFile(path.join(process.cwd(), "examples", "revenue-by-region.json"), "utf8")) as Plan;
});

afterAll(async () => {
  await closeTrellis();
  await rm(dir, { recursive: true, force: true });
});

async function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await POST(new Request("http://localhost/api/plans/import", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const planCount = async () => (await homeOverview()).plans.length;

async function storedPlan(planId: unknown): Promise<Plan> {
  return (await planDetail(String(planId))).latest.plan;
}

describe("REST import of plan files", () => {
  it("stores the plan IR as it is", async () => {
    const r = await post({ plan: example, note: "bare" });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ valid: true, issues: [] });
    expect(await storedPlan(r.json.planId)).toEqual(example);
  });

  it("accepts the compact form, expanding its text bindings", async () => {
    const r = await post({ plan: compact });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    expect(r.json.valid).toBe(true);
    const stored = await storedPlan(r.json.planId);
    expect(stored.inputs).toEqual([]);
    expect(stored.steps[1].inputs).toEqual({ table: { kind: "step", step: "load", path: ["table"] }, by: { kind: "literal", value: [{ column: "revenue", direction: "desc" }] }, limit: { kind: "literal", value: 3 } });
    expect(stored.outputs).toEqual({ rows: { kind: "step", step: "top", path: ["table"] } });
  });

  it("accepts an exported version, in `plan` or as the body itself", async () => {
    const version = { id: "v-elsewhere", number: 4, hash: "abc", source: "editor", valid: true, plan: example, issues: [] };
    const inPlan = await post({ plan: version });
    expect(inPlan.status, JSON.stringify(inPlan.json)).toBe(201);
    expect(await storedPlan(inPlan.json.planId)).toEqual(example);
    // a version answer fetched from another Trellis, posted as it came
    const asBody = await post({ ...version, note: "from elsewhere" });
    expect(asBody.status, JSON.stringify(asBody.json)).toBe(201);
    expect(await storedPlan(asBody.json.planId)).toEqual(example);
    const answer = await post({ plan: { version: { ...version, plan: compact } } });
    expect(answer.status, JSON.stringify(answer.json)).toBe(201);
  });

  it("stores a plan with validation errors as a draft, with its issues", async () => {
    const r = await post({ plan: { ...compact, steps: [...compact.steps, { id: "x", action: "data.lod_csv", inputs: {} }] } });
    expect(r.status).toBe(201);
    expect(r.json.valid).toBe(false);
    expect(r.json.issues).toEqual(expect.arrayContaining([expect.objectContaining({ code: "unknown_action", stepId: "x" })]));
  });

  it("refuses what is not a plan with the plan file's message, and writes nothing", async () => {
    const before = await planCount();
    const cases: [unknown, RegExp][] = [
      [{ plan: { goal: 1 } }, /^This is not a Trellis plan: goal: .*; steps: /],
      [{ plan: { ...compact, steps: [{ id: "load", action: "data.load_csv", inputs: { path: "${nope.x}" } }] } }, /steps\.load\.inputs\.path: a reference starts with inputs\. or steps\./],
      [{ plan: [] }, /^This is not a Trellis plan: expected a plan: .*got an array$/],
      [{ plan: null }, /^This is not a Trellis plan: expected a plan: .*got null$/],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      const error = r.json.error as { code: string; message: string; details?: { issues?: { path: string; message: string }[] } };
      expect(error.message).toMatch(message);
      expect(error.details?.issues?.length).toBeGreaterThan(0);
    }
    expect(await planCount()).toBe(before);
  });

  it("gives the import page the same messages for text", async () => {
    const before = await planCount();
    expect(await importPlanJson("{ nope")).toEqual({ ok: false, error: 'This is not valid JSON: expected a property name in double quotes, found "n" (line 1, column 3).' });
    expect(await importPlanJson(JSON.stringify({ goal: 1 }))).toEqual({ ok: false, error: expect.stringMatching(/^This is not a Trellis plan: goal: /) });
    expect(await planCount()).toBe(before);
    const compactText = await importPlanJson(JSON.stringify(compact, null, 2));
    expect(compactText.ok).toBe(true);
  });
});
