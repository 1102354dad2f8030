/**
 * The setup the engine's test files share. Each runs its tests on the embedded database and, when
 * this machine's PostgreSQL is up, on PostgreSQL too (`engineKinds`; a fresh database per file and
 * kind), with a new probe and harness per test; after each test, every run's rows must be the
 * fold of its events (projection.ts).
 *
 *   describe.each(engineKinds)("... on %s", (kind) => {
 *     const t = engineSuite(kind);
 *     it("...", async () => { const v = await t.h.savePlan(plan); ... });
 *   });
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { StepStatus } from "../../lib/core";
import type { Database } from "../../lib/store/database";
import { freshDatabase, postgresAvailability, type DbKind } from "./databases";
import { newProbe, testActions, type Probe } from "./engine-actions";
import { makeHarness, type Harness } from "./engine-harness";
import { expectAllRunsMatchFold } from "./projection";

const pg = await postgresAvailability();
export const engineKinds: DbKind[] = pg.run ? ["pglite", "postgres"] : ["pglite"];

export interface EngineSuite {
  readonly kind: DbKind;
  readonly db: Database;
  /** the test actions' record of what ran (new per test) */
  readonly probe: Probe;
  /** the engine on `db` with the test actions (new per test; a test may swap in its own) */
  h: Harness;
  /** runs whose rows were checked against their events after they ended (expectAllRunsMatchFold): not read again */
  readonly ended: Set<string>;
  /** each step's stored status */
  statuses(runId: string): Promise<Record<string, StepStatus>>;
}

/** Registers the hooks of an engine test file's describe block; the fields are set when its tests run. */
export function engineSuite(kind: DbKind, options: { closeEngineAfterEach?: boolean } = {}): EngineSuite {
  let db: Database | undefined;
  let probe: Probe | undefined;
  const t: EngineSuite = {
    kind,
    get db() { return db!; },
    get probe() { return probe!; },
    h: undefined as unknown as Harness,
    ended: new Set<string>(),
    statuses: async (runId) => Object.fromEntries((await t.h.store.load(runId))!.steps.map((s) => [s.stepId, s.status])),
  };
  beforeAll(async () => { db = await freshDatabase(kind); });
  afterAll(async () => { await db?.close(); });
  beforeEach(() => {
    probe = newProbe();
    t.h = makeHarness(db!, testActions(probe));
  });
  afterEach(async () => {
    if (options.closeEngineAfterEach) await t.h.engine.close();
    await expectAllRunsMatchFold(db!, t.ended);
  });
  return t;
}
