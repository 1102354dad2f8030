/**
 * The store writes a batch as three set-based statements: the rows it leaves are the fold of the
 * events (a key absent keeps a column, null clears it, times are stored as given), several runs
 * and steps go in one batch, and a batch that cannot be written leaves nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan, RunEvent } from "../core";
import { freshDatabase, postgresAvailability, type DbKind } from "../../tests/support/databases";
import { expectRowsMatchFold } from "../../tests/support/projection";
import { SeqConflictError, UnstorableChangeError, type NewEvent } from "../engine/run-store";
import type { Database } from "./database";
import { createPlan } from "./plans";
import { PrismaRunStore } from "./run-store";

const pg = await postgresAvailability();
const kinds: DbKind[] = pg.run ? ["pglite", "postgres"] : ["pglite"];

const plan: Plan = {
  goal: "batch writes",
  flows: [],
  inputs: [],
  steps: [
    { id: "a", action: "text.split", inputs: { text: { kind: "literal", value: "x,y" } } },
    { id: "b", action: "text.split", inputs: { text: { kind: "literal", value: "x,y" } }, after: ["a"] },
  ],
  outputs: {},
};

describe.each(kinds)("set-based batch writes on %s", (kind) => {
  let db: Database;
  let store: PrismaRunStore;
  let versionId: string;
  let planId: string;
  beforeAll(async () => {
    db = await freshDatabase(kind);
    store = new PrismaRunStore(db.prisma);
    const saved = await createPlan(db.prisma, { plan, issues: [], source: "api" });
    versionId = saved.id;
    planId = (await db.prisma.planVersion.findUniqueOrThrow({ where: { id: versionId } })).planId;
  });
  afterAll(async () => { await db?.close(); });

  let n = 0;
  async function newRun(): Promise<string> {
    const id = `run-${kind}-${++n}`;
    await store.createRun({ run: { id, planId, planVersionId: versionId, inputs: {}, options: {} as never }, steps: plan.steps.map((s) => ({ stepId: s.id, idempotencyKey: `${id}:${s.id}` })), events: [{ type: "run.queued", data: { planVersionId: versionId, inputs: {} } }] });
    return id;
  }

  /** Events after the run's `from` (its last stored seq), stamped `at` seconds apart from a fixed time. */
  function stamp(runId: string, from: number, events: NewEvent[], startMs = Date.UTC(2026, 0, 2, 3, 4, 5, 678)): RunEvent[] {
    return events.map((e, i) => ({ ...e, runId, seq: from + i + 1, at: new Date(startMs + i * 1000).toISOString() }) as RunEvent);
  }

  it("writes several runs' events and row changes in one batch, as their fold", async () => {
    const r1 = await newRun(), r2 = await newRun();
    const failure = { code: "action_error", message: "flaky", retryable: true } as const;
    await store.apply([
      { runId: r1, events: stamp(r1, 1, [
        { type: "run.started", data: {} },
        { type: "step.started", stepId: "a", data: { attempt: 1, input: { text: "x,y" } } },
        { type: "step.retrying", stepId: "a", data: { attempt: 1, delayMs: 10, failure } },
      ]) },
      { runId: r2, events: stamp(r2, 1, [{ type: "run.started", data: {} }, { type: "step.started", stepId: "a", data: { attempt: 1, input: null } }]) },
      // a second change of r1 in the same batch
      { runId: r1, events: stamp(r1, 4, [
        { type: "step.started", stepId: "a", data: { attempt: 2, input: { text: "x,y" } } },
        { type: "step.succeeded", stepId: "a", data: { attempt: 2, output: { parts: ["x", "y"], note: null } } },
      ], Date.UTC(2026, 0, 2, 3, 5, 0, 1)) },
    ]);
    const { rows } = await expectRowsMatchFold(db, r1);
    expect(rows.lastSeq).toBe(6);
    // the retry's failure is cleared by the success; the first attempt's start is kept
    expect(rows.steps.a).toMatchObject({ status: "succeeded", attempts: 2, failure: null, output: { parts: ["x", "y"], note: null }, startedAt: "2026-01-02T03:04:06.678Z", finishedAt: "2026-01-02T03:05:01.001Z" });
    expect(rows.steps.b).toMatchObject({ status: "pending", attempts: 0, output: null });
    const r2rows = await expectRowsMatchFold(db, r2);
    // an input given as null is stored as no value, as Prisma's DbNull stores it
    expect(r2rows.rows.steps.a).toMatchObject({ status: "running", input: null });
    const raw = await db.prisma.$queryRaw<{ sqlNull: boolean }[]>`SELECT "input" IS NULL AS "sqlNull" FROM "StepRun" WHERE "runId" = ${r2} AND "stepId" = 'a'`;
    expect(raw).toEqual([{ sqlNull: true }]);
  });

  it("a seq that is stored already fails the whole batch, and nothing of it is written", async () => {
    const r1 = await newRun(), r2 = await newRun();
    await store.apply([{ runId: r1, events: stamp(r1, 1, [{ type: "run.started", data: {} }]) }]);
    const before = await expectRowsMatchFold(db, r1);
    const err = await store.apply([
      { runId: r2, events: stamp(r2, 1, [{ type: "run.started", data: {} }]) },
      { runId: r1, events: stamp(r1, 1, [{ type: "run.started", data: { resumed: true } }]) },
    ]).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SeqConflictError);
    expect(await expectRowsMatchFold(db, r1)).toEqual(before);
    expect((await expectRowsMatchFold(db, r2)).rows).toMatchObject({ status: "queued", lastSeq: 1 });
  });

  it("a change to a step the run has no row for is refused as unstorable, and nothing of the batch is written", async () => {
    const r1 = await newRun();
    const err = await store.apply([{ runId: r1, events: stamp(r1, 1, [
      { type: "run.started", data: {} },
      { type: "step.started", stepId: "not_in_the_plan", data: { attempt: 1, input: null } },
    ]) }]).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(UnstorableChangeError);
    expect((err as Error).message).toBe("0 of the 1 run rows and 1 of the 1 step rows the batch changes do not exist");
    expect(await db.prisma.runEvent.count({ where: { runId: r1 } })).toBe(1);
    expect((await expectRowsMatchFold(db, r1)).rows).toMatchObject({ status: "queued", lastSeq: 1 });
  });
});
