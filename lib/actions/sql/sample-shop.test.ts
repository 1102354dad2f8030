import { afterAll, describe, expect, it } from "vitest";
import { listTablesAction } from "./list-tables";
import { closeSampleShopDb, getSampleShopDb, sampleShopTiming } from "./sample-shop";
import { generateShopData } from "./shop-data";
import { runAction } from "../../../tests/support/llm-action-context";

afterAll(() => closeSampleShopDb());

describe("sample shop database", () => {
  it("is generated deterministically", () => {
    expect(generateShopData()).toEqual(generateShopData());
    expect(generateShopData(7)).not.toEqual(generateShopData());
  });

  it("is seeded once per process and shared", async () => {
    const started = performance.now();
    const [a, b] = await Promise.all([getSampleShopDb(), getSampleShopDb()]);
    expect(a).toBe(b);
    const timing = sampleShopTiming();
    console.info(`sample shop: PGlite boot ${timing?.bootMs} ms, seeding ${timing?.seedMs} ms (first get ${Math.round(performance.now() - started)} ms)`);
    // seeding is a handful of batched statements; it must stay well under a second
    expect(timing?.seedMs).toBeLessThan(3_000);
  });

  it("lists the tables with their row counts", async () => {
    const out = await runAction(listTablesAction, {});
    const counts = Object.fromEntries(out.tables.map((t) => [t.name, t.rowCount]));
    expect(counts).toEqual({ categories: 8, customers: 100, order_items: expect.any(Number), orders: 600, products: 40 });
    expect(counts.order_items).toBeGreaterThan(1300);
    expect(counts.order_items).toBeLessThan(1700);
    expect(out.tables.find((t) => t.name === "orders")?.comment).toMatch(/2025/);
  });

  it("has coherent data: orders in 2025, after signup, with items", async () => {
    const db = await getSampleShopDb();
    const res = await db.query<{ before_2025: number; before_signup: number; empty_orders: number }>(`
      SELECT
        (SELECT count(*)::int FROM orders WHERE ordered_at < '2025-01-01' OR ordered_at >= '2026-01-01') AS before_2025,
        (SELECT count(*)::int FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.ordered_at::date < c.signed_up_on) AS before_signup,
        (SELECT count(*)::int FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)) AS empty_orders`);
    expect(res.rows[0]).toEqual({ before_2025: 0, before_signup: 0, empty_orders: 0 });
  });

  it("can be closed and comes back fresh", async () => {
    const first = await getSampleShopDb();
    await closeSampleShopDb();
    expect(first.closed).toBe(true);
    const second = await getSampleShopDb();
    expect(second).not.toBe(first);
    expect((await second.query<{ n: number }>("SELECT count(*)::int AS n FROM orders")).rows[0].n).toBe(600);
  });
});
