/**
 * Re-planning during a run, on a real database: examples/replan.json re-planned by the offline
 * planner and by an LLM (the OpenAI-compatible test server with a recorded answer), a re-plan
 * that waits for a person, one that finds nothing, one that does not validate, the bound, steps
 * added and removed, and "Re-plan from here" on a failed run.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction, type Action, type Plan, type RunEvent, type Step } from "../core";
import { readPlanFile } from "../contract/plan-file";
import { OpenAiProvider } from "../llm/openai-provider";
import { freshDatabase, postgresAvailability, type DbKind } from "../../tests/support/databases";
import { makeHarness, type Harness } from "../../tests/support/engine-harness";
import { builtinRegistry } from "../../tests/support/planner-catalogs";
import { expectAllRunsMatchFold } from "../../tests/support/projection";
import { harnessReplan } from "../../tests/support/replan-service";
import { reply, startOpenAiServer, type OpenAiTestServer } from "../../tests/support/openai-server/server";
import type { Database } from "../store/database";
import { getVersion } from "../store/plans";
import type { ReplanService } from "./replan";
import { lit } from "../../tests/support/bindings";

const ref = (step: string, ...p: string[]) => ({ kind: "step" as const, step, ...(p.length ? { path: p } : {}) });
const plan = (steps: Step[]): Plan => ({ goal: "re-plan test", flows: [], inputs: [], outputs: {}, steps });

const example = (() => {
  const read = readPlanFile(readFileSync(path.join(__dirname, "../../examples/replan.json"), "utf8"));
  if (!read.ok) throw new Error(read.error.message);
  return read.plan;
})();

const Io = { input: z.object({ n: z.number(), from: z.string().optional() }), output: z.object({ value: z.string() }) };
const started: string[] = [];
const ok = defineAction({ id: "test.ok", title: "Works", description: "Gives its step id.", effect: "pure", ...Io, run: async (_i, ctx) => { started.push(ctx.stepId); return { value: ctx.stepId }; } });
const broken = defineAction({ id: "test.broken", title: "Broken", description: "Always fails.", effect: "pure", ...Io, retry: { maxAttempts: 1 }, run: async () => { throw new Error("broken on purpose"); } });
const alsoBroken = defineAction({ id: "test.also_broken", title: "Also broken", description: "Always fails too.", effect: "pure", ...Io, retry: { maxAttempts: 1 }, run: async () => { throw new Error("broken as well"); } });
const lonely = defineAction({ id: "test.lonely", title: "Lonely", description: "Fails; nothing else gives its output.", effect: "pure", input: z.object({}), output: z.object({ unique: z.boolean() }), retry: { maxAttempts: 1 }, run: async () => { throw new Error("no luck"); } });
/** without test.also_broken, which the offline re-planner would pick first (its title is the nearest) */
const testActions: Action[] = [ok, broken, lonely];

const pg = await postgresAvailability();
const kinds: DbKind[] = pg.run ? ["pglite", "postgres"] : ["pglite"];

