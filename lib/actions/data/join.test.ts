import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { joinAction } from "./join";
import { customersTable, salesTable } from "../../../tests/support/sample-tables";

const sales = salesTable();
const customers = customersTable();

describe("data.join", () => {
  it("joins the sales and customer samples on customer_id", async () => {
    const out = await runAction(joinAction, { left: sales, right: customers, on: ["customer_id"] });
    expect(out.rowCount).toBe(500);
    // region exists on both sides, so the customer's copy is suffixed
    expect(out.table.columns).toEqual([...sales.columns, "name", "email", "city", "region_right", "segment", "signup_date", "active", "lifetime_value"]);
    for (const row of out.table.rows.slice(0, 50)) {
      const c = customers.rows.find((r) => r.customer_id === row.customer_id)!;
      expect(row.name).toBe(c.name);
      expect(row.region_right).toBe(row.region);
    }
  });

  const left = { columns: ["id", "v"], rows: [{ id: 1, v: "a" }, { id: 2, v: "b" }, { id: null, v: "c" }, { id: 3, v: "d" }] };
  const right = { columns: ["key", "w"], rows: [{ key: "1", w: "x" }, { key: "3", w: "y" }, { key: "3", w: "z" }, { key: null, w: "n" }] };

  it("does inner joins with differently named keys, matching 1 and \"1\", duplicating on many matches", async () => {
    const out = await runAction(joinAction, { left, right, on: ["id"], rightOn: ["key"] });
    expect(out.table.columns).toEqual(["id", "v", "w"]);
    expect(out.table.rows).toEqual([
      { id: 1, v: "a", w: "x" },
      { id: 3, v: "d", w: "y" },
      { id: 3, v: "d", w: "z" },
    ]);
  });

  it("keeps unmatched left rows in a left join, and null keys never match", async () => {
    const out = await runAction(joinAction, { left, right, on: ["id"], rightOn: ["key"], how: "left" });
    expect(out.table.rows.map((r) => [r.v, r.w])).toEqual([
      ["a", "x"],
      ["b", null],
      ["c", null],
      ["d", "y"],
      ["d", "z"],
    ]);
  });

  it("joins on several keys", async () => {
    const a = { columns: ["y", "m", "x"], rows: [{ y: 2025, m: 1, x: 10 }, { y: 2025, m: 2, x: 20 }] };
    const b = { columns: ["y", "m", "t"], rows: [{ y: 2025, m: 2, t: "feb" }] };
    const out = await runAction(joinAction, { left: a, right: b, on: ["y", "m"] });
    expect(out.table.rows).toEqual([{ y: 2025, m: 2, x: 20, t: "feb" }]);
  });

  it("checks the key lists", async () => {
    await expect(runAction(joinAction, { left, right, on: ["id"] })).rejects.toThrow(/Unknown right key column "id"/);
    await expect(runAction(joinAction, { left, right, on: ["id"], rightOn: ["key", "w"] })).rejects.toMatchObject({ code: "invalid_join_keys" });
  });
});
