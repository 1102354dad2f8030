/**
 * Re-planning in queue mode, on this machine's PostgreSQL and Redis with `trellis worker` child
 * processes, against the embedded engine running the same plans with the same offline re-planner
 * (the server's, tests/support/replan-service.ts): "Re-plan from here" on a failed run and the
 * decision on it. Tests wait for conditions (events, trace lines), never for the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import type { Plan, RunEvent, Step } from "../../lib/core";
import { queueAvailability, queueHarness, type QueueHarness } from "../support/queue-harness";
import { queueActions, readTrace } from "../support/queue-actions";
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
  });
});
