/**
 * With steps isolated, pure work whose cost is linear in a small input stays in the engine's
 * thread (a worker's round trip would cost more than the work); everything else, and any large
 * input, still goes to a step worker. Outputs and failures are the same either way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinActions } from "../../lib/actions";
import type { Plan, Step } from "../../lib/core";
import { isolate, INLINE_INPUT_MAX_BYTES } from "../../lib/engine/sandbox/isolate";
import type { StepWorkerPool } from "../../lib/engine/sandbox/pool";
import type { Database } from "../../lib/store/database";
import { freshDatabase } from "../support/databases";
import { makeHarness, type Harness } from "../support/engine-harness";
import { builtinStepPool } from "../support/step-workers";
import { lit } from "../support/bindings";

const plan = (steps: Step[]): Plan => ({ goal: "inline", flows: [], inputs: [], outputs: {}, steps });

describe("cheap steps in the engine's thread", () => {
  let db: Database, pool: StepWorkerPool, h: Harness;
  beforeAll(async () => {
    db = await freshDatabase("pglite");
    pool = builtinStepPool();
    h = makeHarness(db, isolate(builtinActions({ httpAllowHosts: [] }), pool));
  });
  afterAll(async () => {
    await h.engine.close();
    pool.close();
    await db.close();
  });

  const outputOf = async (runId: string, stepId: string) => (await h.store.load(runId))!.steps.find((s) => s.stepId === stepId)!;

  it("a literal split, a join and a sort of a small table run without a step worker", async () => {
    const v = await h.savePlan(plan([
      { id: "split", action: "text.split", inputs: { text: lit("b,a,c"), separator: lit(",") } },
      { id: "join", action: "text.join", inputs: { parts: { kind: "step", step: "split", path: ["parts"] }, separator: lit("+") } },
      { id: "sort", action: "data.sort", inputs: { table: lit({ columns: ["n"], rows: [{ n: 2 }, { n: 1 }] }), by: lit([{ column: "n" }]) } },
    ]));
    const done = await h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("succeeded");
    expect((await outputOf(done.run.id, "join")).output).toEqual({ text: "b+a+c", count: 3 });
    expect(pool.stats().tasks).toBe(0);
  });

  it("an action that refuses its input fails its step as it would in a worker", async () => {
    const v = await h.savePlan(plan([{ id: "sort", action: "data.sort", inputs: { table: lit({ columns: ["n"], rows: [{ n: 1 }] }), by: lit([{ column: "missing" }]) } }]));
    const done = await h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("failed");
    expect(await outputOf(done.run.id, "sort")).toMatchObject({ status: "failed", failure: { message: expect.stringContaining("missing") } });
    expect(pool.stats().tasks).toBe(0);
  });

  it("a split by a regular expression the plan wrote goes to a step worker", async () => {
    const v = await h.savePlan(plan([{ id: "split", action: "text.split", inputs: { text: lit("a1b22c"), separator: lit("\\d+"), regex: lit(true) } }]));
    const done = await h.engine.run({ planVersionId: v });
    expect((await outputOf(done.run.id, "split")).output).toEqual({ parts: ["a", "b", "c"], count: 3 });
    expect(pool.stats().tasks).toBe(1);
  });

  it("a split of a large text goes to a step worker", async () => {
    const before = pool.stats().tasks;
    const text = "word ".repeat(Math.ceil(INLINE_INPUT_MAX_BYTES / 5) + 100);
    const v = await h.savePlan(plan([
      { id: "big", action: "text.split", inputs: { text: lit(text), separator: lit(" ") } },
      { id: "count", action: "text.count_words", inputs: { text: lit("two words") } },
    ]));
    const done = await h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("succeeded");
    expect((await outputOf(done.run.id, "big")).output).toMatchObject({ count: Math.ceil(INLINE_INPUT_MAX_BYTES / 5) + 100 });
    // The large split went to a worker; the small count did not.
    expect(pool.stats().tasks - before).toBe(1);
  });
});
