/**
 * A step that burns CPU never stops the server: in the built app, the API answers while a
 * catastrophic regular expression runs, a cancel stops it at once, and its timeout ends it as
 * `timeout`. SQL that is not a plain read is refused before it reaches the sample database, and
 * the next SQL step runs (the built app: run `npx next build` first).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type TrellisApi } from "../../lib/contract/client";
import type { Step } from "../../lib/core";
import { startBuiltApp } from "../support/built-app";

const lit = (value: unknown) => ({ kind: "literal" as const, value });
const CATASTROPHIC = { text: lit(`${"a".repeat(40)}!`), pattern: lit("(a+)+$") };

let app: Awaited<ReturnType<typeof startBuiltApp>>;
let api: TrellisApi;
beforeAll(async () => {
  app = await startBuiltApp();
  api = createClient({ baseUrl: app.baseUrl });
}, 180_000);
afterAll(async () => { await app?.stop(); });

async function start(steps: Step[], options: Record<string, unknown> = {}): Promise<string> {
  const { planId } = await api.call("importPlan", { body: { plan: { goal: "cpu", flows: [], inputs: [], outputs: {}, steps } } });
  return (await api.call("startRun", { params: { id: planId }, body: { options } })).runId;
}
const detail = (runId: string) => api.call("getRun", { params: { id: runId } });
const stepOf = async (runId: string, stepId: string) => (await detail(runId)).steps.find((s) => s.stepId === stepId)!;
const ended = (status: string) => ["succeeded", "failed", "cancelled"].includes(status);

describe("steps that burn CPU, in the built app", { timeout: 180_000 }, () => {
  it("the API answers while the step runs, and a cancel stops it", async () => {
    const runId = await start([{ id: "re", action: "text.regex_extract", inputs: CATASTROPHIC, timeoutMs: 600_000 }]);
    await expect.poll(async () => (await stepOf(runId, "re")).status, { timeout: 120_000 }).toBe("running");
    const flows = await api.call("listFlows", {});
    expect(flows.flows.length).toBeGreaterThan(0);
    expect((await detail(runId)).run.status).toBe("running");
    await api.call("cancelRun", { params: { id: runId } });
    await expect.poll(async () => (await detail(runId)).run.status, { timeout: 120_000 }).toBe("cancelled");
    expect((await stepOf(runId, "re")).status).toBe("cancelled");
  });

  it("the step's timeout ends it as a timeout", async () => {
    const runId = await start([{ id: "re", action: "text.regex_extract", inputs: CATASTROPHIC, timeoutMs: 1500 }]);
    await expect.poll(async () => ended((await detail(runId)).run.status), { timeout: 120_000 }).toBe(true);
    expect(await stepOf(runId, "re")).toMatchObject({ status: "failed", failure: { code: "timeout" } });
  });

  it("COPY … TO PROGRAM is refused, and the SQL step after it runs", async () => {
    const runId = await start(
      [
        { id: "copy", action: "sql.query", inputs: { sql: lit("COPY (SELECT 1) TO PROGRAM 'true'") } },
        { id: "count", action: "sql.query", inputs: { sql: lit("SELECT count(*) AS n FROM orders") } },
      ],
      { failurePolicy: "continue" },
    );
    await expect.poll(async () => ended((await detail(runId)).run.status), { timeout: 120_000 }).toBe(true);
    expect(await stepOf(runId, "copy")).toMatchObject({ status: "failed", failure: { actionCode: "statement_not_allowed" } });
    expect(await stepOf(runId, "count")).toMatchObject({ status: "succeeded" });
  });
});
