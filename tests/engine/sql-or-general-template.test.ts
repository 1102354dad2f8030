/**
 * The "SQL or general" template end to end on the real engine and the sample shop database,
 * with the LLM played by the OpenAI-compatible test server (recorded response shapes, answers
 * chosen by the structured answer each step asks for):
 * - a data question classifies as sql, lists the tables, picks them, waits for a person to
 *   confirm them (approved through the engine), trims the schema, writes the SQL, checks it,
 *   runs it and words the answer, which holds the count computed here from the shop's data;
 * - a general question takes the other branch: the SQL steps are skipped, "condition false";
 * - SQL the LLM writes that is not one read-only query is stopped by the check step;
 * - without an LLM the run is refused before it starts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtinActions } from "../../lib/actions";
import { closeSampleShopDb } from "../../lib/actions/sql/sample-shop";
import { generateShopData } from "../../lib/actions/sql/shop-data";
import type { RunEvent } from "../../lib/core";
import { OpenAiProvider } from "../../lib/llm/openai-provider";
import { builtinTemplates, describeTemplate, instantiateTemplate, llmStepsCoverage } from "../../lib/templates";
import type { Database } from "../../lib/store/database";
import { freshDatabase } from "../support/databases";
import { makeHarness, type Harness } from "../support/engine-harness";
import { reply, startOpenAiServer, type OpenAiTestServer, type RecordedRequest } from "../support/openai-server/server";

const template = builtinTemplates.find((t) => t.id === "sql-or-general")!;
const SQL_QUESTION = "How many orders were shipped to Germany?";
const GENERAL_QUESTION = "What is the capital of France?";
const GOOD_SQL = "SELECT count(*)::int AS orders FROM orders WHERE shipping_country = 'Germany'";

/** The SQL the test server writes for the next data question. */
let writtenSql = GOOD_SQL;

/** What the "LLM" answers, by the name of the structured answer the step asks for. */
function answer(req: RecordedRequest) {
  const name = req.body?.response_format?.json_schema?.name ?? "";
  const prompt = req.body?.messages.map((m) => m.content).join("\n") ?? "";
  switch (name) {
    case "classification":
      return reply.json({ label: /Text:[\s\S]*\b(orders|customers|revenue)\b/i.test(prompt) ? "sql" : "general", confidence: 0.9 });
    case "table_choice":
      return reply.json({ tables: ["orders"], reason: "Orders carry the shipping country." });
    case "sql_query":
      return reply.json({ sql: writtenSql, explanation: "Counts the orders shipped to Germany." });
    case "answer": {
      // words the answer from the rows it was given (the Markdown table's one value), as a model would
      const row = /Context:[\s\S]*?\n\|[\s:|-]+\|\s*\n\|\s*(\d+)\s*\|/.exec(prompt);
      return reply.json({ answer: row ? `${row[1]} orders were shipped to Germany.` : "Paris is the capital of France." });
    }
    default:
      return reply.raw(400, JSON.stringify({ error: { message: `no scripted answer for "${name}"`, type: "invalid_request_error" } }));
  }
}

let db: Database;
let llm: OpenAiTestServer;
let h: Harness;

beforeAll(async () => {
  db = await freshDatabase("pglite");
  llm = await startOpenAiServer(answer);
  h = makeHarness(db, builtinActions({ httpAllowHosts: [] }), { llm: new OpenAiProvider({ baseUrl: llm.baseUrl, apiKey: "test", model: "gpt-test", timeoutMs: 10_000 }) });
});
afterAll(async () => {
  await h?.engine.close();
  await llm?.close();
  await db?.close();
  await closeSampleShopDb();
});

async function planFor(question: string) {
  const made = instantiateTemplate(template, { question });
  if (!made.ok) throw new Error(JSON.stringify(made.problems));
  return h.savePlan(made.plan);
}

const events = (runId: string) => h.store.events(runId) as Promise<RunEvent[]>;

