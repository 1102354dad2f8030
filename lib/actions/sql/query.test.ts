import { afterAll, describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { queryAction, queryGeneratedAction } from "./query";
import { closeSampleShopDb } from "./sample-shop";
import { runAction } from "../../../tests/support/llm-action-context";

afterAll(() => closeSampleShopDb());

const query = (raw: Record<string, unknown>) => runAction(queryAction, raw);

async function refusal(sql: string): Promise<ActionError> {
  const error = await query({ sql }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
}

describe("sql.query", () => {
  it("counts rows", async () => {
    const out = await query({ sql: "SELECT count(*) AS n FROM orders" });
    expect(out).toEqual({ table: { columns: ["n"], rows: [{ n: 600 }] }, rowCount: 1, truncated: false, columnTypes: ["bigint"] });
  });

  it("runs a join with JSON-friendly values (numbers, dates as text)", async () => {
    const out = await query({
      sql: `SELECT c.country, count(DISTINCT o.id) AS orders, round(sum(i.quantity * i.unit_price), 2) AS revenue, min(o.ordered_at) AS first_order
              FROM orders o JOIN customers c ON c.id = o.customer_id JOIN order_items i ON i.order_id = o.id
             WHERE o.status NOT IN ('cancelled', 'refunded')
             GROUP BY c.country ORDER BY revenue DESC`,
    });
    expect(out.table.columns).toEqual(["country", "orders", "revenue", "first_order"]);
    expect(out.rowCount).toBeGreaterThan(5);
    const top = out.table.rows[0];
    expect(typeof top.revenue).toBe("number");
    expect(top.first_order).toMatch(/^2025-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    const total = out.table.rows.reduce((sum, r) => sum + Number(r.orders), 0);
    expect(total).toBeLessThanOrEqual(600);
  });

  it("keeps duplicate column names apart and takes $n parameters", async () => {
    const out = await query({ sql: "SELECT o.id, c.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1", params: [42] });
    expect(out.table.columns).toEqual(["id", "id_2"]);
    expect(out.table.rows[0].id).toBe(42);
  });

  it("caps rows at maxRows and says so", async () => {
    const capped = await query({ sql: "SELECT id FROM order_items ORDER BY id", maxRows: 10 });
    expect(capped.rowCount).toBe(10);
    expect(capped.truncated).toBe(true);
    expect(capped.table.rows.at(-1)).toEqual({ id: 10 });
    const all = await query({ sql: "SELECT id FROM orders" });
    expect(all).toMatchObject({ rowCount: 600, truncated: false });
    const defaulted = await query({ sql: "SELECT a.id FROM order_items a CROSS JOIN categories" });
    expect(defaulted).toMatchObject({ rowCount: 1000, truncated: true });
  });

  it.each([
    ["DELETE FROM orders", "read_only_violation"],
    ["INSERT INTO categories (id, name) VALUES (99, 'Hacked')", "read_only_violation"],
    ["DROP TABLE orders", "read_only_violation"],
    ["UPDATE products SET price = 0", "read_only_violation"],
    ["WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone", "read_only_violation"],
    ["SELECT 1; DELETE FROM orders", "multiple_statements"],
    ["BEGIN", "transaction_control_refused"],
  ])("refuses %s", async (sql, code) => {
    const error = await refusal(sql);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(false);
  });

  it("leaves the data untouched after refused writes", async () => {
    await refusal("DELETE FROM order_items");
    const out = await query({ sql: "SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM categories) AS categories" });
    expect(out.table.rows[0]).toEqual({ orders: 600, categories: 8 });
  });

  it("reports a syntax error with the Postgres message and position", async () => {
    const error = await refusal("SELECT id, FROM orders");
    expect(error.code).toBe("sql_syntax_error");
    expect(error.message).toContain('syntax error at or near "FROM"');
    expect(error.message).toContain("at character 12");
    expect(error.details).toMatchObject({ sqlState: "42601", position: 12 });
  });

  it("reports an unknown column with its position in the caller's SQL", async () => {
    const error = await refusal("SELECT nme FROM customers");
    expect(error.code).toBe("sql_error");
    expect(error.message).toMatch(/column "nme" does not exist/);
    expect(error.details).toMatchObject({ sqlState: "42703", position: 8 });
  });

  it("refuses queries Postgres estimates as huge, and pg_sleep", async () => {
    expect((await refusal("SELECT count(*) FROM order_items a, order_items b, order_items c")).code).toBe("query_too_expensive");
    expect((await refusal("SELECT pg_sleep(5)")).code).toBe("query_refused");
  });

  it("runs non-cursor reads such as SHOW", async () => {
    const out = await query({ sql: "SHOW default_transaction_read_only" });
    expect(out.table.columns).toEqual(["default_transaction_read_only"]);
  });
});

describe("sql.query_generated", () => {
  it("needs approval and has the same contract as sql.query", async () => {
    expect(queryGeneratedAction.spec.approval).toBe(true);
    expect(queryAction.spec.approval).toBe(false);
    expect(queryGeneratedAction.spec.input).toEqual(queryAction.spec.input);
    expect(queryGeneratedAction.spec.output).toEqual(queryAction.spec.output);
    expect(queryGeneratedAction.description).toMatch(/sql\.generate/);
    const out = await runAction(queryGeneratedAction, { sql: "SELECT name FROM categories ORDER BY name LIMIT 2" });
    expect(out.table.rows).toEqual([{ name: "Beauty" }, { name: "Books" }]);
  });

  it("puts the result in `table`, the shape data actions take", () => {
    const props = (queryAction.spec.output as { properties: Record<string, { properties?: Record<string, unknown>; required?: string[] }> }).properties;
    expect(Object.keys(props.table.properties ?? {})).toEqual(["columns", "rows"]);
    expect(props.table.required).toEqual(["columns", "rows"]);
  });
});
