/**
 * Saved plans as actions, on both databases: a parent plan calls a child plan (`plan.<slug>`),
 * which runs as a child run linked both ways; its outputs flow back, its failure fails the
 * parent's step, cancelling the parent cancels it, a person approves a step inside it, an engine
 * that stops while it runs is followed by one that waits for the same child instead of starting
 * a second, cycles between plans do not validate, and a cycle that slips through stops at the depth limit.
 */
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction, validatePlan, type Plan } from "../../lib/core";
import { LiveRegistry } from "../../lib/catalogs/live-registry";
import { PlanActions } from "../../lib/catalogs/plans/plan-actions";
import { MAX_PLAN_DEPTH } from "../../lib/catalogs/plans/plan-action";
import { Engine } from "../../lib/engine/engine";
import { InProcessEventBus } from "../../lib/engine/event-bus";
import { enginePlanRunner } from "../../lib/server/plan-runner";
import { addVersion, createPlan, getVersion } from "../../lib/store/plans";
import { PrismaRunStore } from "../../lib/store/run-store";
import type { Database } from "../../lib/store/database";
import { freshDatabase, postgresAvailability } from "../support/databases";
import { newProbe, testActions } from "../support/engine-actions";

const pg = await postgresAvailability();
const kinds = pg.run ? (["pglite", "postgres"] as const) : (["pglite"] as const);
const closers: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of closers.reverse()) await c(); });

const probe = newProbe();
const actions = [
  ...testActions(probe),
  defineAction({
    id: "test.tokens", title: "Tokens", description: "Reports token usage, as an LLM action does.", effect: "pure",
    input: z.object({ a: z.number() }), output: z.object({ n: z.number() }),
    run: ({ a }, ctx) => { ctx.reportUsage?.({ promptTokens: 7, completionTokens: 3 }); return { n: a }; },
  }),
];

function setUp(db: Database) {
  const registry = new LiveRegistry(actions, []);
  const plans = new PlanActions(db.prisma, () => registry.catalog);
  registry.addSource(plans);
  const engine = new Engine({
    store: new PrismaRunStore(db.prisma, { exclusive: db.kind === "pglite" }),
    registry,
    bus: new InProcessEventBus(),
    versions: { getVersion: (id) => getVersion(db.prisma, id) },
    workspaceRoot: path.join(os.tmpdir(), "trellis-test-workspaces"),
  });
  plans.setRunner(enginePlanRunner(engine, db.prisma));
  closers.push(() => engine.close());
  const save = async (plan: Plan, title: string) => {
    const { issues } = validatePlan(plan, registry.catalog);
    const v = await createPlan(db.prisma, { plan, issues, source: "api" }, title);
    await plans.refresh();
    return v;
  };
  return { registry, plans, engine, save };
}

/** A child plan: inputs a and b, one step, output `out` from the step's output at `field`. */
function childPlan(goal: string, action: string, inputs: Record<string, Plan["steps"][number]["inputs"][string]>, field: string): Plan {
  return {
    goal, flows: [],
    inputs: [{ name: "a", schema: { type: "number" } }, { name: "b", schema: { type: "number" }, required: false, default: 0 }],
    steps: [{ id: "s1", action, inputs }],
    outputs: { out: { kind: "step", step: "s1", path: [field] } },
  };
}

function parentPlan(slug: string): Plan {
  return {
    goal: "use a child plan", flows: [],
    inputs: [{ name: "x", schema: { type: "number" } }],
    steps: [
      { id: "child", action: `plan.${slug}`, inputs: { a: { kind: "input", name: "x" }, b: { kind: "literal", value: 10 } } },
      { id: "after", action: "test.add", inputs: { a: { kind: "step", step: "child", path: ["out"] }, b: { kind: "literal", value: 1 } } },
    ],
    outputs: { total: { kind: "step", step: "after", path: ["sum"] } },
  };
}

