/**
 * Trellis calling another Trellis through its OpenAPI document: the BUILT app (run `npx next
 * build` first) serves /api/openapi.json; the `trellis` command, with a sources file whose
 * `apis` names that document and TRELLIS_HTTP_ALLOW_HOSTS naming 127.0.0.1, lists its operations
 * as actions and runs a plan that lists the other Trellis's plans and starts a run there.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtAppForSuite } from "../support/built-app";
import { ROOT, json, tempDir, trellis } from "../support/cli";

const suite = builtAppForSuite();
const EXAMPLE = JSON.parse(readFileSync(path.join(ROOT, "examples", "revenue-by-region.json"), "utf8")) as Record<string, unknown>;

let tmp: ReturnType<typeof tempDir>;
let env: Record<string, string>;
let planFile: string;
let otherPlanId: string;

beforeAll(async () => {
  tmp = tempDir("trellis-openapi-");
  const config = path.join(tmp.dir, "sources.json");
  writeFileSync(config, JSON.stringify({ apis: { trellis: { openapi: `${suite.app.baseUrl}/api/openapi.json` } } }));
  planFile = path.join(tmp.dir, "remote-run.json");
  writeFileSync(planFile, JSON.stringify({
    goal: "Start a run of the newest plan of another Trellis",
    flows: ["trellis"],
    inputs: [],
    steps: [
      { id: "plans", action: "trellis.listPlans", inputs: { limit: 10 } },
      { id: "start", action: "trellis.startRun", inputs: { id: "${steps.plans.output.plans[0].id}", body: { options: {} } } },
    ],
    outputs: { runId: "${steps.start.output.runId}", planId: "${steps.plans.output.plans[0].id}", planCount: "${steps.plans.output.plans}" },
  }));
  env = { TRELLIS_DATA_DIR: path.join(tmp.dir, "data"), TRELLIS_MCP_CONFIG: config, TRELLIS_HTTP_ALLOW_HOSTS: "127.0.0.1" };
  otherPlanId = (await suite.api.call("importPlan", { body: { plan: EXAMPLE } })).planId;
}, 60_000);
afterAll(() => tmp?.remove());

describe("another Trellis's REST API as actions", { timeout: 400_000 }, () => {
  it("lists its operations as actions (GET read, others write)", async () => {
    const listed = json<{ actions: { id: string; flows: string[]; effect: string; source?: string; unavailable?: string }[] }>(await trellis(["actions", "--json"], { env, timeoutMs: 170_000 }));
    const ours = listed.actions.filter((a) => a.id.startsWith("trellis."));
    const doc = (await (await fetch(`${suite.app.baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const documented = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ours.length).toBeGreaterThan(30);
    expect(ours.length).toBeLessThanOrEqual(documented.length);
    expect(ours.find((a) => a.id === "trellis.listPlans")).toMatchObject({ flows: ["trellis"], effect: "read", source: "openapi:trellis" });
    expect(ours.find((a) => a.id === "trellis.startRun")).toMatchObject({ flows: ["trellis"], effect: "write" });
    expect(ours.every((a) => !a.unavailable)).toBe(true);
  });

  it("runs a plan that lists the other Trellis's plans and starts a run there", async () => {
    const run = await trellis(["run", planFile, "--json"], { env, timeoutMs: 170_000 });
    expect(run.code, run.stderr).toBe(0);
    const done = json<{ status: string; outputs: { runId: string; planId: string } }>(run);
    expect(done.status).toBe("succeeded");
    expect(done.outputs.planId).toBe(otherPlanId);
    // The other Trellis has the run, of that plan.
    const detail = await suite.api.call("getRun", { params: { id: done.outputs.runId } });
    expect(detail.run.planId).toBe(otherPlanId);
    expect(detail.planTitle).toBeTruthy();
  });

  it("without leave to reach 127.0.0.1, the API is unavailable and the plan does not validate", async () => {
    const run = await trellis(["run", planFile, "--json"], { env: { ...env, TRELLIS_HTTP_ALLOW_HOSTS: "" }, timeoutMs: 170_000 });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/action_unavailable|unavailable/);
    expect(run.stdout + run.stderr).toMatch(/loopback/);
  });
});
