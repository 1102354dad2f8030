import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { columnStatsAction } from "./column-stats";
import { customersTable, salesTable } from "../../../tests/support/sample-tables";

const sales = salesTable();

describe("data.column_stats", () => {
  it("describes numeric, text and date columns of the sales sample", async () => {
    const out = await runAction(columnStatsAction, { table: sales });
    expect(out.stats.map((s) => s.column)).toEqual(sales.columns);
    const revenue = out.stats.find((s) => s.column === "revenue")!;
    const values = sales.rows.map((r) => Number(r.revenue)).sort((a, b) => a - b);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    expect(revenue).toMatchObject({ type: "number", count: 500, nulls: 0, min: values[0], max: values[499] });
    expect(revenue.mean).toBeCloseTo(mean, 6);
    expect(revenue.median).toBeCloseTo((values[249] + values[250]) / 2, 6);
    expect(revenue.stddev).toBeCloseTo(sd, 6);

    const region = out.stats.find((s) => s.column === "region")!;
    expect(region).toMatchObject({ type: "string", distinct: 4, min: "East", max: "West", mean: null, median: null, stddev: null });
    const date = out.stats.find((s) => s.column === "date")!;
    expect(date.type).toBe("date");
    expect(String(date.min) < String(date.max)).toBe(true);

    expect(out.table.columns).toEqual(["column", "type", "count", "nulls", "distinct", "min", "max", "mean", "median", "stddev"]);
    expect(out.table.rows).toHaveLength(sales.columns.length);
  });

  it("counts nulls and booleans in the customers sample, for chosen columns", async () => {
    const customers = customersTable();
    const out = await runAction(columnStatsAction, { table: customers, columns: ["city", "active"] });
    const city = out.stats[0];
    const missing = customers.rows.filter((r) => r.city === null).length;
    expect(missing).toBeGreaterThan(0);
    expect(city).toMatchObject({ column: "city", count: 100 - missing, nulls: missing });
    expect(out.stats[1]).toMatchObject({ column: "active", type: "boolean", distinct: 2, min: false, max: true });
  });

  it("handles empty and single-value columns", async () => {
    const out = await runAction(columnStatsAction, { table: { columns: ["e", "one"], rows: [{ e: null, one: 5 }] } });
    expect(out.stats[0]).toMatchObject({ type: "empty", count: 0, nulls: 1, min: null, max: null });
    expect(out.stats[1]).toMatchObject({ type: "number", mean: 5, median: 5, stddev: null });
  });
});
