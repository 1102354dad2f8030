/**
 * Re-planning in queue mode, on this machine's PostgreSQL and Redis with `trellis worker` child
 * processes, against the embedded engine running the same plans with the same offline re-planner
 * (the server's, tests/support/replan-service.ts): "Re-plan from here" on a failed run and the
 * decision on it, and the re-plan of a run whose step failed for good (`replan.onFailure`), on a
 * worker, with a worker killed while it re-plans. Tests wait for conditions (events, trace lines), never for the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import type { Plan, RunEvent, Step } from "../../lib/core";
import { queueAvailability, queueHarness, type QueueHarness } from "../support/queue-harness";
import { queueActions, readTrace, release, type TraceLine } from "../support/queue-actions";
import { freshDatabase } from "../support/databases";
import { makeHarness, type Harness } from "../support/engine-harness";
import { harnessReplan } from "../support/replan-service";
import type { Database } from "../../lib/store/database";
import { lit, ref } from "../support/bindings";

const q = await queueAvailability();

const mend = (id: string, n: number, from?: string): Step => ({ id, action: "q.mend", inputs: { n: lit(n), ...(from ? { from: ref(from, "value") } : {}) } });
const broken = (id: string, n: number, from?: string): Step => ({ id, action: "q.broken", inputs: { n: lit(n), ...(from ? { from: ref(from, "value") } : {}) } });
/** a → b (fails: the offline re-planner gives it q.mend) → c; `n` keeps each test's steps apart in the trace */
const chain = (n: number, failing = "b"): Plan => ({ goal: "re-plan in queue mode", flows: [], inputs: [], outputs: { last: ref("c", "value") }, steps: [mend("a", n), broken(failing, n + 1, "a"), mend("c", n + 2, failing)] });

/**
 * A run's events as two engines can compare them: type, step and data, but times, durations and
 * plan version ids (each database has its own). `run.started` of a run that goes on after a
 * person's decision is left out: the embedded engine starts an executor again there, queue mode
 * has nothing to start.
 */
function story(events: RunEvent[]) {
  return events
    .filter((e) => e.type !== "step.log" && e.type !== "step.progress" && !(e.type === "run.started" && e.data?.resumed))
    .map((e) => {
      const data = e.type === "step.started" || e.type === "step.succeeded" ? { attempt: e.data.attempt } : e.type === "run.queued" ? {} : e.data;
      return { type: e.type, ...(e.stepId ? { stepId: e.stepId } : {}), data: withoutVersions(data) };
    });
}

function withoutVersions(data: unknown): unknown {
  if (!data || typeof data !== "object") return data;
  const { planVersionId: _v, fromVersionId: _f, ...rest } = data as Record<string, unknown>;
  return rest;
}

const statuses = (steps: { stepId: string; status: string }[]) => Object.fromEntries(steps.map((s) => [s.stepId, s.status]));

