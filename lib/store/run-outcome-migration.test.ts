/**
 * The run-outcome migration fills the new `rejected` and `partial` columns of runs stored
 * before it from their events, as lib/core's reducer would have (run-state.ts outcomePatch).
 */
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { emptyRunState, foldRunEvents, RunEvent } from "../core";
import { migrate, readMigrations, type SqlRunner } from "./migrate";

const MIGRATION = "20261203010000_run_outcome";

const ev = (seq: number, type: string, data: unknown, stepId?: string) => ({ seq, type, data, stepId });
const STORIES: Record<string, ReturnType<typeof ev>[]> = {
  rejected: [ev(1, "step.rejected", { by: "ana", comment: "no" }, "a"), ev(2, "step.skipped", { reason: "rejected by a person", cause: "a" }, "a"), ev(3, "step.skipped", { reason: '"a" did not produce an output', cause: "a" }, "b"), ev(4, "run.succeeded", { outputs: {} })],
  fallback: [ev(1, "step.failed", { attempt: 1, failure: { code: "action_error", message: "x", retryable: false }, usedFallback: true, output: 0 }, "a"), ev(2, "run.succeeded", { outputs: {} })],
  dryRun: [ev(1, "step.skipped", { reason: "dry run", dryRun: { effect: "write", wouldRun: true } }, "a"), ev(2, "run.succeeded", { outputs: {} })],
  stopped: [ev(1, "step.failed", { attempt: 1, failure: { code: "action_error", message: "x", retryable: false } }, "a"), ev(2, "step.skipped", { reason: "the run stopped after a failure" }, "b"), ev(3, "run.failed", { failure: { code: "action_error", message: "x", retryable: false } })],
  clean: [ev(1, "step.succeeded", { attempt: 1, output: 1 }, "a"), ev(2, "run.succeeded", { outputs: {} })],
};

describe(`migration ${MIGRATION}`, () => {
  it("fills rejected and partial of the runs stored before it from their events, as the reducer folds them", async () => {
    const pg = new PGlite();
    const runner: SqlRunner = { query: async (s, p) => (await pg.query(s, p)).rows as never[], exec: async (s) => { await pg.exec(s); } };
    const all = await readMigrations();
    const at = all.findIndex((m) => m.name === MIGRATION);
    expect(at).toBeGreaterThan(0);
    await migrate(runner, all.slice(0, at));
    // Rows of runs only: their plans do not matter here.
    await pg.exec("SET session_replication_role = replica");
    for (const [id, events] of Object.entries(STORIES)) {
      await pg.query(`INSERT INTO "Run" ("id", "planId", "planVersionId", "status", "inputs", "options") VALUES ($1, 'p', 'v', 'succeeded', '{}', '{}')`, [id]);
      for (const e of events) await pg.query(`INSERT INTO "RunEvent" ("runId", "seq", "type", "stepId", "data") VALUES ($1, $2, $3, $4, $5)`, [id, e.seq, e.type, e.stepId ?? null, JSON.stringify(e.data)]);
    }
    await migrate(runner, all);
    const rows = (await pg.query<{ id: string; rejected: boolean; partial: boolean }>(`SELECT "id", "rejected", "partial" FROM "Run" ORDER BY "id"`)).rows;
    const folded = Object.entries(STORIES).map(([id, events]) => {
      const s = foldRunEvents(emptyRunState(id, ["a", "b"]), events.map((e) => RunEvent.parse({ ...e, runId: id, at: "2026-12-03T00:00:00.000Z" })));
      return { id, rejected: s.rejected ?? false, partial: s.partial ?? false };
    }).sort((a, b) => a.id.localeCompare(b.id));
    expect(rows).toEqual(folded);
    expect(rows.find((r) => r.id === "rejected")).toEqual({ id: "rejected", rejected: true, partial: true });
    expect(rows.find((r) => r.id === "fallback")).toEqual({ id: "fallback", rejected: false, partial: true });
    await pg.close();
  });
});
