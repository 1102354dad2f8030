import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { groupAggregateAction } from "./group-aggregate";
import { salesTable } from "../../../tests/support/sample-tables";

const sales = salesTable();

describe("data.group_aggregate", () => {
  it("computes every aggregate per group, matching a hand computation", async () => {
    const out = await runAction(groupAggregateAction, {
      table: sales,
      groupBy: ["region"],
      aggregates: [
        { fn: "sum", column: "revenue", as: "total" },
        { fn: "avg", column: "units" },
        { fn: "min", column: "unit_price" },
        { fn: "max", column: "date" },
        { fn: "count" },
        { fn: "count_distinct", column: "customer_id", as: "customers" },
        { fn: "median", column: "revenue" },
      ],
    });
    expect(out.table.columns).toEqual(["region", "total", "avg_units", "min_unit_price", "max_date", "count", "customers", "median_revenue"]);
    expect(out.rowCount).toBe(4);
    expect(out.table.rows[0].region).toBe(sales.rows[0].region);
    for (const row of out.table.rows) {
      const members = sales.rows.filter((r) => r.region === row.region);
      const revenue = members.map((r) => Number(r.revenue)).sort((a, b) => a - b);
      expect(row.total).toBeCloseTo(revenue.reduce((a, b) => a + b, 0), 6);
      expect(row.avg_units).toBeCloseTo(members.reduce((a, r) => a + Number(r.units), 0) / members.length, 6);
      expect(row.min_unit_price).toBe(Math.min(...members.map((r) => Number(r.unit_price))));
      expect(row.max_date).toBe(members.map((r) => String(r.date)).sort().at(-1));
      expect(row.count).toBe(members.length);
      expect(row.customers).toBe(new Set(members.map((r) => r.customer_id)).size);
      const mid = Math.floor(revenue.length / 2);
      expect(row.median_revenue).toBeCloseTo(revenue.length % 2 ? revenue[mid] : (revenue[mid - 1] + revenue[mid]) / 2, 6);
    }
    const totals = out.table.rows.reduce((a, r) => a + Number(r.count), 0);
    expect(totals).toBe(500);
  });

  it("groups by several columns and gives totals with no groupBy", async () => {
    const two = await runAction(groupAggregateAction, { table: sales, groupBy: ["region", "category"], aggregates: [{ fn: "count" }] });
    expect(two.rowCount).toBe(12);
    const total = await runAction(groupAggregateAction, { table: sales, aggregates: [{ fn: "sum", column: "units" }] });
    expect(total.table.rows).toEqual([{ sum_units: sales.rows.reduce((a, r) => a + Number(r.units), 0) }]);
  });

  it("ignores nulls and returns null over no values", async () => {
    const table = { columns: ["g", "v"], rows: [{ g: "a", v: null }, { g: "b", v: 2 }, { g: "b", v: null }] };
    const out = await runAction(groupAggregateAction, {
      table,
      groupBy: ["g"],
      aggregates: [{ fn: "sum", column: "v" }, { fn: "count", column: "v" }, { fn: "count" }],
    });
    expect(out.table.rows).toEqual([
      { g: "a", sum_v: null, count_v: 0, count: 1 },
      { g: "b", sum_v: 2, count_v: 1, count: 2 },
    ]);
  });

  it("refuses to sum text and needs a column for non-count aggregates", async () => {
    await expect(runAction(groupAggregateAction, { table: sales, aggregates: [{ fn: "sum", column: "region" }] })).rejects.toThrow(
      /Cannot sum the column "region"/,
    );
    await expect(runAction(groupAggregateAction, { table: sales, aggregates: [{ fn: "avg" }] })).rejects.toMatchObject({ code: "invalid_aggregate" });
  });
});