describe.runIf(q.run)("queue mode: re-planning on BullMQ workers", () => {
  let h: QueueHarness;
  let embeddedDb: Database;
  let embedded: Harness;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    h = await queueHarness();
    for (let i = 0; i < 2; i++) workers.push(await h.startWorker({ QUEUE_CONCURRENCY: "2", QUEUE_LOCK_MS: "1500", QUEUE_RECONCILE_MS: "300" }));
    embeddedDb = await freshDatabase("pglite");
    embedded = makeHarness(embeddedDb, queueActions(h.dir), { replan: harnessReplan(embeddedDb, () => embedded.registry) });
  }, 60_000);
  afterAll(async () => {
    await embedded?.engine.close();
    await embeddedDb?.close();
    await h?.close();
  }, 60_000);

  /** the trace lines of a run's step starts, as step ids */
  const starts = (runId: string) => readTrace(h.dir).filter((l) => l.runId === runId && l.what === "start");

  describe("re-plan from here", () => {
    it("on a failed run: accepted, the workers run the new version's remainder and the run succeeds, with the embedded engine's events", async () => {
      const plan = chain(10);
      const [qv, ev] = [await h.savePlan(plan), await embedded.savePlan(plan)];
      const [failed, eFailed] = await Promise.all([h.engine.run({ planVersionId: qv }), embedded.engine.run({ planVersionId: ev })]);
      for (const f of [failed, eFailed]) expect(f.run.status).toBe("failed");
      await h.engine.replanFromHere(failed.run.id);
      await embedded.engine.replanFromHere(eFailed.run.id);
      const waiting = (await h.store.load(failed.run.id))!;
      expect(waiting.run.status).toBe("awaiting_approval");
      expect(waiting.run.planVersionId).toBe(qv);
      const [proposed] = (await h.store.events(failed.run.id)).filter((e) => e.type === "run.replan_proposed");
      expect(proposed).toMatchObject({ data: { failedStepId: "b", failedAction: "q.broken", source: "offline", summary: { changed: ["b"] }, restart: ["b", "c"] } });
      // a proposal waits for a decision: a second request for the same run is refused
      await expect(h.engine.replanFromHere(failed.run.id)).rejects.toMatchObject({ code: "conflict" });

      await h.engine.decideReplan(failed.run.id, "accept", { by: "ana" });
      await embedded.engine.decideReplan(eFailed.run.id, "accept", { by: "ana" });
      const [done, eDone] = await Promise.all([h.engine.wait(failed.run.id, { timeoutMs: 60_000 }), embedded.engine.wait(eFailed.run.id, { timeoutMs: 60_000 })]);
      for (const d of [done, eDone]) {
        expect(d.run.status).toBe("succeeded");
        expect(d.run.outputs).toEqual({ last: "mended 12" });
        expect(statuses(d.steps)).toEqual({ a: "succeeded", b: "succeeded", c: "succeeded" });
        expect(d.plan.steps.find((s) => s.id === "b")!.action).toBe("q.mend");
      }
      expect(done.run.planVersionId).toBe(proposed.type === "run.replan_proposed" ? proposed.data.planVersionId : "");
      const events = await h.store.events(failed.run.id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(story(events)).toEqual(story(await embedded.store.events(eFailed.run.id)));
      // The new version's steps ran on the workers; a, which had succeeded, did not run again.
      const lines = starts(failed.run.id);
      expect(lines.map((l) => l.stepId)).toEqual(["a", "b", "b", "c"]);
      expect(lines.every((l) => l.pid !== process.pid)).toBe(true);
      await expect(h.engine.decideReplan(failed.run.id, "accept")).rejects.toMatchObject({ code: "conflict" });
    }, 90_000);

    it("rejected, the run stays failed with its step's failure, on its version, as in the embedded engine", async () => {
      const plan = chain(20);
      const [qv, ev] = [await h.savePlan(plan), await embedded.savePlan(plan)];
      const [failed, eFailed] = await Promise.all([h.engine.run({ planVersionId: qv }), embedded.engine.run({ planVersionId: ev })]);
      await h.engine.replanFromHere(failed.run.id);
      await embedded.engine.replanFromHere(eFailed.run.id);
      await h.engine.decideReplan(failed.run.id, "reject", { by: "bo", comment: "not this way" });
      await embedded.engine.decideReplan(eFailed.run.id, "reject", { by: "bo", comment: "not this way" });
      const [done, eDone] = [(await h.store.load(failed.run.id))!, (await embedded.store.load(eFailed.run.id))!];
      for (const d of [done, eDone]) {
        expect(d.run.status).toBe("failed");
        expect(d.run.failure?.message).toBe('step "b" failed: broken on purpose');
        expect(statuses(d.steps)).toEqual({ a: "succeeded", b: "failed", c: "skipped" });
      }
      expect(done.run.planVersionId).toBe(qv);
      expect(story(await h.store.events(failed.run.id))).toEqual(story(await embedded.store.events(eFailed.run.id)));
      expect(starts(failed.run.id).map((l) => l.stepId)).toEqual(["a", "b"]);
      await expect(h.engine.decideReplan(failed.run.id, "reject")).rejects.toMatchObject({ code: "conflict" });
    }, 90_000);

    it("on a run that waits for a step's approval: rejected, it waits again; accepted, the run goes on with the new version on the workers", async () => {
      // b waits for approval; the offline re-planner gives it q.mend without one
      const plan: Plan = { goal: "re-plan a waiting step", flows: [], inputs: [], outputs: { last: ref("c", "value") }, steps: [mend("a", 90), { ...broken("b", 91, "a"), approval: true }, mend("c", 92, "b")] };
      const [qv, ev] = [await h.savePlan(plan), await embedded.savePlan(plan)];
      const [waiting, eWaiting] = await Promise.all([h.engine.run({ planVersionId: qv }, { untilApproval: true }), embedded.engine.run({ planVersionId: ev }, { untilApproval: true })]);
      for (const w of [waiting, eWaiting]) expect(statuses(w.steps)).toEqual({ a: "succeeded", b: "awaiting_approval", c: "pending" });
      await h.engine.replanFromHere(waiting.run.id);
      await embedded.engine.replanFromHere(eWaiting.run.id);
      const [proposed] = (await h.store.events(waiting.run.id)).filter((e) => e.type === "run.replan_proposed");
      expect(proposed).toMatchObject({ data: { failedStepId: "b", failure: { code: "rejected" }, summary: { changed: ["b"] }, restart: ["b", "c"] } });
      await h.engine.decideReplan(waiting.run.id, "reject");
      await embedded.engine.decideReplan(eWaiting.run.id, "reject");
      for (const again of [(await h.store.load(waiting.run.id))!, (await embedded.store.load(eWaiting.run.id))!]) {
        expect(again.run.status).toBe("awaiting_approval");
        expect(statuses(again.steps)).toEqual({ a: "succeeded", b: "awaiting_approval", c: "pending" });
      }
      await h.engine.replanFromHere(waiting.run.id);
      await embedded.engine.replanFromHere(eWaiting.run.id);
      await h.engine.decideReplan(waiting.run.id, "accept");
      await embedded.engine.decideReplan(eWaiting.run.id, "accept");
      // The offline re-planner keeps the step's approval: b (now q.mend) waits for it again, then runs on a worker.
      const [again, eAgain] = await Promise.all([h.engine.wait(waiting.run.id, { untilApproval: true, timeoutMs: 60_000 }), embedded.engine.wait(eWaiting.run.id, { untilApproval: true, timeoutMs: 60_000 })]);
      for (const w of [again, eAgain]) {
        expect(statuses(w.steps)).toEqual({ a: "succeeded", b: "awaiting_approval", c: "pending" });
        expect(w.plan.steps.find((s) => s.id === "b")!.action).toBe("q.mend");
      }
      await h.engine.approve(waiting.run.id, "b");
      await embedded.engine.approve(eWaiting.run.id, "b");
      const [done, eDone] = await Promise.all([h.engine.wait(waiting.run.id, { timeoutMs: 60_000 }), embedded.engine.wait(eWaiting.run.id, { timeoutMs: 60_000 })]);
      for (const d of [done, eDone]) {
        expect(d.run.status).toBe("succeeded");
        expect(d.run.outputs).toEqual({ last: "mended 92" });
      }
      expect(story(await h.store.events(done.run.id))).toEqual(story(await embedded.store.events(eDone.run.id)));
      expect(starts(done.run.id).map((l) => l.stepId)).toEqual(["a", "b", "c"]);
    }, 90_000);
  });

  describe("replan.onFailure: a replan job on a worker", () => {
    it("approve auto: the run goes on with the new version on the workers, with the embedded engine's events", async () => {
      const plan = chain(30);
      const options = { replan: { onFailure: true } };
      const [done, eDone] = await Promise.all([
        h.engine.run({ planVersionId: await h.savePlan(plan), options }),
        embedded.engine.run({ planVersionId: await embedded.savePlan(plan), options }),
      ]);
      for (const d of [done, eDone]) {
        expect(d.run.status).toBe("succeeded");
        expect(d.run.outputs).toEqual({ last: "mended 32" });
        expect(statuses(d.steps)).toEqual({ a: "succeeded", b: "succeeded", c: "succeeded" });
      }
      const events = await h.store.events(done.run.id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      // the same events in the same order, run.started once (going on after a re-plan is no new start)
      expect(events.filter((e) => e.type === "run.started")).toHaveLength(1);
      expect(story(events)).toEqual(story(await embedded.store.events(eDone.run.id)));
      const [replanned] = events.filter((e) => e.type === "run.replanned");
      expect(replanned).toMatchObject({ data: { replan: 1, failedStepId: "b", failedAction: "q.broken", source: "offline", summary: { changed: ["b"] }, restart: ["b", "c"] } });
      expect(done.run.planVersionId).not.toBe(replanned.type === "run.replanned" ? replanned.data.fromVersionId : "");
      expect(starts(done.run.id).map((l) => l.stepId)).toEqual(["a", "b", "b", "c"]);
      expect(starts(done.run.id).every((l) => l.pid !== process.pid)).toBe(true);
    }, 90_000);

    it("approve ask: the run waits for a person; accepted, the workers go on with the new version", async () => {
      const plan = chain(40);
      const options = { replan: { onFailure: true, approve: "ask" as const } };
      const [waiting, eWaiting] = await Promise.all([
        h.engine.run({ planVersionId: await h.savePlan(plan), options }, { untilApproval: true }),
        embedded.engine.run({ planVersionId: await embedded.savePlan(plan), options }, { untilApproval: true }),
      ]);
      for (const w of [waiting, eWaiting]) {
        expect(w.run.status).toBe("awaiting_approval");
        expect(statuses(w.steps)).toEqual({ a: "succeeded", b: "failed", c: "pending" });
      }
      expect(story(await h.store.events(waiting.run.id))).toEqual(story(await embedded.store.events(eWaiting.run.id)));
      expect(starts(waiting.run.id).map((l) => l.stepId)).toEqual(["a", "b"]);
      await h.engine.decideReplan(waiting.run.id, "accept", { by: "ana" });
      await embedded.engine.decideReplan(eWaiting.run.id, "accept", { by: "ana" });
      const [done, eDone] = await Promise.all([h.engine.wait(waiting.run.id, { timeoutMs: 60_000 }), embedded.engine.wait(eWaiting.run.id, { timeoutMs: 60_000 })]);
      for (const d of [done, eDone]) expect(d.run.status).toBe("succeeded");
      expect(story(await h.store.events(done.run.id))).toEqual(story(await embedded.store.events(eDone.run.id)));
      expect(starts(done.run.id).map((l) => l.stepId)).toEqual(["a", "b", "b", "c"]);
    }, 90_000);

    it("no other way: the run fails with the reasons, the steps after the failure skipped, as in the embedded engine", async () => {
      // nothing else in the catalog gives what c needs from b's step: q.item's output
      const plan: Plan = { goal: "no way", flows: [], inputs: [], outputs: {}, steps: [mend("a", 50), { id: "b", action: "q.item", inputs: { n: lit(51), fail: lit(true) }, after: ["a"] }, { id: "c", action: "q.add", inputs: { a: ref("b", "doubled"), b: lit(1) } }] };
      const options = { replan: { onFailure: true } };
      const [done, eDone] = await Promise.all([
        h.engine.run({ planVersionId: await h.savePlan(plan), options }),
        embedded.engine.run({ planVersionId: await embedded.savePlan(plan), options }),
      ]);
      for (const d of [done, eDone]) {
        expect(d.run.status).toBe("failed");
        expect(d.run.failure?.message).toMatch(/^step "b" failed: item 51 is bad; re-planning found no other way/);
        expect(statuses(d.steps)).toEqual({ a: "succeeded", b: "failed", c: "skipped" });
      }
      expect(story(await h.store.events(done.run.id))).toEqual(story(await embedded.store.events(eDone.run.id)));
    }, 90_000);

    it("no other way under rollbackOnFailure: the run's writes are undone before its end, as in the embedded engine", async () => {
      const plan: Plan = { goal: "no way, undone", flows: [], inputs: [], outputs: {}, steps: [{ id: "w1", action: "q.write", inputs: { key: lit("w1") } }, { id: "b", action: "q.item", inputs: { n: lit(71), fail: lit(true) }, after: ["w1"] }, { id: "c", action: "q.add", inputs: { a: ref("b", "doubled"), b: lit(1) } }] };
      const options = { replan: { onFailure: true }, rollbackOnFailure: true };
      const [done, eDone] = await Promise.all([
        h.engine.run({ planVersionId: await h.savePlan(plan), options }),
        embedded.engine.run({ planVersionId: await embedded.savePlan(plan), options }),
      ]);
      for (const d of [done, eDone]) expect(d.run.status).toBe("failed");
      const events = await h.store.events(done.run.id);
      expect(events.filter((e) => e.type !== "step.log").map((e) => `${e.type}${e.stepId ? ` ${e.stepId}` : ""}`).slice(-3)).toEqual(["step.skipped c", "step.undone w1", "run.failed"]);
      expect(story(events)).toEqual(story(await embedded.store.events(eDone.run.id)));
    }, 90_000);

    it("heals a crash between the change that stores the failure and the replan job's enqueue: the reconciler adds the job", async () => {
      const crashing = await queueHarness();
      try {
        // The only worker at first: it stores the step's failure and "dies" before it adds the replan job.
        await crashing.startWorker({ QUEUE_CONCURRENCY: "1", QUEUE_RECONCILE_MS: "0", QUEUE_LOSE_REPLAN: "1" });
        const runId = await crashing.engine.start({ planVersionId: await crashing.savePlan(chain(80)), options: { replan: { onFailure: true } } });
        await until(async () => (await crashing.store.events(runId)).some((e) => e.type === "step.failed" && e.stepId === "b"));
        await until(async () => Object.values(await crashing.mode.queue.counts()).every((n) => n === 0));
        const stuck = (await crashing.store.load(runId))!;
        expect(stuck.run.status).toBe("running");
        expect(statuses(stuck.steps)).toEqual({ a: "succeeded", b: "failed", c: "pending" });
        // A worker whose reconciler runs finds the run asking for a re-plan without its job and adds it.
        await crashing.startWorker({ QUEUE_CONCURRENCY: "1", QUEUE_RECONCILE_MS: "200" });
        const done = await crashing.engine.wait(runId, { timeoutMs: 60_000 });
        expect(done.run.status).toBe("succeeded");
        expect((await crashing.store.events(runId)).filter((e) => e.type === "run.replanned")).toHaveLength(1);
      } finally {
        await crashing.close();
      }
    }, 90_000);

    it("a worker killed while it re-plans: another worker re-plans the run, which stores one re-plan and succeeds", async () => {
      // a third worker: one of them is killed
      await h.startWorker({ QUEUE_CONCURRENCY: "2", QUEUE_LOCK_MS: "1500", QUEUE_RECONCILE_MS: "300" });
      const plan: Plan = { goal: "re-plan crash", flows: [], inputs: [], outputs: { last: ref("c", "value") }, steps: [mend("a", 60), broken("hold_b", 61, "a"), mend("c", 62, "hold_b")] };
      const runId = await h.engine.start({ planVersionId: await h.savePlan(plan), options: { replan: { onFailure: true } } });
      const holding = await traced(h.dir, (l) => l.what === "replan" && l.stepId === "hold_b");
      process.kill(holding.pid, "SIGKILL");
      await until(() => { try { process.kill(holding.pid, 0); return false; } catch { return true; } });
      release(h.dir, "replan-hold_b");
      const done = await h.engine.wait(runId, { timeoutMs: 60_000 });
      expect(done.run.status).toBe("succeeded");
      expect(done.run.outputs).toEqual({ last: "mended 62" });
      const events = await h.store.events(runId);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === "run.replanned")).toHaveLength(1);
      expect(events.filter((e) => e.type === "run.replan_proposed")).toHaveLength(0);
      // the killed worker asked the planner; another one asked again and stored the re-plan
      const asked = readTrace(h.dir).filter((l) => l.what === "replan" && l.stepId === "hold_b");
      expect(asked.length).toBeGreaterThanOrEqual(2);
      expect(asked.at(-1)!.pid).not.toBe(holding.pid);
      expect(starts(runId).map((l) => l.stepId)).toEqual(["a", "hold_b", "hold_b", "c"]);
    }, 120_000);
  });
});

/** Resolves once the trace has a line that `match` accepts. */
async function traced(dir: string, match: (l: TraceLine) => boolean): Promise<TraceLine> {
  for (;;) {
    const hit = readTrace(dir).find(match);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once `check` holds, asking every 20 ms. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}
