/**
 * Checks that a run's stored rows are the projection of its events: the run and step rows
 * equal the fold of the run's event log by lib/core's reducer, as the browser and the CLI
 * apply it. Reads the rows and the log in one snapshot, so a run may still be going on.
 */
import { expect } from "vitest";
import { applyRunEvents, emptyRunState, emptyRunView, foldRunEvents, runFieldsOf, stepFieldsOf, type RunEvent, type RunState } from "../../lib/core";
import { runStateOfRecords } from "../../lib/engine/run-store";
import { toRunEvent, toRunRecord, toStepRecord } from "../../lib/store/run-store";
import { Prisma } from "../../lib/store/generated/client.ts";
import type { Database } from "../../lib/store/database";

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

/** A run's row fields and its steps' row fields, absent values as null. */
export function rowFields(s: RunState) {
  return { lastSeq: s.lastSeq, ...runFieldsOf(s), steps: Object.fromEntries(Object.entries(s.steps).map(([id, step]) => [id, stepFieldsOf(step)])) };
}

/** The rows of a run and its events, read in one snapshot. */
export async function readRun(db: Database, runId: string): Promise<{ rows: RunState; events: RunEvent[] }> {
  const [row, events] = await db.prisma.$transaction(
    [db.prisma.run.findUnique({ where: { id: runId }, include: { steps: true } }), db.prisma.runEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } })],
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
  if (!row) throw new Error(`run ${runId} does not exist`);
  return { rows: runStateOfRecords(toRunRecord(row), row.steps.map(toStepRecord)), events: events.map(toRunEvent) };
}

/** The fold of the events as a viewer computes it (the browser, the CLI, the run page). */
export function foldForView(runId: string, stepIds: string[], events: RunEvent[]): RunState {
  return applyRunEvents(emptyRunView(runId, stepIds), events);
}

export async function expectRowsMatchFold(db: Database, runId: string): Promise<{ rows: RunState; events: RunEvent[] }> {
  const { rows, events } = await readRun(db, runId);
  const stepIds = Object.keys(rows.steps);
  expect(events.map((e) => e.seq), `run ${runId}: its events are gap-free from 1`).toEqual(events.map((_, i) => i + 1));
  const viewed = foldForView(runId, stepIds, events);
  const folded = foldRunEvents(emptyRunState(runId, stepIds), events);
  const what = `run ${runId} (${events.map((e) => `${e.seq}:${e.type}${e.stepId ? `@${e.stepId}` : ""}`).join(" ")})`;
  expect(rowFields(rows), `${what}: rows and the viewers' fold`).toEqual(rowFields(viewed));
  expect(rowFields(folded), `${what}: the engine's fold and the viewers' fold`).toEqual(rowFields(viewed));
  return { rows, events };
}

/**
 * Checks every run in the database that was not already checked after it ended; returns
 * how many it checked. Pass the same set each time (an afterEach) so ended runs are read once.
 */
export async function expectAllRunsMatchFold(db: Database, ended: Set<string> = new Set()): Promise<number> {
  const runs = await db.prisma.run.findMany({ select: { id: true, status: true }, orderBy: { createdAt: "asc" } });
  let checked = 0;
  for (const r of runs) {
    if (ended.has(r.id)) continue;
    const { rows } = await expectRowsMatchFold(db, r.id);
    checked++;
    if (TERMINAL.has(rows.status)) ended.add(r.id);
  }
  return checked;
}
