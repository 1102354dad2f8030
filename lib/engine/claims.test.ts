/**
 * Two engines on one PostgreSQL database: a run is executed by the engine that claims it;
 * the other leaves it alone while the claim is renewed, refuses commands for it, and takes
 * it over when its engine stops. An engine takes over at once the claims of an earlier process
 * of its own that is gone (a server killed and started again), never those of a live one.
 */
import { spawn } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../core";
import { freshDatabase, postgresAvailability } from "../../tests/support/databases";
import { makeHarness, type Harness } from "../../tests/support/engine-harness";
import { expectAllRunsMatchFold } from "../../tests/support/projection";
import { newProbe, testActions } from "../../tests/support/engine-actions";
import type { Database } from "../store/database";
import { PrismaRunStore } from "../store/run-store";
import { formatOwnerId, procStat, thisProcess } from "./owner-identity";

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

  describe("an engine's own earlier process", () => {
    const LONG_LEASE = 600_000;
    const name = "trellis-claims-test";
    const me = thisProcess();
    /** An engine that dies as a killed process does: its claims stay, nothing is released. */
    const crashingEngine = (ownerId: string, probe = newProbe()) => {
      const h = makeHarness(db, testActions(probe), { ownerId, leaseMs: LONG_LEASE });
      const store = h.store as PrismaRunStore;
      store.release = async () => undefined;
      return h;
    };
    const stuckPlan: Plan = { ...plan, steps: [plan.steps[0], { id: "b", action: "test.until_aborted", inputs: {}, after: ["a"] }, plan.steps[2]] };
    const holderOf = async (runId: string) => (await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).ownerId;

    /** A process of this host: one that has exited (`gone`), or one still running (stopped by the returned kill). */
    async function otherProcess(kind: "gone" | "alive"): Promise<{ pid: number; start: string; kill(): void }> {
      const child = spawn(process.execPath, ["-e", kind === "gone" ? "" : "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      const pid = child.pid!;
      if (kind === "gone") {
        const start = procStat(pid)?.start ?? "1";
        await new Promise((resolve) => child.on("exit", resolve));
        return { pid, start, kill: () => undefined };
      }
      await new Promise((resolve) => child.on("spawn", resolve));
      return { pid, start: procStat(pid)!.start, kill: () => child.kill("SIGKILL") };
    }

    it("takes its runs over at start-up, long before their lease runs out, and runs only the step caught mid-flight again", async () => {
      const dead = await otherProcess("gone");
      const probe = newProbe();
      const before = crashingEngine(formatOwnerId({ name, ...me, pid: dead.pid, start: dead.start }), probe);
      const runId = await before.engine.start({ planVersionId: await before.savePlan(plan) });
      await stepStarted(before.engine.bus, runId, "b");
      await before.engine.close(); // the process "dies": its claim stays, with ten minutes left
      expect(await holderOf(runId)).toBe(before.engine.ownerId);

      const after = makeHarness(db, testActions(probe), { name, leaseMs: LONG_LEASE });
      expect(await after.engine.resumeAll()).toContain(runId);
      const done = await after.engine.wait(runId, { timeoutMs: 30_000 });
      expect(done.run.status).toBe("succeeded");
      expect(probe.calls.get("a")).toBe(1);
      expect(probe.calls.get("c")).toBe(1);
      const starts = (await after.store.events(runId)).filter((e) => e.type === "run.started").map((e) => (e.type === "run.started" ? e.data ?? {} : null));
      expect(starts).toEqual([{}, { resumed: true, interrupted: ["b"] }]);
      await after.engine.close();
      ended.add(runId);
    });

    it("takes over the claim of an earlier process that had this very pid", async () => {
      const before = crashingEngine(formatOwnerId({ name, ...me, start: `${me.start}0` }));
      const runId = await before.engine.start({ planVersionId: await before.savePlan(stuckPlan) });
      await stepStarted(before.engine.bus, runId, "b");
      await before.engine.close();
      // A command for the run is this engine's to carry out: a cancel is written at once.
      const after = makeHarness(db, testActions(newProbe()), { name, leaseMs: LONG_LEASE });
      await after.engine.cancel(runId);
      expect((await after.store.load(runId))!.run.status).toBe("cancelled");
      await after.engine.close();
    });

    it("never takes a run from a live process, of its own name or of another", async () => {
      const live = await otherProcess("alive");
      try {
        for (const holder of [formatOwnerId({ name, ...me, pid: live.pid, start: live.start }), formatOwnerId({ name: "someone-else", ...me, pid: 999_999_999, start: "1" })]) {
          const before = crashingEngine(holder);
          const runId = await before.engine.start({ planVersionId: await before.savePlan(stuckPlan) });
          await stepStarted(before.engine.bus, runId, "b");
          await before.engine.close();
          const after = makeHarness(db, testActions(newProbe()), { name, leaseMs: LONG_LEASE });
          await expect(after.engine.cancel(runId)).rejects.toThrow(/another Trellis process/);
          expect(await holderOf(runId)).toBe(holder);
          await after.engine.close();
          // Leave nothing for the other tests' resumes: end it as its holder would.
          const owner = makeHarness(db, testActions(newProbe()), { ownerId: holder, leaseMs: LONG_LEASE });
          await owner.engine.cancel(runId);
          await owner.engine.close();
        }
      } finally {
        live.kill();
      }
    });
  });
});

function stepStarted(bus: Harness["engine"]["bus"], runId: string, stepId: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const off = bus.subscribe(runId, (e) => { if (e.type === "step.started" && e.stepId === stepId) { off(); resolve(); } });
  });
}
