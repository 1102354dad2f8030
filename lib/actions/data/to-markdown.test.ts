import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { toMarkdownAction } from "./to-markdown";
import { salesTable } from "../../../tests/support/sample-tables";

describe("data.to_markdown", () => {
  it("renders a GFM table with numeric columns right-aligned and escaped cells", async () => {
    const table = {
      columns: ["name", "n", "note"],
      rows: [
        { name: "a|b", n: 1.5, note: "line1\nline2" },
        { name: "c", n: null, note: { k: 1 } },
      ],
    };
    const out = await runAction(toMarkdownAction, { table });
    expect(out.markdown).toBe(
      ["| name | n | note |", "| --- | ---: | --- |", "| a\\|b | 1.5 | line1<br>line2 |", '| c |  | {"k":1} |'].join("\n"),
    );
    expect(out).toMatchObject({ shownRows: 2, totalRows: 2, truncated: false });
  });

  it("caps long tables and says so", async () => {
    const out = await runAction(toMarkdownAction, { table: salesTable(), maxRows: 3 });
    const lines = out.markdown.split("\n");
    expect(lines[0]).toBe("| order_id | date | customer_id | region | product | category | units | unit_price | revenue |");
    expect(lines).toHaveLength(2 + 3 + 2);
    expect(lines.at(-1)).toBe("_Showing 3 of 500 rows._");
    expect(out.truncated).toBe(true);
  });
});
