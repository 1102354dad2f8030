/**
 * Two engines on one PostgreSQL database: a run is executed by the engine that claims it;
 * the other leaves it alone while the claim is renewed, refuses commands for it, and takes
 * it over when its engine stops.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../core";
import { freshDatabase, postgresAvailability } from "../../tests/support/databases";
import { makeHarness, type Harness } from "../../tests/support/engine-harness";
import { expectAllRunsMatchFold } from "../../tests/support/projection";
import { newProbe, testActions } from "../../tests/support/engine-actions";
import type { Database } from "../store/database";

const pg = await postgresAvailability();

const plan: Plan = {
  goal: "claims",
  flows: [],
  inputs: [],
  steps: [
    { id: "a", action: "test.sleep", inputs: { ms: { kind: "literal", value: 50 } } },
    { id: "b", action: "test.sleep", inputs: { ms: { kind: "literal", value: 1200 } }, after: ["a"] },
    { id: "c", action: "test.sleep", inputs: { ms: { kind: "literal", value: 50 } }, after: ["b"] },
  ],
  outputs: {},
};

describe.runIf(pg.run)("run claims on PostgreSQL", () => {
  let db: Database;
  const ended = new Set<string>();
  beforeAll(async () => { db = await freshDatabase("postgres"); });
  afterAll(async () => { await db?.close(); });
  afterEach(async () => { await expectAllRunsMatchFold(db, ended); });

  it("a second engine leaves a claimed run alone and refuses commands for it", async () => {
    const probe = newProbe();
    const a = makeHarness(db, testActions(probe), { ownerId: "engine-a", leaseMs: 400 });
    const b = makeHarness(db, testActions(probe), { ownerId: "engine-b", leaseMs: 400 });
    const runId = await a.engine.start({ planVersionId: await a.savePlan(plan) });
    // B looks for runs to take over every lease period, all through the run.
    b.engine.startResumePoller();
    await stepStarted(a.engine.bus, runId, "b");
    expect(b.engine.activeRuns()).toEqual([]);
    await expect(b.engine.cancel(runId)).rejects.toThrow(/another Trellis process/);
    const done = await a.engine.wait(runId, { timeoutMs: 10_000 });
    expect(done.run.status).toBe("succeeded");
    expect([...probe.calls.values()]).toEqual([1, 1, 1]);
    const events = await a.store.events(runId);
    expect(events.filter((e) => e.type === "run.started")).toHaveLength(1); // never taken over
    // close() returns once what the engine wrote and released is stored.
    await a.engine.close();
    await b.engine.close();
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).ownerId).toBeNull();
  });

  it("takes a run over when its engine stops, without running finished steps again", async () => {
    const probe = newProbe();
    const a = makeHarness(db, testActions(probe), { ownerId: "engine-a2", leaseMs: 400 });
    const b = makeHarness(db, testActions(probe), { ownerId: "engine-b2", leaseMs: 400 });
    const runId = await a.engine.start({ planVersionId: await a.savePlan(plan) });
    await stepStarted(a.engine.bus, runId, "b");
    await a.engine.close();
    b.engine.startResumePoller();
    const done = await b.engine.wait(runId, { timeoutMs: 10_000 });
    expect(done.run.status).toBe("succeeded");
    // "a" finished under engine A and is not run again; "b" was cut off and ran again under B.
    expect(probe.calls.get("a")).toBe(1);
    expect(probe.calls.get("c")).toBe(1);
    const events = await b.store.events(runId);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === "run.started").length).toBe(2);
    await b.engine.close();
  });
});

function stepStarted(bus: Harness["engine"]["bus"], runId: string, stepId: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const off = bus.subscribe(runId, (e) => { if (e.type === "step.started" && e.stepId === stepId) { off(); resolve(); } });
  });
}
