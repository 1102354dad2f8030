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

  it("reads the column a question asks about as the one to group by, and a total before a ranking word", () => {
    expect(groupingColumns("Which region has the highest total revenue", table.columns)).toEqual(["region"]);
    const aggregates = (builtinRegistry().catalog.get("data.group_aggregate")!.input.properties as Record<string, Record<string, unknown>>).aggregates;
    expect(fillTableSlot("aggregates", aggregates, "Which region has the highest total revenue", table)).toEqual([{ fn: "sum", column: "revenue", as: "total_revenue" }]);
    expect(fillTableSlot("aggregates", aggregates, "the highest revenue per region", table)).toEqual([{ fn: "max", column: "revenue", as: "highest_revenue" }]);
  });

  it("reads the columns to remove as the ones to leave out, not to keep", () => {
    const props = builtinRegistry().catalog.get("data.select")!.input.properties as Record<string, Record<string, unknown>>;
    expect(fillTableSlot("exclude", props.exclude, "remove the unit_price column", table)).toEqual(["unit_price"]);
    expect(fillTableSlot("columns", props.columns, "remove the unit_price column", table)).toBeUndefined();
    expect(fillTableSlot("columns", props.columns, "keep only date and revenue", table)).toEqual(["date", "revenue"]);
  });
});
