import { describe, expect, it } from "vitest";
import { builtinRegistry } from "../../../tests/support/planner-catalogs";
import { fillTableSlot, groupingColumns, type TableContext } from "./table-slots";

const names = ["order_id", "date", "region", "product", "category", "units", "unit_price", "revenue"];
const table: TableContext = { columns: names.map((name) => ({ name, values: name === "region" ? ["North", "South", "East", "West"] : [] })), groupColumns: [], measureColumns: [] };
const conditions = () => {
  const spec = builtinRegistry().catalog.get("data.filter")!;
  return (spec.input.properties as Record<string, Record<string, unknown>>).conditions;
};

describe("column-shaped inputs from a clause's words", () => {
  it("reads a column compared with a number as a condition, and a named value as equality", () => {
    expect(fillTableSlot("conditions", conditions(), "keep orders with revenue over 1000", table)).toEqual([{ column: "revenue", op: "gt", value: 1000 }]);
    expect(fillTableSlot("conditions", conditions(), "rows where units is at least 5", table)).toEqual([{ column: "units", op: "gte", value: 5 }]);
    expect(fillTableSlot("conditions", conditions(), "revenue below 2,500.50", table)).toEqual([{ column: "revenue", op: "lt", value: 2500.5 }]);
    expect(fillTableSlot("conditions", conditions(), "West rows with units no more than 3", table)).toEqual([{ column: "region", op: "eq", value: "West" }, { column: "units", op: "lte", value: 3 }]);
    // A number that no column is compared with is not a condition.
    expect(fillTableSlot("conditions", conditions(), "keep 1000 rows", table)).toBeUndefined();
  });

  it("in a ranking, groups by what is ranked, not by what it is ranked by", () => {
    expect(groupingColumns("the top 5 products by units sold", table.columns)).toEqual(["product"]);
    expect(groupingColumns("the lowest regions by revenue", table.columns)).toEqual(["region"]);
    expect(groupingColumns("revenue by product", table.columns)).toEqual(["product"]);
    expect(groupingColumns("units per category by region", table.columns)).toEqual(["category", "region"]);
  });
});
