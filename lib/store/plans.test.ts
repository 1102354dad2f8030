import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyPlan, type Plan } from "../core";
import { openDatabase } from "./database";
import { addVersion, createPlan, deletePlan, getPlan, listPlans, listVersions, setPlanArchived } from "./plans";
import { freshDatabase, postgresAvailability, type DbKind } from "../../tests/support/databases";
import { migrate, readMigrations } from "./migrate";

const plan = (goal: string): Plan => ({
  ...emptyPlan(goal, ["data"]),
  steps: [{ id: "a", action: "x", inputs: { v: { kind: "literal", value: 1 } } }],
});

const pgAvailable = await postgresAvailability();
const kinds: DbKind[] = pgAvailable.run ? ["pglite", "postgres"] : ["pglite"];

describe.each(kinds)("plan store on %s", (kind) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => { db = await freshDatabase(kind); });
  afterAll(async () => { await db?.close(); });

  it("creates a plan with its first version and lists it", async () => {
    const v = await createPlan(db.prisma, { plan: plan("Total revenue by region"), issues: [], source: "import" });
    expect(v.number).toBe(1);
    expect(v.hash).toMatch(/^[0-9a-f]{64}$/);
    const list = await listPlans(db.prisma);
    expect(list.find((p) => p.id === v.planId)).toMatchObject({ title: "Total revenue by region", stepCount: 1, valid: true, versionCount: 1 });
  });

  it("archives a plan out of the default list, keeps its order, and deletes it with its runs only when asked and none is active", async () => {
    const v = await createPlan(db.prisma, { plan: plan("archive me"), issues: [], source: "import" });
    const before = (await getPlan(db.prisma, v.planId))!.updatedAt;
    const a = await setPlanArchived(db.prisma, v.planId, true);
    expect(a?.archivedAt).toBeInstanceOf(Date);
    expect((await getPlan(db.prisma, v.planId))?.updatedAt).toEqual(before);
    expect((await listPlans(db.prisma)).map((p) => p.id)).not.toContain(v.planId);
    expect((await listPlans(db.prisma, { archived: "only" })).map((p) => p.id)).toEqual([v.planId]);
    expect((await listPlans(db.prisma, { archived: "include" })).find((p) => p.id === v.planId)?.archivedAt).toEqual(a?.archivedAt);
    expect(await setPlanArchived(db.prisma, "nope", true)).toBeNull();

    const run = (id: string, status: string) => db.prisma.run.create({ data: { id, planId: v.planId, planVersionId: v.id, status, inputs: {}, options: {} } });
    await run(`${v.planId.slice(0, 8)}-active`, "awaiting_approval");
    expect(await deletePlan(db.prisma, v.planId, { withRuns: true })).toEqual({ result: "run_active", runIds: [`${v.planId.slice(0, 8)}-active`] });
    await db.prisma.run.update({ where: { id: `${v.planId.slice(0, 8)}-active` }, data: { status: "cancelled" } });
    expect(await deletePlan(db.prisma, v.planId)).toEqual({ result: "has_runs", runs: 1 });
    expect(await deletePlan(db.prisma, v.planId, { withRuns: true })).toEqual({ result: "deleted", runIds: [`${v.planId.slice(0, 8)}-active`] });
    expect(await db.prisma.run.count({ where: { planId: v.planId } })).toBe(0);
    expect(await getPlan(db.prisma, v.planId)).toBeNull();
    expect(await deletePlan(db.prisma, v.planId)).toEqual({ result: "not_found" });
  });

  it("appends versions, and does not duplicate an identical one", async () => {
    const v1 = await createPlan(db.prisma, { plan: plan("g"), issues: [], source: "editor" });
    const same = await addVersion(db.prisma, v1.planId, { plan: plan("g"), issues: [], source: "editor" });
    expect(same.created).toBe(false);
    const changed = await addVersion(db.prisma, v1.planId, { plan: plan("g2"), issues: [{ code: "empty_plan", severity: "error", message: "m" }], source: "editor", note: "second" });
    expect(changed).toMatchObject({ created: true, version: { number: 2, valid: false, note: "second" } });
    const got = await getPlan(db.prisma, v1.planId);
    expect(got?.latest.number).toBe(2);
    expect(got?.latest.plan.goal).toBe("g2");
    expect((await listVersions(db.prisma, v1.planId)).map((v) => v.number)).toEqual([2, 1]);
  });

  it("re-applying migrations is a no-op and a changed migration is refused", async () => {
    const migrations = await readMigrations();
    const runner = db.pglite
      ? { query: async (s: string, p?: unknown[]) => (await db.pglite!.query(s, p)).rows as never[], exec: async (s: string) => { await db.pglite!.exec(s); } }
      : undefined;
    if (!runner) return; // the PostgreSQL path is covered by opening the database above
    expect(await migrate(runner, migrations)).toEqual([]);
    await expect(migrate(runner, [{ ...migrations[0], checksum: "0".repeat(64) }])).rejects.toThrow(/was changed after it was applied/);
  });
});

describe("embedded database persistence", () => {
  it("keeps a plan across a restart", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "trellis-persist-"));
    try {
      const first = await openDatabase({ dir: path.join(dir, "pglite") });
      expect(first.appliedMigrations.length).toBeGreaterThan(0);
      const v = await createPlan(first.prisma, { plan: plan("survives restarts"), issues: [], source: "import" });
      await first.close();
      const second = await openDatabase({ dir: path.join(dir, "pglite") });
      expect(second.appliedMigrations).toEqual([]);
      expect((await getPlan(second.prisma, v.planId))?.latest.plan.goal).toBe("survives restarts");
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("embedded database lock", () => {
  it("refuses a second opener of the same folder and frees it on close", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "trellis-lock-"));
    try {
      const first = await openDatabase({ dir: path.join(dir, "pglite") });
      // The same process may not open it twice either: two PGlite instances would corrupt it.
      const { writeFileSync } = await import("node:fs");
      writeFileSync(path.join(dir, "pglite", "trellis.lock"), String(process.ppid));
      await expect(openDatabase({ dir: path.join(dir, "pglite") })).rejects.toThrow(/in use by another Trellis command/);
      writeFileSync(path.join(dir, "pglite", "trellis.lock"), String(process.pid));
      await first.close();
      const second = await openDatabase({ dir: path.join(dir, "pglite") });
      await second.close();
      // A lock left by a process that is gone is taken over.
      writeFileSync(path.join(dir, "pglite", "trellis.lock"), "999999");
      const third = await openDatabase({ dir: path.join(dir, "pglite") });
      await third.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
