import path from "node:path";
import { threadId } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { testContext } from "@/tests/support/action-context";
import { isArtifactRef } from "@/lib/core";
import { ArtifactStore } from "../artifact-store";
import { StepWorkerPool } from "./pool";

const root = path.resolve(__dirname, "../../..");
const pool = new StepWorkerPool({
  entry: path.join(root, "lib/engine/sandbox/worker-entry.mjs"),
  boot: { actionsModule: path.join(root, "tests/support/sandbox-actions.ts"), exportName: "sandboxActions", options: { tag: "booted" } },
  maxWorkers: 2,
  memoryMb: 64,
});
afterAll(() => pool.close());

const run = (actionId: string, ctx = testContext(), input: unknown = {}) => pool.run("default", { type: "run", actionId, input }, ctx);

describe("step workers", () => {
  it("run an action in another thread, built from the module and options they were given", async () => {
    const out = (await run("t.echo", testContext(), { a: [1, 2] })) as { input: unknown; tag: string; thread: number };
    expect(out.input).toEqual({ a: [1, 2] });
    expect(out.tag).toBe("booted");
    expect(out.thread).not.toBe(threadId);
  });

  it("stop a step that never yields when its signal aborts, and the next step gets a fresh worker", async () => {
    const ctx = testContext();
    const spinning = run("t.spin", ctx);
    // This thread is free while the worker spins: a timer here still fires.
    await new Promise((r) => setTimeout(r, 50));
    ctx.controller.abort(new Error("timed out"));
    await expect(spinning).rejects.toThrow("timed out");
    const killedBefore = pool.stats().killed;
    expect(killedBefore).toBeGreaterThanOrEqual(1);
    expect(await run("t.echo")).toMatchObject({ tag: "booted" });
  });

  it("fail a step that outgrows its memory limit, with a typed error, and stay usable", async () => {
    const err = await run("t.alloc").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionError);
    expect(err).toMatchObject({ code: "out_of_memory", retryable: false });
    expect((err as Error).message).toContain("64 MB");
    expect(await run("t.echo")).toMatchObject({ tag: "booted" });
  });

  it("report a worker that ends itself as a failed step", async () => {
    await expect(run("t.exit")).rejects.toThrow(/stopped unexpectedly \(exit code 3\)/);
    expect(await run("t.echo")).toMatchObject({ tag: "booted" });
  });

  it("keep an ActionError's code, retryability, details and extra fields across the thread", async () => {
    const err = (await run("t.fail").catch((e: unknown) => e)) as ActionError & { retryAfterMs?: number };
    expect(err).toBeInstanceOf(ActionError);
    expect(err).toMatchObject({ code: "rate_limited", message: "slow down", retryable: true, details: { status: 429 }, retryAfterMs: 1500 });
  });

  it("forward logs, progress, token usage and LLM calls (streamed) to the engine's context", async () => {
    const ctx = testContext();
    const usage = { promptTokens: 0, completionTokens: 0 };
    const prompts: string[] = [];
    ctx.reportUsage = (u) => { usage.promptTokens += u.promptTokens; usage.completionTokens += u.completionTokens; };
    ctx.llm = {
      model: "m",
      async complete(req) {
        prompts.push(req.prompt);
        req.onDelta?.("h");
        req.onDelta?.("i");
        return { text: "hi" };
      },
    };
    const out = await run("t.talk", ctx);
    expect(out).toEqual({ answer: "hi", deltas: ["h", "i"], key: ctx.idempotencyKey });
    expect(prompts).toEqual(["say hi"]);
    expect(ctx.logs).toContainEqual({ level: "info", message: "hello from the worker", data: { n: 1 } });
    expect(ctx.progressReports).toContainEqual({ fraction: 0.5, message: "half" });
    expect(usage).toEqual({ promptTokens: 3, completionTokens: 2 });
  });

  it("check the input and store the answer in the worker, as the engine would in its thread", async () => {
    expect(await run("t.count", testContext(), { n: 1 })).toEqual({ n: 2 });
    await expect(run("t.count", testContext(), { n: "one" })).rejects.toMatchObject({ name: "StepBoundaryError", code: "input_invalid", message: expect.stringMatching(/^n: /) });
    await expect(run("t.count", testContext(), { n: 13 })).rejects.toMatchObject({ name: "StepBoundaryError", code: "output_invalid" });
    // what JSON cannot hold is left out, as it would be in the engine's thread
    expect(await run("t.unsendable")).toEqual({});
    await expect(run("t.nope")).rejects.toThrow(/has no action "t.nope"/);
  });

  it("hand a large table over as a reference to the run's artifact store, and read one back for a step", async () => {
    const ctx = testContext();
    const out = (await run("t.rows", ctx, { rows: 30_000 })) as { table: unknown };
    expect(isArtifactRef(out.table)).toBe(true);
    expect(await new ArtifactStore(ctx.workspaceDir).materialize(out)).toEqual({ table: Array.from({ length: 30_000 }, (_, i) => ({ i, text: `row ${i}` })) });
    expect(await run("t.rows", ctx, out)).toEqual({ got: 30_000 });
  });

  it("queue steps beyond the lane's limit and run them as workers free up", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => run("t.echo", testContext(), { i })));
    expect(results.map((r) => (r as { input: { i: number } }).input.i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(pool.stats().live).toBeLessThanOrEqual(2);
  });

  it("give up a queued step whose signal aborts before a worker frees up", async () => {
    const a = testContext();
    const b = testContext();
    const spinA = run("t.spin", a);
    const spinB = run("t.spin", b);
    const waiting = testContext();
    const queued = run("t.echo", waiting);
    waiting.controller.abort(new Error("cancelled while queued"));
    await expect(queued).rejects.toThrow("cancelled while queued");
    a.controller.abort(new Error("stop a"));
    b.controller.abort(new Error("stop b"));
    await expect(spinA).rejects.toThrow("stop a");
    await expect(spinB).rejects.toThrow("stop b");
  });

  it("hold the step's clock while it waits for a worker to load or to free up, and never while the action runs", async () => {
    const cold = new StepWorkerPool({ entry: path.join(root, "lib/engine/sandbox/worker-entry.mjs"), boot: { actionsModule: path.join(root, "tests/support/sandbox-actions.ts"), exportName: "sandboxActions", options: { tag: "cold" } }, maxWorkers: 1, memoryMb: 64 });
    try {
      const clocked = () => {
        const ctx = testContext();
        const marks: string[] = [];
        ctx.holdClock = () => { marks.push("hold"); return () => marks.push("resume"); };
        ctx.log = (_level, message) => void marks.push(`action: ${message}`);
        ctx.llm = { model: "m", complete: async () => ({ text: "ok" }) };
        return { ctx, marks };
      };
      // Cold: the only worker is loading its actions when the step arrives.
      const first = clocked();
      expect(await cold.run("default", { type: "run", actionId: "t.echo", input: {} }, first.ctx)).toMatchObject({ tag: "cold" });
      expect(first.marks).toEqual(["hold", "resume"]);
      // Busy: the second step waits for the only worker, with its clock held, then runs.
      const spinning = testContext();
      const spin = cold.run("default", { type: "run", actionId: "t.spin", input: {} }, spinning);
      const second = clocked();
      const queued = cold.run("default", { type: "run", actionId: "t.talk", input: {} }, second.ctx);
      await expect.poll(() => second.marks).toEqual(["hold"]);
      spinning.controller.abort(new Error("stop the spin"));
      await expect(spin).rejects.toThrow("stop the spin");
      expect(await queued).toMatchObject({ answer: "ok" });
      // The clock ran again before the action did anything (its log comes after the resume).
      expect(second.marks).toEqual(["hold", "resume", "action: hello from the worker"]);
    } finally {
      cold.close();
    }
  });

  it("give up a step cancelled while its worker loads, and keep that worker for the next step", async () => {
    const cold = new StepWorkerPool({ entry: path.join(root, "lib/engine/sandbox/worker-entry.mjs"), boot: { actionsModule: path.join(root, "tests/support/sandbox-actions.ts"), exportName: "sandboxActions", options: { tag: "cold" } }, maxWorkers: 1, memoryMb: 64 });
    try {
      const ctx = testContext();
      ctx.holdClock = () => { ctx.controller.abort(new Error("cancelled while loading")); return () => undefined; };
      await expect(cold.run("default", { type: "run", actionId: "t.echo", input: {} }, ctx)).rejects.toThrow("cancelled while loading");
      expect(await cold.run("default", { type: "run", actionId: "t.echo", input: {} }, testContext())).toMatchObject({ tag: "cold" });
      expect(cold.stats()).toMatchObject({ started: 1, killed: 0 });
    } finally {
      cold.close();
    }
  });
});