describe("the SQL-or-general template", () => {
  it("answers a data question with SQL from the sample shop database, after a person confirms the tables", async () => {
    writtenSql = GOOD_SQL;
    const expected = generateShopData().orders.filter((o) => o.shipping_country === "Germany").length;
    expect(expected).toBeGreaterThan(0);
    let done = await h.engine.run({ planVersionId: await planFor(SQL_QUESTION) }, { untilApproval: true });
    expect(done.run.status).toBe("awaiting_approval");
    const waiting = done.steps.filter((s) => s.status === "awaiting_approval").map((s) => s.stepId);
    expect(waiting).toEqual(["schema"]);
    // the person sees the tables the LLM picked, and confirms them
    expect(done.steps.find((s) => s.stepId === "pick")!.output).toMatchObject({ tables: ["orders"] });
    await h.engine.approve(done.run.id, "schema", { by: "ada", comment: "orders is right" });
    done = await h.engine.wait(done.run.id, { timeoutMs: 60_000 });

    expect(done.run.status).toBe("succeeded");
    const ran = (await events(done.run.id)).filter((e) => e.type === "step.succeeded").map((e) => e.stepId);
    expect(ran).toEqual(["classify", "tables", "pick", "schema", "write", "check", "query", "rows", "sql_answer"]);
    const byId = Object.fromEntries(done.steps.map((s) => [s.stepId, s]));
    expect(byId.general_answer.status).toBe("skipped");
    expect(byId.schema.output).toMatchObject({ tables: ["orders"] });
    expect((byId.schema.output as { schema: string }).schema).toMatch(/^TABLE orders \(600 rows\)/);
    expect((byId.schema.output as { schema: string }).schema).not.toMatch(/TABLE customers/);
    expect(byId.query.output).toMatchObject({ table: { columns: ["orders"], rows: [{ orders: expected }] } });
    expect(done.run.outputs).toEqual({ answer: `${expected} orders were shipped to Germany.` });
    // the SQL writer saw the trimmed schema only
    const sqlPrompt = llm.requests.find((r) => r.body?.response_format?.json_schema?.name === "sql_query")!.body!.messages.map((m) => m.content).join("\n");
    expect(sqlPrompt).toContain("TABLE orders");
    expect(sqlPrompt).not.toContain("TABLE products");
  }, 120_000);

  it("answers a general question directly: the SQL steps are skipped, condition false", async () => {
    const done = await h.engine.run({ planVersionId: await planFor(GENERAL_QUESTION) }, { untilApproval: true });
    expect(done.run.status).toBe("succeeded");
    expect(done.run.outputs).toEqual({ answer: "Paris is the capital of France." });
    const status = Object.fromEntries(done.steps.map((s) => [s.stepId, s.status]));
    expect(status).toEqual({
      classify: "succeeded", tables: "skipped", pick: "skipped", schema: "skipped", write: "skipped", check: "skipped",
      query: "skipped", rows: "skipped", sql_answer: "skipped", general_answer: "succeeded",
    });
    const skipped = (await events(done.run.id)).filter((e): e is Extract<RunEvent, { type: "step.skipped" }> => e.type === "step.skipped");
    expect(skipped.find((e) => e.stepId === "tables")!.data.reason).toMatch(/^condition false: label was "general"/);
    // the steps after it are skipped with it, naming it as the cause
    for (const e of skipped.filter((x) => x.stepId !== "tables")) expect(e.data, e.stepId).toMatchObject({ cause: "tables" });
  }, 120_000);

  for (const [what, sql] of [
    ["a DELETE", "DELETE FROM orders WHERE shipping_country = 'Germany'"],
    ["two statements", "SELECT count(*) FROM orders; DROP TABLE orders"],
  ] as const) {
    it(`stops ${what} the LLM wrote at the check step, before it runs`, async () => {
      writtenSql = sql;
      let done = await h.engine.run({ planVersionId: await planFor(SQL_QUESTION) }, { untilApproval: true });
      await h.engine.approve(done.run.id, "schema", { by: "ada" });
      done = await h.engine.wait(done.run.id, { timeoutMs: 60_000 });
      expect(done.run.status).toBe("failed");
      const check = done.steps.find((s) => s.stepId === "check")!;
      expect(check.status).toBe("failed");
      expect(check.failure?.message).toMatch(/^Refused before it ran/);
      expect(done.steps.find((s) => s.stepId === "query")!.status).not.toBe("succeeded");
      expect((await events(done.run.id)).some((e) => e.type === "step.started" && e.stepId === "query")).toBe(false);
      // the shop's orders are all still there
      const { getSampleShopDb } = await import("../../lib/actions/sql/sample-shop");
      expect((await (await getSampleShopDb()).query<{ n: number }>("SELECT count(*)::int AS n FROM orders")).rows[0].n).toBe(600);
    }, 120_000);
  }

  it("without an LLM: the plan says which steps need one, and a run is refused before it starts", async () => {
    const offline = makeHarness(db, builtinActions({ httpAllowHosts: [] }));
    const made = instantiateTemplate(template, { question: SQL_QUESTION });
    if (!made.ok) throw new Error("not made");
    expect(describeTemplate(template, offline.registry.catalog).usesLlm).toBe(true);
    const coverage = llmStepsCoverage(made.plan, offline.registry.catalog, false)!;
    expect(coverage.parts.map((p) => [p.steps[0], p.uncovered?.reason])).toEqual([
      ["classify", "needs_llm"], ["pick", "needs_llm"], ["write", "needs_llm"], ["sql_answer", "needs_llm"], ["general_answer", "needs_llm"],
    ]);
    expect(llmStepsCoverage(made.plan, offline.registry.catalog, true)!.parts.every((p) => !p.uncovered)).toBe(true);
    const versionId = await offline.savePlan(made.plan);
    await expect(offline.engine.start({ planVersionId: versionId })).rejects.toMatchObject({ code: "llm_not_configured", status: 422 });
    expect(await db.prisma.run.count({ where: { planVersionId: versionId } })).toBe(0);
    await offline.engine.close();
  });
});
