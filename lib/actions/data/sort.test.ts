import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { sortAction } from "./sort";
import { salesTable } from "../../../tests/support/sample-tables";

const sales = salesTable();

describe("data.sort", () => {
  it("sorts by several keys, asc and desc", async () => {
    const out = await runAction(sortAction, {
      table: sales,
      by: [{ column: "region" }, { column: "revenue", direction: "desc" }],
    });
    expect(out.rowCount).toBe(500);
    const rows = out.table.rows;
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1];
      const b = rows[i];
      const byRegion = String(a.region).localeCompare(String(b.region));
      expect(byRegion).toBeLessThanOrEqual(0);
      if (byRegion === 0) expect(Number(a.revenue)).toBeGreaterThanOrEqual(Number(b.revenue));
    }
    expect(rows[0].region).toBe("East");
  });

  it("keeps a top-N with limit", async () => {
    const out = await runAction(sortAction, { table: sales, by: [{ column: "revenue", direction: "desc" }], limit: 5 });
    const top = [...sales.rows].map((r) => Number(r.revenue)).sort((a, b) => b - a).slice(0, 5);
    expect(out.table.rows.map((r) => r.revenue)).toEqual(top);
  });

  it("sorts naturally, puts empty cells last and is stable", async () => {
    const table = {
      columns: ["k", "i"],
      rows: [{ k: "item10", i: 1 }, { k: null, i: 2 }, { k: "item2", i: 3 }, { k: "item2", i: 4 }, { k: 5, i: 5 }],
    };
    const asc = await runAction(sortAction, { table, by: [{ column: "k" }] });
    expect(asc.table.rows.map((r) => r.i)).toEqual([5, 3, 4, 1, 2]);
    const desc = await runAction(sortAction, { table, by: [{ column: "k", direction: "desc" }] });
    expect(desc.table.rows.map((r) => r.i)).toEqual([1, 3, 4, 5, 2]);
  });

  it("rejects unknown columns", async () => {
    await expect(runAction(sortAction, { table: sales, by: [{ column: "price" }] })).rejects.toMatchObject({ code: "unknown_column" });
  });
});
