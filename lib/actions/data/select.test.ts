import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { selectAction } from "./select";
import { salesTable } from "../../../tests/support/sample-tables";

const sales = salesTable();

describe("data.select", () => {
  it("keeps, reorders and renames columns", async () => {
    const out = await runAction(selectAction, { table: sales, columns: ["revenue", "region"], rename: { revenue: "Revenue (USD)" } });
    expect(out.table.columns).toEqual(["Revenue (USD)", "region"]);
    expect(out.table.rows[0]).toEqual({ "Revenue (USD)": sales.rows[0].revenue, region: sales.rows[0].region });
    expect(out.rowCount).toBe(500);
  });

  it("drops excluded columns and keeps the rest in order", async () => {
    const out = await runAction(selectAction, { table: sales, exclude: ["order_id", "customer_id"] });
    expect(out.table.columns).toEqual(["date", "region", "product", "category", "units", "unit_price", "revenue"]);
    expect(Object.keys(out.table.rows[10])).toEqual(out.table.columns);
  });

  it("refuses unknown columns and name clashes", async () => {
    await expect(runAction(selectAction, { table: sales, columns: ["nope"] })).rejects.toMatchObject({ code: "unknown_column" });
    await expect(runAction(selectAction, { table: sales, columns: ["units", "revenue"], rename: { units: "revenue" } })).rejects.toMatchObject({
      code: "duplicate_column",
    });
  });
});
