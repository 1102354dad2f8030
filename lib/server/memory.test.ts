/**
 * Plan memory end to end on the real composition root and a fresh database (nothing mocked),
 * the embedded one and PostgreSQL (when it answers; required with CI=true): a saved plan runs to
 * success and is remembered; a similar goal is planned from it (offline), rebinding the value the
 * new goal states and naming its source; memory off plans from scratch; forgetting it removes it
 * from memory and from planning.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Plan, RunEvent } from "../core";
import { readSse } from "../contract/sse";
import { createPostgresDatabase, postgresAvailability, type DbKind } from "../../tests/support/databases";
import { RequestError } from "./errors";

const pgAvailable = await postgresAvailability();
const kinds: DbKind[] = pgAvailable.run ? ["pglite", "postgres"] : ["pglite"];
const GOAL = "Load the sample sales CSV, total revenue by region, chart it and write a report to reports/revenue-by-region.md";
const SIMILAR = "Load the sample sales CSV, total revenue by region, chart it and write a report to reports/q3-regions.md";

// A fresh server (configuration, database) for each kind of database: the configuration is
// read once per module instance, so each kind imports its own.
let planDetail: typeof import("./plan-editing").planDetail;
let planGoalAndSave: typeof import("./planning").planGoalAndSave;
let importPlan: typeof import("./plans").importPlan;
let forgetMemory: typeof import("./memory").forgetMemory;
let listMemory: typeof import("./memory").listMemory;
let runEventStream: typeof import("./runs").runEventStream;
let startRun: typeof import("./runs").startRun;

/** Waits for the run's last event (succeeded or failed) through the run event stream. */
async function settle(runId: string): Promise<RunEvent["type"]> {
  const client = new AbortController();
  const stream = await runEventStream(runId, 0, client.signal, { repeat: () => () => {} });
  let last: RunEvent["type"] = "run.queued";
  for await (const m of readSse(stream)) {
    last = (JSON.parse(m.data) as RunEvent).type;
    if (last === "run.succeeded" || last === "run.failed" || last === "run.cancelled") break;
  }
  client.abort();
  return last;
}

/** The example plan with the report's path stated in its goal and written as a literal. */
async function savedPlan(): Promise<{ planId: string; versionId: string }> {
  const example = JSON.parse(await readFile(path.join(__dirname, "../../examples/revenue-by-region.json"), "utf8")) as Plan;
  const plan: Plan = {
    ...example,
    goal: GOAL,
    inputs: [],
    steps: example.steps.map((s) => (s.id === "save" ? { ...s, inputs: { ...s.inputs, path: { kind: "literal", value: "reports/revenue-by-region.md" } } } : s)),
  };
  const imported = await importPlan(plan);
  if (!imported.valid) throw new Error(JSON.stringify(imported.issues));
  return { planId: imported.planId, versionId: imported.versionId };
}

describe.each(kinds)("plan memory on %s", (kind) => {
  const env = { TRELLIS_DATA_DIR: process.env.TRELLIS_DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  let closeTrellis = async () => {};
  let dropDatabase = async () => {};

  beforeAll(async () => {
    process.env.TRELLIS_DATA_DIR = await mkdtemp(path.join(os.tmpdir(), `trellis-memory-${kind}-`));
    if (kind === "postgres") {
      const created = await createPostgresDatabase();
      process.env.DATABASE_URL = created.url;
      dropDatabase = created.drop;
    } else {
      delete process.env.DATABASE_URL;
    }
    vi.resetModules();
    const trellis = await import("./trellis");
    closeTrellis = trellis.closeTrellis;
    ({ planDetail } = await import("./plan-editing"));
    ({ planGoalAndSave } = await import("./planning"));
    ({ importPlan } = await import("./plans"));
    ({ forgetMemory, listMemory } = await import("./memory"));
    ({ runEventStream, startRun } = await import("./runs"));
    // Opening a fresh database takes seconds: here, under the hook's time limit.
    expect((await trellis.getTrellis()).database.kind).toBe(kind);
  }, 120_000);

  afterAll(async () => {
    await closeTrellis();
    await rm(process.env.TRELLIS_DATA_DIR!, { recursive: true, force: true });
    await dropDatabase();
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  let saved: { planId: string; versionId: string };
  const memoryId = () => `version:${saved.versionId}`;

  it("remembers a saved version only once it has run to a clean success", async () => {
    saved = await savedPlan();
    expect((await listMemory()).items.map((i) => i.id)).not.toContain(memoryId());
    const { runId } = await startRun(saved.planId, { inputs: {}, options: {} });
    expect(await settle(runId)).toBe("run.succeeded");
    const item = (await listMemory()).items.find((i) => i.id === memoryId());
    expect(item).toMatchObject({ goal: GOAL, origin: "run", planId: saved.planId, versionId: saved.versionId });
    expect(item?.actions).toContain("files.write");
  });

  it("plans a similar goal from the remembered plan, with the new goal's value, and says so; the adapted plan runs", async () => {
    const planned = await planGoalAndSave({ goal: SIMILAR, planner: "offline" });
    expect(planned.memory?.startedFrom).toMatchObject({ id: memoryId(), versionId: saved.versionId, goal: GOAL });
    expect(planned.memory?.startedFrom?.similarity).toBeGreaterThan(0.6);
    expect(planned.status).toBe("ready");
    const save = planned.plan.steps.find((s) => s.action === "files.write");
    expect(save?.inputs.path).toEqual({ kind: "literal", value: "reports/q3-regions.md" });
    expect(planned.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.group_aggregate", "data.sort", "data.chart_svg", "data.to_markdown", "text.markdown_report", "files.write"]);
    expect(planned.planning.notes?.[0]).toContain(memoryId());
    // The editor reads it back with the version.
    expect((await planDetail(planned.planId!)).latest.memory?.startedFrom?.id).toBe(memoryId());
    const { runId } = await startRun(planned.planId!, { inputs: {}, options: {} });
    expect(await settle(runId)).toBe("run.succeeded");
  });

  it("plans from scratch when memory is off for the request", async () => {
    const planned = await planGoalAndSave({ goal: SIMILAR, planner: "offline", memory: false });
    expect(planned.memory).toBeUndefined();
    expect(planned.planning.notes?.join("\n") ?? "").not.toContain("remembered plan");
  });

  it("forgets a remembered plan: gone from the list and from planning, and forgetting again is fine", async () => {
    await forgetMemory(memoryId());
    const list = await listMemory();
    expect(list.items.map((i) => i.id)).not.toContain(memoryId());
    expect(list.forgotten).toBeGreaterThanOrEqual(1);
    const planned = await planGoalAndSave({ goal: SIMILAR, planner: "offline" });
    expect(planned.memory?.startedFrom?.id).not.toBe(memoryId());
    expect(planned.memory?.startedFrom?.versionId).not.toBe(saved.versionId);
    await expect(forgetMemory(memoryId())).resolves.toEqual({ ok: true });
  });

  it("refuses ids that name nothing remembered", async () => {
    const bad = await forgetMemory("plan:nope").catch((e: unknown) => e);
    expect(RequestError.isInstance(bad) && bad.status).toBe(400);
    const missing = await forgetMemory("version:no-such-version").catch((e: unknown) => e);
    expect(RequestError.isInstance(missing) && missing.status).toBe(404);
  });
});
