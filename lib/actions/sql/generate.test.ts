import { afterAll, describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { generateAction } from "./generate";
import { queryGeneratedAction } from "./query";
import { closeSampleShopDb } from "./sample-shop";
import { makeTestCtx, runAction, scriptedLlm } from "../../../tests/support/llm-action-context";

afterAll(() => closeSampleShopDb());

const GOOD_SQL = "SELECT c.name AS category, count(*) AS products FROM products p JOIN categories c ON c.id = p.category_id GROUP BY c.name ORDER BY c.name;";
const good = JSON.stringify({ sql: GOOD_SQL, explanation: "Counts products per category." });
const question = { question: "How many products are in each category?" };

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
}

describe("sql.generate", () => {
  it("fails clearly when no LLM provider is configured", async () => {
    const error = await failure(runAction(generateAction, question, makeTestCtx()));
    expect(error.code).toBe("llm_not_configured");
    expect(generateAction.spec.usesLlm).toBe(true);
  });

  it("returns the LLM's SQL, checked, and reports usage", async () => {
    const llm = scriptedLlm(good, { promptTokens: 900, completionTokens: 40 });
    const ctx = makeTestCtx({ llm });
    const out = await runAction(generateAction, question, ctx);
    expect(out).toEqual({ sql: GOOD_SQL.replace(/;$/, ""), explanation: "Counts products per category." });
    expect(ctx.usage).toEqual([{ promptTokens: 900, completionTokens: 40 }]);
    // the prompt carries the live schema, including the values of short text columns
    const request = llm.requests[0];
    expect(request.prompt).toContain("How many products are in each category?");
    expect(request.prompt).toMatch(/TABLE order_items \(\d+ rows\)/);
    expect(request.prompt).toContain("REFERENCES categories(id)");
    expect(request.prompt).toContain("'delivered'");
    expect(request.jsonSchema?.schema).toMatchObject({ type: "object", required: ["sql", "explanation"], additionalProperties: false });
  });

  it("chains into sql.query_generated", async () => {
    const generated = await runAction(generateAction, question, makeTestCtx({ llm: scriptedLlm(good) }));
    const result = await runAction(queryGeneratedAction, { sql: generated.sql });
    expect(result.rowCount).toBe(8);
    expect(result.table.rows[0]).toEqual({ category: "Beauty", products: 5 });
  });

  it("fails with the raw text when the answer is not JSON", async () => {
    const raw = "Sure! Here is your query: SELECT * FROM products";
    const ctx = makeTestCtx({ llm: scriptedLlm(raw) });
    const error = await failure(runAction(generateAction, question, ctx));
    expect(error.code).toBe("llm_bad_answer");
    expect(error.retryable).toBe(false);
    expect(error.details).toEqual({ raw });
    expect(ctx.usage).toHaveLength(1);
  });

  it("fails when the JSON lacks the sql field", async () => {
    const error = await failure(runAction(generateAction, question, makeTestCtx({ llm: scriptedLlm('{"query": "SELECT 1"}') })));
    expect(error.code).toBe("llm_bad_answer");
    expect(error.details).toMatchObject({ raw: '{"query": "SELECT 1"}' });
  });

  it("gives the LLM one repair round with the Postgres error", async () => {
    const bad = JSON.stringify({ sql: "SELECT nme FROM products", explanation: "x" });
    const fixed = JSON.stringify({ sql: "SELECT name FROM products", explanation: "Product names." });
    const llm = scriptedLlm([bad, fixed]);
    const out = await runAction(generateAction, { question: "product names" }, makeTestCtx({ llm }));
    expect(out.sql).toBe("SELECT name FROM products");
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1].prompt).toContain('column "nme" does not exist');
  });

  it("refuses SQL that still does not check, or that writes", async () => {
    const writes = JSON.stringify({ sql: "DELETE FROM orders", explanation: "x" });
    const error = await failure(runAction(generateAction, question, makeTestCtx({ llm: scriptedLlm(writes) })));
    expect(error.code).toBe("generated_sql_invalid");
    expect(error.details).toMatchObject({ sql: "DELETE FROM orders", errorCode: "not_a_query" });
  });
});
