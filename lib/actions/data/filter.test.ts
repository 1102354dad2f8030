import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { filterAction } from "./filter";
import { salesTable } from "../../../tests/support/sample-tables";

const sales = salesTable();
const run = (raw: object) => runAction(filterAction, { table: sales, ...raw });

describe("data.filter", () => {
  it("combines conditions with AND by default", async () => {
    const out = await run({
      conditions: [
        { column: "region", op: "eq", value: "North" },
        { column: "revenue", op: "gt", value: 500 },
      ],
    });
    const expected = sales.rows.filter((r) => r.region === "North" && Number(r.revenue) > 500);
    expect(expected.length).toBeGreaterThan(0);
    expect(out.table.rows).toEqual(expected);
    expect(out.rowCount).toBe(expected.length);
    expect(out.table.columns).toEqual(sales.columns);
  });

  it("supports any-match, in, ne, gte/lte on dates, contains", async () => {
    const any = await run({ match: "any", conditions: [{ column: "units", op: "gte", value: 20 }, { column: "category", op: "eq", value: "Furniture" }] });
    expect(any.rowCount).toBe(sales.rows.filter((r) => Number(r.units) >= 20 || r.category === "Furniture").length);

    const inList = await run({ conditions: [{ column: "region", op: "in", value: ["East", "West"] }] });
    expect(inList.rowCount).toBe(sales.rows.filter((r) => r.region === "East" || r.region === "West").length);

    const notNorth = await run({ conditions: [{ column: "region", op: "ne", value: "North" }] });
    expect(notNorth.rowCount).toBe(sales.rows.filter((r) => r.region !== "North").length);

    const q1 = await run({ conditions: [{ column: "date", op: "gte", value: "2025-01-01" }, { column: "date", op: "lte", value: "2025-03-31" }] });
    expect(q1.rowCount).toBe(sales.rows.filter((r) => String(r.date) <= "2025-03-31").length);
    expect(q1.rowCount).toBeGreaterThan(50);

    const monitors = await run({ conditions: [{ column: "product", op: "contains", value: "MONITOR" }] });
    expect(monitors.rowCount).toBe(sales.rows.filter((r) => String(r.product).includes("Monitor")).length);
    const strict = await run({ conditions: [{ column: "product", op: "contains", value: "MONITOR", caseSensitive: true }] });
    expect(strict.rowCount).toBe(0);
  });

  it("compares numbers given as text numerically", async () => {
    const out = await run({ conditions: [{ column: "units", op: "eq", value: "3" }] });
    expect(out.rowCount).toBe(sales.rows.filter((r) => r.units === 3).length);
    const lt = await run({ conditions: [{ column: "unit_price", op: "lt", value: "10" }] });
    expect(lt.rowCount).toBe(sales.rows.filter((r) => Number(r.unit_price) < 10).length);
  });

  it("tests for empty cells", async () => {
    const table = { columns: ["a"], rows: [{ a: 1 }, { a: null }, {}] };
    const nulls = await runAction(filterAction, { table, conditions: [{ column: "a", op: "is_null" }] });
    expect(nulls.rowCount).toBe(2);
    const gt = await runAction(filterAction, { table, conditions: [{ column: "a", op: "gt", value: 0 }] });
    expect(gt.rowCount).toBe(1);
  });

  it("explains unknown columns and malformed conditions", async () => {
    await expect(run({ conditions: [{ column: "regoin", op: "eq", value: "North" }] })).rejects.toThrow(/Unknown column "regoin".*region/);
    await expect(run({ conditions: [{ column: "region", op: "in", value: "North" }] })).rejects.toThrow(/needs a list/);
    await expect(run({ conditions: [{ column: "region", op: "eq" }] })).rejects.toThrow(/needs a single value/);
  });
});