describe.each(kinds)("re-planning on %s", (kind) => {
  let db: Database;
  let server: OpenAiTestServer | undefined;
  const ended = new Set<string>();
  beforeAll(async () => { db = await freshDatabase(kind); });
  afterAll(async () => { await db?.close(); });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await expectAllRunsMatchFold(db, ended);
  });

  const harness = (actions: Action[], service?: (h: () => Harness) => ReplanService, options: Parameters<typeof makeHarness>[2] = {}) => {
    const h: Harness = makeHarness(db, actions, { replan: service ? service(() => h) : harnessReplan(db, () => h.registry), ...options });
    return h;
  };
  const events = async (h: Harness, runId: string, type: RunEvent["type"]) => (await h.store.events(runId)).filter((e) => e.type === type);
  const statuses = (steps: { stepId: string; status: string }[]) => Object.fromEntries(steps.map((s) => [s.stepId, s.status]));

  it("runs examples/replan.json: the offline re-planner loads the CSV with data.load_csv, the same run goes on and succeeds", async () => {
    const h = harness(builtinRegistry().list() as Action[]);
    const v = await h.savePlan(example);
    const done = await h.engine.run({ planVersionId: v, options: { replan: { onFailure: true } } });
    expect(done.run.status).toBe("succeeded");
    expect(String(done.run.outputs?.table)).toContain("| East |");
    const [replanned] = await events(h, done.run.id, "run.replanned");
    expect(replanned).toMatchObject({ data: { replan: 1, source: "offline", failedStepId: "load", failedAction: "data.load_json", fromVersionId: v, summary: { changed: ["load"], added: [], removed: [] }, restart: ["load", "by_region", "report"] } });
    expect(done.run.planVersionId).not.toBe(v);
    expect(done.plan.steps.find((s) => s.id === "load")!.action).toBe("data.load_csv");
    expect((await getVersion(db.prisma, done.run.planVersionId))!.note).toMatch(/^Re-plan 1 of run/);
    // one run, one stream of events; run.started once
    expect(await events(h, done.run.id, "run.started")).toHaveLength(1);
  });

  it("runs examples/replan.json with the LLM re-planner (recorded answer): the prompt names the failure and the run goes on with the answer", async () => {
    server = await startOpenAiServer([
      reply.json({
        inputs: [],
        steps: [
          { id: "load", action: "data.load_csv", label: "Load the sales sample as CSV", inputs: [{ name: "source", value: "sample" }, { name: "path", value: "sales.csv" }], after: [] },
          { id: "by_region", action: "data.group_aggregate", label: "Revenue by region", inputs: [{ name: "table", value: "${steps.load.output.table}" }, { name: "groupBy", value: '["region"]' }, { name: "aggregates", value: '[{"fn":"sum","column":"revenue"}]' }], after: [] },
          { id: "report", action: "data.to_markdown", label: "As a table", inputs: [{ name: "table", value: "${steps.by_region.output.table}" }], after: [] },
        ],
        outputs: [{ name: "table", value: "${steps.report.output.markdown}" }],
        coverage: [],
      }),
    ]);
    const llm = new OpenAiProvider({ baseUrl: server.baseUrl, model: "gpt-4o-mini", apiKey: "sk-test", backoffMs: 5, maxBackoffMs: 10 });
    const h = harness(builtinRegistry().list() as Action[], (self) => harnessReplan(db, () => self().registry, llm));
    const v = await h.savePlan(example);
    const done = await h.engine.run({ planVersionId: v, options: { replan: { onFailure: true } } });
    expect(done.run.status).toBe("succeeded");
    const [replanned] = await events(h, done.run.id, "run.replanned");
    expect(replanned).toMatchObject({ data: { source: "llm", summary: { changed: ["load"] } } });
    expect(server.requests).toHaveLength(1);
    const prompt = server.requests[0].body!.messages.map((m) => String(m.content)).join("\n");
    expect(prompt).toContain("Failed step: load.");
    expect(prompt).toContain('The sample "sales.csv" is CSV');
    expect(prompt).toContain("# Earlier plans this goal builds on");
  });

  it("gives the LLM the finished steps' outputs with secrets redacted, and puts finished steps back as they were", async () => {
    const secretOk = defineAction({ id: "test.secret", title: "Secret", description: "Gives a secret.", effect: "pure", ...Io, run: async () => ({ value: "token s3cr3t-value" }) });
    server = await startOpenAiServer([
      reply.json({
        inputs: [],
        // the answer changes the finished step "a": Trellis keeps the one that ran
        steps: [
          { id: "a", action: "test.ok", label: "changed", inputs: [{ name: "n", value: "99" }], after: [] },
          { id: "b", action: "test.ok", label: "instead", inputs: [{ name: "n", value: "2" }, { name: "from", value: "${steps.a.output.value}" }], after: [] },
        ],
        outputs: [],
        coverage: [],
      }),
    ]);
    const llm = new OpenAiProvider({ baseUrl: server.baseUrl, model: "gpt-4o-mini", apiKey: "sk-test", backoffMs: 5, maxBackoffMs: 10 });
    const redact = <T,>(value: T): T => JSON.parse(JSON.stringify(value ?? null).replaceAll("s3cr3t-value", "[redacted]")) as T;
    const h = harness([...testActions, secretOk], (self) => harnessReplan(db, () => self().registry, llm), { redact });
    const v = await h.savePlan(plan([
      { id: "a", action: "test.secret", inputs: { n: lit(1) } },
      { id: "b", action: "test.broken", inputs: { n: lit(2), from: ref("a", "value") } },
    ]));
    const done = await h.engine.run({ planVersionId: v, options: { replan: { onFailure: true } } });
    expect(done.run.status).toBe("succeeded");
    expect(done.plan.steps.map((s) => [s.id, s.action])).toEqual([["a", "test.secret"], ["b", "test.ok"]]);
    const prompt = server.requests[0].body!.messages.map((m) => String(m.content)).join("\n");
    expect(prompt).toContain("- a (test.secret) finished; output:");
    expect(prompt).toContain("[redacted]");
    expect(prompt).not.toContain("s3cr3t-value");
  });

  it("waits for a person when approve is \"ask\": accepted, the run goes on; rejected, it fails with the step's failure", async () => {
    const h = harness(testActions);
    const v = await h.savePlan(plan([
      { id: "a", action: "test.ok", inputs: { n: lit(1) } },
      { id: "b", action: "test.broken", inputs: { n: lit(2), from: ref("a", "value") } },
      { id: "c", action: "test.ok", inputs: { n: lit(3), from: ref("b", "value") } },
    ]));
    const options = { replan: { onFailure: true, approve: "ask" as const } };
    const waiting = await h.engine.run({ planVersionId: v, options }, { untilApproval: true });
    expect(waiting.run.status).toBe("awaiting_approval");
    expect(waiting.run.planVersionId).toBe(v);
    const [proposed] = await events(h, waiting.run.id, "run.replan_proposed");
    expect(proposed).toMatchObject({ data: { summary: { changed: ["b"] }, restart: ["b", "c"] } });
    await expect(h.engine.decideReplan(waiting.run.id, "accept", { by: "ana" })).resolves.toBeUndefined();
    const done = await h.engine.wait(waiting.run.id);
    expect(done.run.status).toBe("succeeded");
    expect(statuses(done.steps)).toEqual({ a: "succeeded", b: "succeeded", c: "succeeded" });
    expect((await events(h, done.run.id, "run.replanned"))[0]).toMatchObject({ data: { by: "ana" } });
    await expect(h.engine.decideReplan(done.run.id, "accept")).rejects.toMatchObject({ code: "conflict" });

    const second = await h.engine.run({ planVersionId: v, options }, { untilApproval: true });
    await h.engine.decideReplan(second.run.id, "reject", { by: "bo", comment: "not this way" });
    const failed = await h.engine.wait(second.run.id);
    expect(failed.run.status).toBe("failed");
    expect(failed.run.failure?.message).toBe('step "b" failed: broken on purpose');
    expect(failed.run.planVersionId).toBe(v);
    expect(statuses(failed.steps)).toEqual({ a: "succeeded", b: "failed", c: "skipped" });
    ended.add(done.run.id).add(failed.run.id);
  });

  it("ends the run with the reason when the offline re-planner finds no other action", async () => {
    const h = harness(testActions);
    const v = await h.savePlan(plan([{ id: "x", action: "test.lonely", inputs: {} }]));
    const done = await h.engine.run({ planVersionId: v, options: { replan: { onFailure: true } } });
    expect(done.run.status).toBe("failed");
    expect(done.run.failure?.message).toMatch(/^step "x" failed: no luck; re-planning found no other way: no other action of the catalog/);
    expect(await events(h, done.run.id, "run.replanned")).toHaveLength(0);
  });

  it("ends the run with the reasons when a proposal does not validate (a finished step changed)", async () => {
    const h = harness(testActions, () => ({
      propose: async (req) => ({ source: "llm", reason: "rewrites everything", plan: { ...req.plan, steps: req.plan.steps.map((s) => ({ ...s, action: "test.ok", inputs: { ...s.inputs, n: lit(7) } })) } }),
      saveVersion: async () => { throw new Error("an invalid proposal is never saved"); },
    }));
    const v = await h.savePlan(plan([
      { id: "a", action: "test.ok", inputs: { n: lit(1) } },
      { id: "b", action: "test.broken", inputs: { n: lit(2), from: ref("a", "value") } },
    ]));
    const done = await h.engine.run({ planVersionId: v, options: { replan: { onFailure: true } } });
    expect(done.run.status).toBe("failed");
    expect(done.run.failure).toMatchObject({ code: "validation", details: { issues: [{ code: "replan_changed_finished_step", stepId: "a" }] } });
    expect(done.run.failure?.message).toContain('Step "a" already ran');
  });

  it("re-plans at most maxReplans times, and never the action that already failed at the step", async () => {
    const proposals: string[][] = [];
    const h = harness([...testActions, alsoBroken], (self) => {
      const base = harnessReplan(db, () => self().registry);
      return {
        ...base,
        propose: async (req) => {
          proposals.push(req.failedBefore.map((f) => f.action));
          // flips between the two broken actions, a new literal each time: always valid, always failing
          const next = req.plan.steps.map((s) => (s.id === req.failedStepId ? { ...s, action: s.action === "test.broken" ? "test.also_broken" : "test.broken", inputs: { ...s.inputs, n: lit(proposals.length + 10) } } : s));
          return { source: "offline", reason: "try the other one", plan: { ...req.plan, steps: next } };
        },
      };
    });
    const v = await h.savePlan(plan([{ id: "x", action: "test.broken", inputs: { n: lit(1) } }]));
    const done = await h.engine.run({ planVersionId: v, options: { replan: { onFailure: true, maxReplans: 2 } } });
    expect(done.run.status).toBe("failed");
    expect(done.run.failure?.message).toMatch(/no re-plan left: the run re-planned 2 times, its limit/);
    expect(await events(h, done.run.id, "run.replanned")).toHaveLength(2);
    expect(proposals).toEqual([["test.broken"], ["test.broken", "test.also_broken"]]);
  });

  it("adds and removes steps: a new step replaces the failed one, the old one leaves the run's rows", async () => {
    const h = harness(testActions, (self) => ({
      ...harnessReplan(db, () => self().registry),
      propose: async (req) => ({
        source: "llm",
        reason: "a new step instead",
        plan: { ...req.plan, steps: [req.plan.steps[0], { id: "b2", action: "test.ok", inputs: { n: lit(5), from: ref("a", "value") } }, { ...req.plan.steps[2], inputs: { n: lit(3), from: ref("b2", "value") } }] },
      }),
    }));
    const v = await h.savePlan(plan([
      { id: "a", action: "test.ok", inputs: { n: lit(1) } },
      { id: "b", action: "test.broken", inputs: { n: lit(2), from: ref("a", "value") } },
      { id: "c", action: "test.ok", inputs: { n: lit(3), from: ref("b", "value") } },
    ]));
    started.length = 0;
    const done = await h.engine.run({ planVersionId: v, options: { replan: { onFailure: true } } });
    expect(done.run.status).toBe("succeeded");
    expect(statuses(done.steps)).toEqual({ a: "succeeded", b2: "succeeded", c: "succeeded" });
    expect(started).toEqual(["a", "b2", "c"]);
    expect((await events(h, done.run.id, "run.replanned"))[0]).toMatchObject({ data: { summary: { added: ["b2"], removed: ["b"], changed: ["c"] } } });
  });

  it("re-plans a run that waits for a step's approval when a person asks: rejected, it waits again; accepted, it goes on", async () => {
    const h = harness(testActions, (self) => ({
      ...harnessReplan(db, () => self().registry),
      propose: async (req) => ({ source: "llm", reason: "no approval needed another way", plan: { ...req.plan, steps: req.plan.steps.map((s) => (s.id === req.failedStepId ? { id: s.id, action: "test.ok", inputs: { ...s.inputs, n: lit(20) } } : s)) } }),
    }));
    const v = await h.savePlan(plan([
      { id: "a", action: "test.ok", inputs: { n: lit(1) } },
      { id: "b", action: "test.ok", approval: true, inputs: { n: lit(2), from: ref("a", "value") } },
      { id: "c", action: "test.ok", inputs: { n: lit(3), from: ref("b", "value") } },
    ]));
    const waiting = await h.engine.run({ planVersionId: v }, { untilApproval: true });
    await h.engine.replanFromHere(waiting.run.id);
    const [proposed] = await events(h, waiting.run.id, "run.replan_proposed");
    expect(proposed).toMatchObject({ data: { failedStepId: "b", failure: { code: "rejected" }, summary: { changed: ["b"] }, restart: ["b", "c"] } });
    await h.engine.decideReplan(waiting.run.id, "reject");
    const again = (await h.store.load(waiting.run.id))!;
    expect(again.run.status).toBe("awaiting_approval");
    expect(statuses(again.steps)).toEqual({ a: "succeeded", b: "awaiting_approval", c: "pending" });
    await h.engine.replanFromHere(waiting.run.id);
    started.length = 0;
    await h.engine.decideReplan(waiting.run.id, "accept");
    const done = await h.engine.wait(waiting.run.id);
    expect(done.run.status).toBe("succeeded");
    expect(started).toEqual(["b", "c"]);
    expect(done.plan.steps.find((s) => s.id === "b")!.approval).toBeUndefined();
  });

  it("takes the option in queue mode (its workers re-plan) and refuses it on an engine that cannot re-plan, with a clear message", async () => {
    const nothing = async () => undefined;
    const queued = harness(testActions, undefined, { queue: { advance: nothing, cancel: nothing, decide: nothing, reconcile: async () => [], replanFromHere: nothing, decideReplan: nothing } });
    const v = await queued.savePlan(plan([{ id: "a", action: "test.ok", inputs: { n: lit(1) } }]));
    await expect(queued.engine.start({ planVersionId: v, options: { replan: { onFailure: true } } })).resolves.toEqual(expect.any(String));
    const plain = makeHarness(db, testActions);
    await expect(plain.engine.start({ planVersionId: v, options: { replan: { onFailure: true } } })).rejects.toMatchObject({ code: "invalid_request", message: expect.stringMatching(/cannot re-plan/) });
  });

  it("re-plans a failed run from here when a person asks, and the run goes on once they accept", async () => {
    const h = harness(testActions);
    const v = await h.savePlan(plan([
      { id: "a", action: "test.ok", inputs: { n: lit(1) } },
      { id: "b", action: "test.broken", inputs: { n: lit(2), from: ref("a", "value") } },
      { id: "c", action: "test.ok", inputs: { n: lit(3), from: ref("b", "value") } },
    ]));
    const failed = await h.engine.run({ planVersionId: v });
    expect(failed.run.status).toBe("failed");
    started.length = 0;
    await h.engine.replanFromHere(failed.run.id);
    const waiting = (await h.store.load(failed.run.id))!;
    expect(waiting.run.status).toBe("awaiting_approval");
    await h.engine.decideReplan(failed.run.id, "accept");
    const done = await h.engine.wait(failed.run.id);
    expect(done.run.status).toBe("succeeded");
    expect(done.run.failure ?? null).toBeNull();
    expect(started).toEqual(["b", "c"]);
    await expect(h.engine.replanFromHere(done.run.id)).rejects.toMatchObject({ code: "conflict" });
  });
});
