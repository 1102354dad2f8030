/**
 * Steps of built-in actions run in step workers: a step that burns CPU (a catastrophic regular
 * expression, a slow query on the sample database) leaves the engine's thread free, and its
 * timeout or a cancel stops it by terminating its worker. The run ends as it says.
 */
import { describe, expect, it } from "vitest";
import { ActionRegistry, type Plan, type Step } from "../../lib/core";
import { builtinActions } from "../../lib/actions";
import { isolatedHarnessForSuite } from "../support/step-workers";
import { lit } from "../support/bindings";

const plan = (steps: Step[]): Plan => ({ goal: "isolation", flows: [], inputs: [], outputs: {}, steps });
/** (a+)+$ against this backtracks for far longer than any test runs */
const CATASTROPHIC = { text: lit(`${"a".repeat(40)}!`), pattern: lit("(a+)+$") };

describe("isolated steps", () => {
  const t = isolatedHarnessForSuite();

  const stepOf = async (runId: string, stepId: string) => (await t.h.store.load(runId))!.steps.find((s) => s.stepId === stepId)!;

  it("a catastrophic regular expression times out as its step says, instead of finishing minutes later", async () => {
    const v = await t.h.savePlan(plan([{ id: "re", action: "text.regex_extract", inputs: CATASTROPHIC, timeoutMs: 1000 }]));
    const done = await t.h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("failed");
    expect(await stepOf(done.run.id, "re")).toMatchObject({ status: "failed", failure: { code: "timeout", message: "the step did not finish within 1000 ms" } });
    expect(t.pool.stats().killed).toBeGreaterThanOrEqual(1);
  });

  it("a cancel stops a step that never yields, and the engine answers meanwhile", async () => {
    const v = await t.h.savePlan(plan([{ id: "re", action: "text.regex_extract", inputs: CATASTROPHIC, timeoutMs: 600_000 }]));
    const runId = await t.h.engine.start({ planVersionId: v });
    await expect.poll(async () => (await stepOf(runId, "re")).status, { timeout: 60_000 }).toBe("running");
    // The engine's own thread is free: a database read and a timer both complete while the step spins.
    await new Promise((r) => setTimeout(r, 20));
    expect((await t.h.store.load(runId))!.run.status).toBe("running");
    await t.h.engine.cancel(runId);
    const done = await t.h.engine.wait(runId);
    expect(done.run.status).toBe("cancelled");
    expect((await stepOf(runId, "re")).status).toBe("cancelled");
  });

  it("a query on the sample database that outlasts its step is stopped with its worker; the next query gets a fresh database", async () => {
    const slow = "SELECT sum(length(md5(repeat(g::text, 1000)))) AS s FROM generate_series(1, (SELECT 5000000)) g";
    const v = await t.h.savePlan(plan([{ id: "slow", action: "sql.query", inputs: { sql: lit(slow) }, timeoutMs: 1500 }]));
    const done = await t.h.engine.run({ planVersionId: v });
    expect(await stepOf(done.run.id, "slow")).toMatchObject({ status: "failed", failure: { code: "timeout" } });
    const next = await t.h.savePlan(plan([{ id: "count", action: "sql.query", inputs: { sql: lit("SELECT count(*) AS n FROM orders") } }]));
    const again = await t.h.engine.run({ planVersionId: next });
    expect(again.run.status).toBe("succeeded");
    const out = (await stepOf(again.run.id, "count")).output as { table: { rows: { n: number }[] } };
    expect(out.table.rows[0].n).toBeGreaterThan(0);
    // Two sample databases are loaded here (the first, and the fresh one after the kill): slow on a busy machine.
  }, 180_000);

  it("ordinary steps give the same outputs as in the engine's thread", async () => {
    const v = await t.h.savePlan(plan([
      { id: "re", action: "text.regex_extract", inputs: { text: lit("2024-01-02 and 2025-03-04"), pattern: lit("(\\d{4})-(\\d{2})") } },
    ]));
    const done = await t.h.engine.run({ planVersionId: v });
    expect(done.run.status).toBe("succeeded");
    const inline = new ActionRegistry(builtinActions({ httpAllowHosts: [] })).get("text.regex_extract")!;
    const expected = await inline.run(inline.input.parse({ text: "2024-01-02 and 2025-03-04", pattern: "(\\d{4})-(\\d{2})" }), { signal: new AbortController().signal } as never);
    expect((await stepOf(done.run.id, "re")).output).toEqual(expected);
  });
});
