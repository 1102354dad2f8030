import { afterAll, describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { describeTableAction } from "./describe-table";
import { closeSampleShopDb } from "./sample-shop";
import { runAction } from "../../../tests/support/llm-action-context";

afterAll(() => closeSampleShopDb());

describe("sql.describe_table", () => {
  it("describes columns, keys and foreign keys", async () => {
    const out = await runAction(describeTableAction, { table: "Order_Items" });
    expect(out.table).toBe("order_items");
    expect(out.primaryKey).toEqual(["id"]);
    expect(out.columns.map((c) => c.name)).toEqual(["id", "order_id", "product_id", "quantity", "unit_price"]);
    const price = out.columns.find((c) => c.name === "unit_price");
    expect(price).toMatchObject({ type: "numeric(10,2)", nullable: false, primaryKey: false, references: null });
    expect(out.columns.find((c) => c.name === "order_id")?.references).toEqual({ table: "orders", column: "id" });
    expect(out.foreignKeys).toEqual(
      expect.arrayContaining([
        { columns: ["order_id"], references: { table: "orders", columns: ["id"] } },
        { columns: ["product_id"], references: { table: "products", columns: ["id"] } },
      ]),
    );
  });

  it("shows nullable columns", async () => {
    const out = await runAction(describeTableAction, { table: "public.customers" });
    expect(out.columns.find((c) => c.name === "city")?.nullable).toBe(true);
    expect(out.rowCount).toBe(100);
  });

  it("fails on an unknown table with the list of tables", async () => {
    const error = await runAction(describeTableAction, { table: "invoices" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ code: "unknown_table" });
    expect((error as Error).message).toContain("categories, customers, order_items, orders, products");
  });
});
