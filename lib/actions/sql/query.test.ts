import { afterAll, describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { queryAction, queryGeneratedAction } from "./query";
import { closeSampleShopDb, getSampleShopDb, sampleShopTiming } from "./sample-shop";
import { makeTestCtx, runAction } from "../../../tests/support/llm-action-context";

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

  it("refuses SHOW (only SELECT, WITH … SELECT and EXPLAIN run), and reads settings through SELECT instead", async () => {
    const error = await refusal("SHOW default_transaction_read_only");
    expect(error.code).toBe("statement_not_allowed");
    expect(error.message).toBe("SHOW is not allowed: only SELECT, WITH … SELECT and EXPLAIN run against the database.");
    const out = await query({ sql: "SELECT current_setting('transaction_read_only') AS read_only" });
    expect(out.table).toEqual({ columns: ["read_only"], rows: [{ read_only: "on" }] });
  });

  it("runs CTEs and window functions", async () => {
    const out = await query({
      sql: `WITH monthly AS (SELECT date_trunc('month', ordered_at) AS month, count(*) AS n FROM orders GROUP BY 1)
            SELECT month, n, sum(n) OVER (ORDER BY month) AS running, rank() OVER (ORDER BY n DESC) AS busiest FROM monthly ORDER BY month`,
    });
    expect(out.rowCount).toBe(12);
    expect(out.table.rows.at(-1)).toMatchObject({ running: 600 });
    expect(out.table.rows.map((r) => r.busiest)).toContain(1);
  });

  it("runs EXPLAIN and EXPLAIN ANALYZE of a query and returns the plan as rows", async () => {
    const plan = await query({ sql: "EXPLAIN SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id" });
    expect(plan.table.columns).toEqual(["QUERY PLAN"]);
    expect(plan.table.rows.map((r) => r["QUERY PLAN"]).join("\n")).toMatch(/Join/);
    const analyzed = await query({ sql: "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM orders" });
    const [json] = analyzed.table.rows[0]["QUERY PLAN"] as Array<{ Plan: { "Actual Rows": number } }>;
    expect(json.Plan["Actual Rows"]).toBe(1);
  });

  it("holds EXPLAIN ANALYZE to the cost ceiling, since it runs its query; a plain EXPLAIN only plans", async () => {
    const huge = "SELECT count(*) FROM order_items a, order_items b, order_items c";
    expect((await refusal(`EXPLAIN ANALYZE ${huge}`)).code).toBe("query_too_expensive");
    expect((await query({ sql: `EXPLAIN ${huge}` })).rowCount).toBeGreaterThan(0);
  });

  it("points a Postgres error into the caller's SQL past a leading comment", async () => {
    const error = await refusal("-- which name?\nSELECT nme FROM customers;");
    expect(error.code).toBe("sql_error");
    expect(error.details).toMatchObject({ sqlState: "42703", position: 23 });
    expect(error.message).toContain('at character 23, line 2, near "nme FROM customers;"');
  });

  it("hands the step's time limit to Postgres as the statement timeout", async () => {
    const sql = "SELECT current_setting('statement_timeout') AS t, current_setting('temp_file_limit') AS space";
    const out = await runAction(queryAction, { sql }, { ...makeTestCtx(), timeoutMs: 5_000 });
    const { t, space } = out.table.rows[0] as { t: string; space: string };
    const ms = /^(\d+)ms$/.test(t) ? Number(t.slice(0, -2)) : Number(t.replace(/s$/, "")) * 1000;
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThanOrEqual(5_000);
    expect(space).toBe("64MB");
  });

  it("answers an aborted step at once and runs nothing for it", async () => {
    const reason = new Error("the step was cancelled");
    const aborted = runAction(queryAction, { sql: "SELECT count(*) FROM orders" }, makeTestCtx({ signal: AbortSignal.abort(reason) }));
    await expect(aborted).rejects.toBe(reason);
  });

  it("answers an abort while the database is busy with other work, without waiting for it", async () => {
    const db = await getSampleShopDb();
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holder = db.transaction(async () => {
      entered();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await inside;
    try {
      const ac = new AbortController();
      const pending = runAction(queryAction, { sql: "SELECT count(*) FROM orders" }, makeTestCtx({ signal: ac.signal }));
      // let the query reach the database's queue (event-loop turns, not the clock)
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      const reason = new Error("step timed out");
      ac.abort(reason);
      await expect(pending).rejects.toBe(reason);
    } finally {
      release();
      await holder;
    }
    // the queued transaction saw the abort, ran nothing and rolled back: the database is free
    expect((await query({ sql: "SELECT count(*) AS n FROM orders" })).table.rows).toEqual([{ n: 600 }]);
  });
});

/** The statements of the incident (issue 12) and their disguises. */
const PROBES: Array<[string, string, RegExp]> = [
  ["COPY (SELECT 1) TO PROGRAM 'true'", "statement_not_allowed", /^COPY is not allowed: only SELECT, WITH … SELECT and EXPLAIN run against the database\.$/],
  ["WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r", "query_refused", /^WITH RECURSIVE is not allowed: a recursion that never ends/],
  ["WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d", "read_only_violation", /^DELETE inside WITH is not allowed/],
  ["SELECT 1; DROP TABLE x", "multiple_statements", /^Only one SQL statement can run at a time, got 2 \(SELECT, DROP TABLE\)/],
  ["SELECT pg_sleep(100)", "query_refused", /^pg_sleep\(\) is not allowed \(at character 8\): it waits on purpose/],
  ["SELECT * INTO t FROM orders", "read_only_violation", /^SELECT … INTO is not allowed \(at character 15\): it creates a table/],
  ["SELECT * FROM orders WHERE id = 1 FOR UPDATE", "read_only_violation", /^SELECT … FOR UPDATE is not allowed: row locks/],
  ["/* SELECT */ COPY orders TO PROGRAM 'true'", "statement_not_allowed", /^COPY is not allowed/],
  ["-- SELECT\nDELETE FROM orders", "read_only_violation", /^DELETE is not allowed/],
  ["SELECT $$;$$; COPY (SELECT 1) TO PROGRAM 'true'", "multiple_statements", /got 2 \(SELECT, COPY\)/],
  ["SELECT $q$ $q$, pg_sleep(100)", "query_refused", /^pg_sleep\(\) is not allowed/],
  ["EXPLAIN ANALYZE DELETE FROM orders", "read_only_violation", /^EXPLAIN ANALYZE DELETE is not allowed/],
  ["SELECT set_config('statement_timeout', '0', true)", "query_refused", /^set_config\(\) is not allowed/],
];

describe("sql.query and the incident's probes", () => {
  it.each(PROBES)("refuses %s by the gate, with its reason", async (sql, code, message) => {
    const error = await refusal(sql);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.details).toMatchObject({ rule: expect.any(String) });
  });

  it("keeps answering after the COPY that froze the server", async () => {
    await refusal("COPY (SELECT 1) TO PROGRAM 'true'");
    expect((await query({ sql: "SELECT 1 AS ok" })).table.rows).toEqual([{ ok: 1 }]);
  });

  it("executes none of them: no database is even opened for them", async () => {
    await closeSampleShopDb();
    const before = sampleShopTiming();
    for (const [sql] of PROBES) await refusal(sql);
    // every sample database that starts records a new timing; none did
    expect(sampleShopTiming()).toBe(before);
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
