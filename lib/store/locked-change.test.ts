/**
 * Queue mode's change under a run's lock, on PostgreSQL without the ORM (locked-change.ts): it
 * writes the rows the events fold to, sends its notifications at commit, and a change that waited
 * for the lock reads the run and its steps as the holder left them.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../core";
import { freshDatabase, postgresAvailability } from "../../tests/support/databases";
import { expectRowsMatchFold } from "../../tests/support/projection";
import type { LoadedRun, NewEvent } from "../engine/run-store";
import type { Database } from "./database";
import { createPlan } from "./plans";
import { PrismaRunStore } from "./run-store";

const available = await postgresAvailability();

const plan: Plan = {
  goal: "locked changes",
  flows: [],
  inputs: [],
  steps: [
    { id: "a", action: "text.split", inputs: { text: { kind: "literal", value: "x,y" } } },
    { id: "b", action: "text.split", inputs: { text: { kind: "literal", value: "x,y" } } },
  ],
  outputs: {},
};

describe.runIf(available.run)("changes under a run's lock on PostgreSQL", () => {
  let db: Database;
  let store: PrismaRunStore;
  let versionId: string;
  let planId: string;
  let n = 0;
  beforeAll(async () => {
    db = await freshDatabase("postgres");
    store = new PrismaRunStore(db.prisma, { pool: db.pool });
    versionId = (await createPlan(db.prisma, { plan, issues: [], source: "api" })).id;
    planId = (await db.prisma.planVersion.findUniqueOrThrow({ where: { id: versionId } })).planId;
  });
  afterAll(async () => { await db?.close(); });

  async function newRun(): Promise<string> {
    const id = `run-locked-${++n}`;
    await store.createRun({ run: { id, planId, planVersionId: versionId, inputs: {}, options: {} as never }, steps: plan.steps.map((s) => ({ stepId: s.id, idempotencyKey: `${id}:${s.id}` })), events: [{ type: "run.queued", data: { planVersionId: versionId, inputs: {} } }] });
    return id;
  }

  it("stores the events with the next seqs and the rows they fold to, and notifies at commit", async () => {
    const runId = await newRun();
    const listener = new pg.Client({ connectionString: (db.pool as unknown as { options: { connectionString: string } }).options.connectionString });
    await listener.connect();
    const heard: string[] = [];
    listener.on("notification", (m) => heard.push(m.payload ?? ""));
    await listener.query("LISTEN locked_change_test");
    try {
      const done = await store.appendLocked(runId, async (loaded) => {
        expect(loaded.run.lastSeq).toBe(1);
        expect(loaded.plan.goal).toBe("locked changes");
        const events: NewEvent[] = [{ type: "run.started", data: {} }, { type: "step.started", stepId: "a", data: { attempt: 1, input: { text: "x,y" } } }];
        return { events, result: "ok" };
      }, (events) => [{ channel: "locked_change_test", payload: events.map((e) => e.seq).join(",") }]);
      expect(done?.result).toBe("ok");
      expect(done?.events.map((e) => e.seq)).toEqual([2, 3]);
      const { rows } = await expectRowsMatchFold(db, runId);
      expect(rows).toMatchObject({ status: "running", lastSeq: 3 });
      expect(rows.steps.a).toMatchObject({ status: "running", attempts: 1, input: { text: "x,y" } });
      await expect.poll(() => heard).toEqual(["2,3"]);
    } finally {
      await listener.end();
    }
  });

  it("a change that waited for the lock reads the steps as the change before it left them", async () => {
    const runId = await newRun();
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let holding!: () => void;
    const locked = new Promise<void>((resolve) => { holding = resolve; });
    const first = store.appendLocked(runId, async () => {
      holding();
      await held;
      const events: NewEvent[] = [{ type: "run.started", data: {} }, { type: "step.started", stepId: "a", data: { attempt: 1, input: null } }, { type: "step.succeeded", stepId: "a", data: { attempt: 1, output: { parts: ["x", "y"] } } }];
      return { events, result: null };
    });
    await locked;
    let seen: LoadedRun | undefined;
    const second = store.appendLocked(runId, async (loaded) => { seen = loaded; return { events: [], result: null }; });
    // The second change waits on the run's row lock before the first commits.
    await expect.poll(async () => (await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)[0].n, { timeout: 30_000 }).toBe(1);
    release();
    await Promise.all([first, second]);
    expect(seen!.run.lastSeq).toBe(4);
    expect(seen!.steps.find((s) => s.stepId === "a")).toMatchObject({ status: "succeeded", output: { parts: ["x", "y"] } });
  });

  it("reads the run's stored events of one type on the locked transaction, with or without the ORM", async () => {
    const runId = await newRun();
    const skipped: NewEvent[] = [{ type: "run.started", data: {} }, { type: "step.skipped", stepId: "a", data: { reason: "condition false", condition: { when: "x", values: [] } } }, { type: "step.skipped", stepId: "b", data: { reason: '"a" did not produce an output', cause: "a", byCondition: true } }];
    await store.appendLocked(runId, async () => ({ events: skipped, result: null }));
    const stored = (await store.events(runId)).filter((e) => e.type === "step.skipped");
    expect(stored.map((e) => [e.seq, e.stepId, e.data])).toEqual([[3, "a", skipped[1].data], [4, "b", skipped[2].data]]);
    for (const s of [store, new PrismaRunStore(db.prisma)]) {
      const done = await s.appendLocked(runId, async (_loaded, reads) => ({ events: [], result: await reads.eventsOfType("step.skipped") }));
      expect(done!.result).toEqual(stored);
    }
  });

  it("a change that cannot be stored is refused whole, and the lock is let go", async () => {
    const runId = await newRun();
    const bad: NewEvent[] = [{ type: "step.started", stepId: "not_in_the_plan", data: { attempt: 1, input: null } }];
    const err = await store.appendLocked(runId, async () => ({ events: bad, result: null })).then(() => null, (e: unknown) => e);
    expect((err as Error).message).toMatch(/step rows the batch changes do not exist/);
    expect(await db.prisma.runEvent.count({ where: { runId } })).toBe(1);
    const started: NewEvent[] = [{ type: "run.started", data: {} }];
    const next = await store.appendLocked(runId, async (loaded) => ({ events: started, result: loaded.run.lastSeq }));
    expect(next?.result).toBe(1);
    expect(await store.appendLocked("no-such-run", async () => ({ events: [], result: null }))).toBeNull();
  });
});
