import { afterAll, describe, expect, it } from "vitest";
import { checkAction } from "./check";
import { closeSampleShopDb } from "./sample-shop";
import { runAction } from "../../../tests/support/llm-action-context";

afterAll(() => closeSampleShopDb());

const check = (sql: string) => runAction(checkAction, { sql });

describe("sql.check", () => {
  it("accepts a good query and returns its plan", async () => {
    const out = await check("SELECT p.name, sum(i.quantity) AS sold FROM order_items i JOIN products p ON p.id = i.product_id GROUP BY p.name");
    expect(out.ok).toBe(true);
    expect(out.plan).toMatch(/Join|Aggregate/);
    expect(out.estimatedCost).toBeGreaterThan(0);
    expect(out.error).toBeUndefined();
  });

  it("reports bad SQL without throwing", async () => {
    const out = await check("SELECT * FROM orders WHERE");
    expect(out).toMatchObject({ ok: false, errorCode: "sql_syntax_error" });
    expect(out.error).toMatch(/syntax error at end of input/);
    const unknown = await check("SELECT total FROM orders");
    expect(unknown).toMatchObject({ ok: false, errorCode: "sql_error", position: 8 });
    expect(unknown.error).toMatch(/column "total" does not exist/);
  });

  it("reports writes, several statements and non-queries", async () => {
    expect(await check("DELETE FROM orders")).toMatchObject({ ok: false, errorCode: "not_a_query" });
    expect(await check("WITH d AS (DELETE FROM orders RETURNING 1) SELECT * FROM d")).toMatchObject({ ok: false, errorCode: "writes_data" });
    expect(await check("SELECT 1; SELECT 2")).toMatchObject({ ok: false, errorCode: "multiple_statements" });
    expect(await check("SELECT count(*) FROM order_items a, order_items b, orders c")).toMatchObject({ ok: false, errorCode: "query_too_expensive" });
  });

  it("checks an EXPLAIN through the query it explains, without running it", async () => {
    const out = await check("EXPLAIN ANALYZE SELECT status, count(*) FROM orders GROUP BY status");
    expect(out).toMatchObject({ ok: true, plan: expect.stringMatching(/Aggregate/) });
    expect(out.plan).not.toMatch(/actual/);
    const unknown = await check("EXPLAIN (FORMAT JSON)\n  SELECT nme FROM customers");
    expect(unknown).toMatchObject({ ok: false, errorCode: "sql_error", position: 32 });
  });

  it("refuses what sql.query refuses, with the same reasons, before planning", async () => {
    const copy = await check("COPY (SELECT 1) TO PROGRAM 'true'");
    expect(copy).toMatchObject({ ok: false, errorCode: "not_a_query" });
    expect(copy.error).toBe("COPY is not allowed: only SELECT, WITH … SELECT and EXPLAIN run against the database.");
    expect(await check("SELECT pg_sleep(100)")).toMatchObject({ ok: false, errorCode: "query_refused", position: 8 });
    expect(await check("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r")).toMatchObject({
      ok: false,
      errorCode: "query_refused",
    });
    expect(await check("SELECT * INTO t FROM orders")).toMatchObject({ ok: false, errorCode: "writes_data", position: 15 });
    expect(await check("SELECT * FROM orders FOR UPDATE")).toMatchObject({ ok: false, errorCode: "read_only_violation" });
    expect(await check("EXPLAIN ANALYZE DELETE FROM orders")).toMatchObject({ ok: false, errorCode: "not_a_query" });
    expect(await check("SELECT id, FROM orders")).toMatchObject({ ok: false, errorCode: "sql_syntax_error", position: 12 });
    expect(await check("BEGIN")).toMatchObject({ ok: false, errorCode: "transaction_control_refused" });
  });
});
