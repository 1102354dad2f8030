/**
 * Per-account limits on both databases: the planning window (counted in the database, so two
 * servers on one database share it), active runs counted from the runs table, 0 = off, and the
 * 429 the route and action wrappers answer (the API's error shape, Retry-After, which limit).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ACTOR, personActor, type Actor } from "../contract/access";
import { OPERATIONS } from "../contract/operations";
import { RequestError, conflict } from "../core/errors";
import type { Database } from "../store/database";
import { freshDatabase, postgresAvailability, type DbKind } from "../../tests/support/databases";
import { ACCOUNTS_OFF, useGate } from "./auth/access";
import { LimitError, Limits, useLimits } from "./limits";
import { action, route } from "./route";

const pgAvailable = await postgresAvailability();
const ada = personActor({ id: "u-ada", name: "Ada", email: "ada@example.com", role: "editor" });
const adaByToken = personActor({ id: "u-ada", name: "Ada", email: "ada@example.com", role: "editor" }, { id: "t1", scopes: ["run"] });
const bob = personActor({ id: "u-bob", name: "Bob", email: "bob@example.com", role: "editor" });

async function refusal(p: Promise<unknown>): Promise<LimitError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(RequestError.isInstance(err) && (err as RequestError).code === "limit_reached", `expected a LimitError, got ${String(err)}`).toBe(true);
  return err as LimitError;
}

/** A plan with one version, and runs of it started by `by` in the given statuses. */
async function seedRuns(db: Database, by: string, statuses: string[]): Promise<void> {
  const planId = randomUUID();
  const versionId = randomUUID();
  await db.prisma.plan.create({ data: { id: planId, title: "t", goal: "g", flows: [], createdBy: by } });
  await db.prisma.planVersion.create({ data: { id: versionId, planId, number: 1, hash: randomUUID(), body: {}, source: "api", issues: [], valid: true } });
  for (const status of statuses) {
    await db.prisma.run.create({ data: { id: randomUUID(), planId, planVersionId: versionId, status, inputs: {}, options: {}, startedBy: by } });
  }
}

describe.each<DbKind>(["pglite", "postgres"])("limits on %s", (kind) => {
  let db: Database;
  beforeAll(async () => {
    if (kind === "postgres" && !pgAvailable.run) return;
    db = await freshDatabase(kind);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });
  const skip = kind === "postgres" && !pgAvailable.run;

  it.skipIf(skip)("counts planning requests per account in the database, shared by every server on it", async () => {
    const one = new Limits(db.prisma, { plansPerHour: 3, activeRuns: 0 });
    const other = new Limits(db.prisma, { plansPerHour: 3, activeRuns: 0 });
    await one.plan(ada);
    await other.plan(adaByToken); // a token counts against its person
    await one.plan(ada);
    const err = await refusal(other.plan(ada));
    expect(err.status).toBe(429);
    expect(err.code).toBe("limit_reached");
    expect(err.limit).toMatchObject({ limit: "plans_per_hour", max: 3 });
    expect(err.limit.retryAfterSeconds).toBeGreaterThan(0);
    expect(err.limit.retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(Date.parse(err.limit.freesAt!)).toBeGreaterThan(Date.now());
    expect(err.message).toContain("ada@example.com reached the limit of 3 planning requests per hour");
    expect(err.message).toContain("TRELLIS_LIMIT_PLANS_PER_HOUR");
    // Another account has its own allowance; the local person too.
    await one.plan(bob);
    await one.plan(LOCAL_ACTOR);
    // 0 is no limit.
    const off = new Limits(db.prisma, { plansPerHour: 0, activeRuns: 0 });
    for (let i = 0; i < 5; i++) await off.plan(ada);
  });

  it.skipIf(skip)("counts the account's runs that are going (queued or running), from the runs table; one waiting for a person does not count", async () => {
    const limits = new Limits(db.prisma, { plansPerHour: 0, activeRuns: 2 });
    await seedRuns(db, "carol@example.com", ["succeeded", "failed", "cancelled", "queued"]);
    const carol: Actor = personActor({ id: "u-carol", name: "Carol", email: "carol@example.com", role: "editor" });
    await limits.run(carol); // one active of two
    await seedRuns(db, "carol@example.com", ["awaiting_approval", "awaiting_approval"]);
    await limits.run(carol); // waiting runs use nothing: still one of two
    await seedRuns(db, "carol@example.com", ["running"]);
    const err = await refusal(limits.run(carol));
    expect(err.limit).toMatchObject({ limit: "active_runs", max: 2 });
    expect(err.limit.retryAfterSeconds).toBeGreaterThan(0);
    expect(err.message).toContain("carol@example.com already has 2 runs going (queued or running), and the limit is 2 (TRELLIS_LIMIT_ACTIVE_RUNS)");
    // Her token counts the same runs; other people and the local person are not held by hers.
    await refusal(limits.run(personActor({ id: "u-carol", name: "Carol", email: "carol@example.com", role: "editor" }, { id: "t", scopes: ["run"] })));
    await limits.run(bob);
    await seedRuns(db, "local", ["running", "running"]);
    await refusal(limits.run(LOCAL_ACTOR));
    await new Limits(db.prisma, { plansPerHour: 0, activeRuns: 0 }).run(LOCAL_ACTOR);
  });
});

describe("the wrappers answer a limit with 429", () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase("pglite");
    await seedRuns(db, "local", ["running"]);
    useGate(ACCOUNTS_OFF);
    useLimits(new Limits(db.prisma, { plansPerHour: 1, activeRuns: 1 }));
  }, 120_000);
  afterAll(async () => {
    useGate(undefined);
    useLimits(undefined);
    await db?.close();
  });

  it("route(): the API's error shape, Retry-After, and the lib function is not called", async () => {
    let called = 0;
    const start = route(OPERATIONS.startRun, async () => {
      called++;
      return { runId: "never" };
    });
    const res = await start(new Request("http://t/api/plans/p/runs", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }), { params: Promise.resolve({ id: "00000000-0000-4000-8000-000000000000" }) });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await res.json()) as { error: { code: string; message: string; details: { limit: string; max: number; retryAfterSeconds: number } } };
    expect(body.error.code).toBe("limit_reached");
    expect(body.error.details).toMatchObject({ limit: "active_runs", max: 1 });
    expect(body.error.message).toContain("TRELLIS_LIMIT_ACTIVE_RUNS");
    expect(called).toBe(0);
  });

  it("a request the schema refuses is a 400 and does not use the planning allowance", async () => {
    const plan = route(OPERATIONS.planGoal, async () => {
      throw new Error("not reached in this test");
    });
    const bad = await plan(new Request("http://t/api/plans", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ goal: 5 }) }));
    expect(bad.status).toBe(400);
    // The one allowed request is still there: the server action uses it (its lib function runs), the next is refused.
    let called = 0;
    const planAction = action(OPERATIONS.planGoal, async () => {
      called++;
      throw conflict("the lib function ran");
    });
    const first = await planAction({ body: { goal: "a goal" } });
    expect(first).toMatchObject({ ok: false, status: 409 });
    const second = await planAction({ body: { goal: "a goal" } });
    expect(second).toMatchObject({ ok: false, status: 429, code: "limit_reached", details: { limit: "plans_per_hour", max: 1 } });
    expect(called).toBe(1);
  });
});
