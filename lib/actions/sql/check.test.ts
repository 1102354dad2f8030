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
});