async function childOf(db: Database, parentRunId: string, stepId = "child") {
  for (;;) {
    const row = await db.prisma.run.findFirst({ where: { parentRunId, parentStepId: stepId } });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(kinds)("plans as actions on %s", { timeout: 120_000 }, (kind) => {
  let db: Database;
  it("runs a child plan: outputs flow back, linked both ways, typed by the plan", async () => {
    db = await freshDatabase(kind);
    closers.push(() => db.close());
    const { registry, engine, save } = setUp(db);
    const add = await save(childPlan("add two numbers", "test.add", { a: { kind: "input", name: "a" }, b: { kind: "input", name: "b" } }, "sum"), "Add two numbers");
    const spec = registry.catalog.get("plan.add-two-numbers")!;
    expect(spec).toMatchObject({ version: 1, effect: "pure", source: `plan:${add.planId}` });
    expect(spec.input).toMatchObject({ properties: { a: { type: "number" }, b: { type: "number", default: 0 } }, required: ["a"] });
    expect(spec.output).toMatchObject({ properties: { out: { type: "number" } }, required: ["out"] });
    const parent = await save(parentPlan("add-two-numbers"), "Parent");
    expect(parent.valid).toBe(true);
    const done = await engine.run({ planVersionId: parent.id, inputs: { x: 5 } });
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ total: 16 });
    const child = await childOf(db, done.run.id);
    expect(child).toMatchObject({ planId: add.planId, planVersionId: add.id, status: "succeeded", parentStepId: "child" });
    expect(child.outputs).toEqual({ out: 15 });
    expect(done.steps.find((s) => s.stepId === "child")!.output).toEqual({ out: 15 });
    // a pinned version stays what it was when the plan gets a newer one
    await addVersion(db.prisma, add.planId, { plan: childPlan("add two numbers", "test.add", { a: { kind: "input", name: "a" }, b: { kind: "literal", value: 100 } }, "sum"), issues: [], source: "api" });
    const { plans } = setUp(db);
    await plans.refresh();
    expect(plans.actions().map((a) => `${a.id}@${a.version}`).sort()).toEqual(["plan.add-two-numbers@1", "plan.add-two-numbers@2", "plan.parent@1"]);
    expect(plans.slugOf(add.planId)).toBe("add-two-numbers");
  });

  it("counts the child's token usage toward the parent's step", async () => {
    const { engine, save } = setUp(db);
    await save(childPlan("uses tokens", "test.tokens", { a: { kind: "input", name: "a" } }, "n"), "Uses tokens");
    const parent = await save({ ...parentPlan("uses-tokens"), steps: parentPlan("uses-tokens").steps.slice(0, 1), outputs: { n: { kind: "step", step: "child", path: ["out"] } } }, "Parent of tokens");
    const done = await engine.run({ planVersionId: parent.id, inputs: { x: 4 } });
    expect(done.run.outputs).toEqual({ n: 4 });
    expect(done.steps.find((s) => s.stepId === "child")!.usage).toEqual({ promptTokens: 7, completionTokens: 3 });
  });

  it("fails the parent's step with the child's failure and a link to it", async () => {
    const { engine, save } = setUp(db);
    await save(childPlan("always fails", "test.fail", { message: { kind: "literal", value: "the child broke" } }, "never"), "Always fails");
    const parent = await save({ ...parentPlan("always-fails"), steps: parentPlan("always-fails").steps.slice(0, 1), outputs: { r: { kind: "step", step: "child", path: ["out"] } } }, "Parent of a failure");
    const done = await engine.run({ planVersionId: parent.id, inputs: { x: 1 } });
    expect(done.run.status).toBe("failed");
    const step = done.steps.find((s) => s.stepId === "child")!;
    expect(step.status).toBe("failed");
    const child = await childOf(db, done.run.id);
    expect(child.status).toBe("failed");
    expect(step.failure).toMatchObject({ actionCode: "child_run_failed", details: { childRunId: child.id, status: "failed" } });
    expect(step.failure!.message).toContain("the child broke");
  });

  it("cancelling the parent cancels the child", async () => {
    const { engine, save } = setUp(db);
    await save(childPlan("runs until stopped", "test.until_aborted", {}, "x"), "Runs until stopped");
    const parent = await save(parentPlan("runs-until-stopped"), "Parent to cancel");
    const runId = await engine.start({ planVersionId: parent.id, inputs: { x: 1 } });
    const child = await childOf(db, runId);
    await engine.cancel(runId);
    const [p, c] = await Promise.all([engine.wait(runId), engine.wait(child.id)]);
    expect(p.run.status).toBe("cancelled");
    expect(c.run.status).toBe("cancelled");
  });

  it("waits while a person approves a step inside the child; a new engine after a stop waits for the same child", async () => {
    const first = setUp(db);
    await first.save({ ...childPlan("asks first", "test.approve_me", { message: { kind: "literal", value: "hello" } }, "sent"), inputs: [{ name: "a", schema: { type: "number" } }] }, "Asks first");
    const parent = await first.save({ ...parentPlan("asks-first"), steps: [{ id: "child", action: "plan.asks-first", inputs: { a: { kind: "input", name: "x" } } }], outputs: { said: { kind: "step", step: "child", path: ["out"] } } }, "Parent that waits");
    expect(parent.valid).toBe(true);
    const runId = await first.engine.start({ planVersionId: parent.id, inputs: { x: 1 } });
    const child = await childOf(db, runId);
    expect((await first.engine.wait(child.id, { untilApproval: true })).run.status).toBe("awaiting_approval");
    expect((await db.prisma.run.findUnique({ where: { id: runId } }))!.status).toBe("running");
    // The engine stops while the parent step waits (its runs are given up, claims released).
    await first.engine.close();
    const second = setUp(db);
    await second.plans.refresh();
    expect(await second.engine.resumeAll()).toContain(runId);
    // The resumed step waits for the child it had started: the approval ends both.
    await second.engine.approve(child.id, "s1", { by: "tester" });
    const done = await second.engine.wait(runId);
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ said: "hello" });
    expect(await db.prisma.run.count({ where: { parentRunId: runId } })).toBe(1);
  });

  it("does not validate plans that call each other in a cycle, and stops one that slipped through at the depth limit", async () => {
    const { plans, engine, save, registry } = setUp(db);
    const beta = await save(childPlan("beta", "test.add", { a: { kind: "input", name: "a" }, b: { kind: "input", name: "b" } }, "sum"), "Beta");
    const alpha = await save(childPlan("alpha", "plan.beta", { a: { kind: "input", name: "a" } }, "out"), "Alpha");
    expect(alpha.valid).toBe(true);
    const betaUsesAlpha = childPlan("beta", "plan.alpha", { a: { kind: "input", name: "a" } }, "out");
    const issues = plans.cycleIssues(betaUsesAlpha, beta.planId);
    expect(issues).toEqual([expect.objectContaining({ code: "cycle", severity: "error", stepId: "s1", message: "plans call each other in a cycle: plan.beta → plan.alpha → plan.beta" })]);
    expect(plans.cycleIssues(childPlan("self", "plan.beta", { a: { kind: "input", name: "a" } }, "out"), beta.planId)[0].message).toContain("plan.beta → plan.beta");
    // Stored without that check (valid), the cycle runs until the depth limit stops it.
    const loop = await save(childPlan("loop", "test.add", { a: { kind: "input", name: "a" }, b: { kind: "input", name: "b" } }, "sum"), "Loop");
    const v2 = await addVersion(db.prisma, loop.planId, { plan: childPlan("loop", "plan.loop", { a: { kind: "input", name: "a" } }, "out"), issues: [], source: "api" });
    await plans.refresh();
    expect(registry.catalog.get("plan.loop")!.version).toBe(2);
    const done = await engine.run({ planVersionId: v2.version.id, inputs: { a: 1 } });
    expect(done.run.status).toBe("failed");
    expect(await db.prisma.run.count({ where: { planId: loop.planId } })).toBe(MAX_PLAN_DEPTH + 1);
    const deepest = await db.prisma.run.findFirst({ where: { planId: loop.planId }, orderBy: { createdAt: "desc" }, include: { steps: true } });
    expect(JSON.stringify(deepest!.steps[0].failure)).toContain("plan_depth_exceeded");
  });
});
