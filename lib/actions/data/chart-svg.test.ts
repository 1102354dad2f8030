import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runAction, testContext } from "../../../tests/support/action-context";
import { writeFileAction } from "../files/write";
import { chartSvgAction } from "./chart-svg";
import { niceTicks } from "./chart-scale";
import { groupAggregateAction } from "./group-aggregate";
import { salesTable } from "../../../tests/support/sample-tables";

/** A strict XML well-formedness check: balanced tags, quoted attributes, only the five entities. */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  let roots = 0;
  while ((m = token.exec(xml))) {
    if (m[6]) throw new Error(`stray "<" at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    if (m[5] !== undefined) {
      const bad = /&(?!(?:amp|lt|gt|quot|apos);)/.exec(m[5]);
      if (bad) throw new Error(`bare "&" in text: ${m[5]}`);
      if (stack.length === 0 && m[5].trim()) throw new Error("text outside the root element");
      continue;
    }
    const [, close, name, , selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    if (!selfClose) stack.push(name);
  }
  if (stack.length) throw new Error(`unclosed <${stack.join("><")}>`);
  if (roots !== 1) throw new Error(`expected one root element, found ${roots}`);
}

async function revenueByRegion() {
  const grouped = await runAction(groupAggregateAction, {
    table: salesTable(),
    groupBy: ["region"],
    aggregates: [{ fn: "sum", column: "revenue", as: "revenue" }, { fn: "sum", column: "units", as: "units" }],
  });
  return grouped.table;
}

describe("data.chart_svg", () => {
  it("draws a valid standalone bar chart with title, axes, labels and one bar per row", async () => {
    const table = await revenueByRegion();
    const out = await runAction(chartSvgAction, { table, kind: "bar", x: "region", y: "revenue", title: "Revenue by region" });
    assertWellFormedXml(out.svg);
    expect(out.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(out.svg).toContain("<title id=\"chart-title\">Revenue by region</title>");
    for (const region of ["North", "South", "East", "West"]) expect(out.svg).toContain(`>${region}</text>`);
    expect(out.svg.match(/<rect [^>]*><title>/g)).toHaveLength(4);
    expect(out.svg).toContain('class="y-axis"');
    expect(out.svg).toContain('class="x-axis"');
    expect(out).toMatchObject({ width: 720, height: 420, points: 4, series: ["revenue"] });
  });

  it("draws a multi-series line chart with a legend, gaps for nulls", async () => {
    const monthly = await runAction(groupAggregateAction, {
      table: { columns: ["month", "revenue", "units"], rows: salesTable().rows.map((r) => ({ month: String(r.date).slice(0, 7), revenue: r.revenue, units: r.units })) },
      groupBy: ["month"],
      aggregates: [{ fn: "sum", column: "revenue", as: "revenue" }, { fn: "sum", column: "units", as: "units" }],
    });
    expect(monthly.rowCount).toBe(12);
    monthly.table.rows[5].units = null;
    const out = await runAction(chartSvgAction, { table: monthly.table, kind: "line", x: "month", y: ["revenue", "units"] });
    assertWellFormedXml(out.svg);
    expect(out.svg).toContain('class="legend"');
    const paths = out.svg.match(/<path d="([^"]+)"/g)!;
    expect(paths).toHaveLength(2);
    // the units line restarts (a second M) after the missing month
    expect((paths[1].match(/M/g) ?? []).length).toBe(2);
    expect(out.svg).toContain(">2025-01</text>");
  });

  it("escapes text so hostile labels cannot break the SVG", async () => {
    const table = { columns: ["name", "v"], rows: [{ name: '<script>alert("x")</script> & co', v: 3 }, { name: "B", v: -2 }] };
    const out = await runAction(chartSvgAction, { table, kind: "bar", x: "name", y: "v", title: "A < B & \"C\"" });
    assertWellFormedXml(out.svg);
    expect(out.svg).not.toContain("<script>");
    expect(out.svg).toContain("&lt;script&gt;");
    expect(out.svg).toContain("A &lt; B &amp; &quot;C&quot;");
  });

  it("can be saved as an .svg file", async () => {
    const ws = await mkdtemp(path.join(os.tmpdir(), "trellis-chart-"));
    try {
      const chart = await runAction(chartSvgAction, { table: await revenueByRegion(), kind: "bar", x: "region", y: ["revenue", "units"] });
      const ctx = testContext({ workspaceDir: ws });
      await runAction(writeFileAction, { path: "charts/revenue.svg", content: chart.svg }, ctx);
      expect(await readFile(path.join(ws, "charts/revenue.svg"), "utf8")).toBe(chart.svg);
    } finally {
      await rm(ws, { recursive: true, force: true });
    }
  });

  it("refuses non-numeric y values and empty tables", async () => {
    const sales = salesTable();
    await expect(runAction(chartSvgAction, { table: sales, kind: "bar", x: "order_id", y: "region" })).rejects.toMatchObject({ code: "not_numeric" });
    await expect(runAction(chartSvgAction, { table: { columns: ["a", "b"], rows: [] }, kind: "line", x: "a", y: "b" })).rejects.toMatchObject({
      code: "empty_table",
    });
  });
});

describe("niceTicks", () => {
  it("covers the range with round steps", () => {
    expect(niceTicks(0, 97)).toMatchObject({ min: 0, max: 100, step: 20 });
    expect(niceTicks(-3, 12, 5).values).toEqual([-5, 0, 5, 10, 15]);
    expect(niceTicks(5, 5).values.length).toBeGreaterThan(1);
  });
});
