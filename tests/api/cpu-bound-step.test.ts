/**
 * A step that burns CPU never stops the server: in the built app, the API answers while a
 * catastrophic regular expression runs, a cancel stops it at once, and its timeout ends it as
 * `timeout`. SQL that is not a plain read is refused before it reaches the sample database, and
 * the next SQL step runs (the built app: run `npx next build` first).
 */
import { describe, expect, it } from "vitest";
import { builtAppForSuite } from "../support/built-app";
import { lit } from "../support/bindings";

const CATASTROPHIC = { text: lit(`${"a".repeat(40)}!`), pattern: lit("(a+)+$") };

const built = builtAppForSuite();

describe("steps that burn CPU, in the built app", { timeout: 180_000 }, () => {
  it("the API answers while the step runs, and a cancel stops it", async () => {
    const runId = await built.runs.start([{ id: "re", action: "text.regex_extract", inputs: CATASTROPHIC, timeoutMs: 600_000 }]);
    await expect.poll(async () => (await built.runs.stepOf(runId, "re")).status, { timeout: 120_000 }).toBe("running");
    const flows = await built.api.call("listFlows", {});
    expect(flows.flows.length).toBeGreaterThan(0);
    expect((await built.runs.detail(runId)).run.status).toBe("running");
    await built.api.call("cancelRun", { params: { id: runId } });
    await expect.poll(async () => (await built.runs.detail(runId)).run.status, { timeout: 120_000 }).toBe("cancelled");
    expect((await built.runs.stepOf(runId, "re")).status).toBe("cancelled");
  });

  it("the step's timeout ends it as a timeout", async () => {
    const runId = await built.runs.start([{ id: "re", action: "text.regex_extract", inputs: CATASTROPHIC, timeoutMs: 1500 }]);
    await expect.poll(async () => built.runs.ended(runId), { timeout: 120_000 }).toBe(true);
    expect(await built.runs.stepOf(runId, "re")).toMatchObject({ status: "failed", failure: { code: "timeout" } });
  });

  it("COPY … TO PROGRAM is refused, and the SQL step after it runs", async () => {
    const runId = await built.runs.start(
      [
        { id: "copy", action: "sql.query", inputs: { sql: lit("COPY (SELECT 1) TO PROGRAM 'true'") } },
        { id: "count", action: "sql.query", inputs: { sql: lit("SELECT count(*) AS n FROM orders") } },
      ],
      { failurePolicy: "continue" },
    );
    await expect.poll(async () => built.runs.ended(runId), { timeout: 120_000 }).toBe(true);
    expect(await built.runs.stepOf(runId, "copy")).toMatchObject({ status: "failed", failure: { actionCode: "statement_not_allowed" } });
    expect(await built.runs.stepOf(runId, "count")).toMatchObject({ status: "succeeded" });
  });
});
