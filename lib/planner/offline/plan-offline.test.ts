import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { printBinding } from "@/lib/core/binding-text";
import { validatePlan } from "@/lib/core/validate-plan";
import { builtinRegistry } from "../../../tests/support/planner-catalogs";
import { runPlan } from "../../../tests/support/run-plan";
import { planOffline } from "./plan-offline";

const shape = (goal: string, flows?: string[]) => {
  const { plan } = planOffline({ goal, flows }, builtinRegistry().catalog.forFlows(flows));
  return { plan, steps: plan.steps.map((s) => `${s.action}(${Object.entries(s.inputs).map(([k, b]) => `${k}=${JSON.stringify(printBinding(b))}`).join(", ")})`) };
};

describe("the offline planner on the built-in catalog", () => {
  it("plans the sales report end to end, and the plan runs", async () => {
    const { plan, steps } = shape("load the sample sales CSV, total revenue by region, chart it and write a report");
    expect(steps).toEqual([
      'data.load_csv(path="sales.csv", source="sample")',
      'data.group_aggregate(table="${steps.load_csv.output.table}", aggregates=[{"fn":"sum","column":"revenue","as":"total_revenue"}], groupBy=["region"])',
      'data.chart_svg(table="${steps.group_aggregate.output.table}", kind="bar", x="region", y="total_revenue")',
      'text.markdown_report(title="Total revenue by region", body1="${steps.chart_svg.output.svg}")',
      'files.write(path="out/report.md", content="${steps.markdown_report.output.markdown}")',
    ]);
    expect(plan.inputs).toEqual([]);
    expect(validatePlan(plan, builtinRegistry().catalog).issues).toEqual([]);
    const dir = await mkdtemp(path.join(os.tmpdir(), "trellis-plan-"));
    try {
      const run = await runPlan(plan, builtinRegistry(), { workspaceDir: dir });
      const totals = run.steps.group_aggregate as { table: { rows: { region: string; total_revenue: number }[] } };
      expect(totals.table.rows.map((r) => r.region).sort()).toEqual(["East", "North", "South", "West"]);
      expect(totals.table.rows.every((r) => r.total_revenue > 0)).toBe(true);
      const report = await readFile(path.join(dir, "out", "report.md"), "utf8");
      expect(report).toMatch(/^# /);
      expect(report).toContain("data:image/svg+xml;base64,");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("plans the same report when only the flows it needs are offered", () => {
    expect(shape("Load the sample sales CSV, total revenue by region, chart it and write a report", ["data", "text", "files"]).plan.steps.map((s) => s.action)).toEqual([
      "data.load_csv",
      "data.group_aggregate",
      "data.chart_svg",
      "text.markdown_report",
      "files.write",
    ]);
  });

  it("filters by a named value, sorts, and saves to the file the goal names; the plan runs", async () => {
    const { plan, steps } = shape("Load the sample sales CSV, keep only the North region, sort by revenue descending and save it as north.csv");
    expect(steps).toEqual([
      'data.load_csv(path="sales.csv", source="sample")',
      'data.filter(table="${steps.load_csv.output.table}", conditions=[{"column":"region","op":"eq","value":"North"}])',
      'data.sort(table="${steps.filter.output.table}", by=[{"column":"revenue","direction":"desc"}])',
      'data.write_file(table="${steps.sort.output.table}", path="north.csv", format="csv")',
    ]);
    const dir = await mkdtemp(path.join(os.tmpdir(), "trellis-plan-"));
    try {
      await runPlan(plan, builtinRegistry(), { workspaceDir: dir });
      const csv = (await readFile(path.join(dir, "north.csv"), "utf8")).trim().split(/\r?\n/);
      expect(csv.length).toBeGreaterThan(10);
      expect(csv.slice(1).every((line) => line.includes(",North,"))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("chains web actions and takes numbers the goal states", () => {
    expect(shape("Fetch https://example.com/blog, turn the HTML into text and summarize it in 50 words").steps).toEqual([
      'web.fetch(url="https://example.com/blog")',
      'web.html_to_text(html="${steps.fetch.output.body}")',
      'text.summarize(text="${steps.html_to_text.output.text}", maxWords=50)',
    ]);
  });

  it("uses documented names the goal mentions and quoted text", () => {
    expect(shape("List the tables of the shop database and describe the orders table").steps).toEqual(["sql.list_tables()", 'sql.describe_table(table="orders")']);
    expect(shape("Summarize this text: 'Trellis plans typed DAGs.'").steps).toEqual(['text.summarize(text="Trellis plans typed DAGs.")']);
  });

  it("asks for what the goal does not say instead of inventing it", () => {
    const { plan } = shape("Fetch the page and extract its links", ["web"]);
    expect(plan.steps.map((s) => s.action)).toEqual(["web.fetch", "web.extract_links"]);
    expect(plan.inputs.map((i) => i.name)).toEqual(["url"]);
    expect(plan.steps[0].inputs.url).toEqual({ kind: "input", name: "url" });
  });

  it("keeps an earlier plan and chains the new goal onto it", () => {
    const base = shape("Load the sample sales CSV").plan;
    const { plan } = planOffline({ goal: "total revenue by region and chart it", basePlan: base }, builtinRegistry().catalog);
    expect(plan.steps.map((s) => s.id)).toEqual(["load_csv", "group_aggregate", "chart_svg"]);
    expect(plan.steps[1].inputs.table).toEqual({ kind: "step", step: "load_csv", path: ["table"] });
  });

  it("respects constraints and given values", () => {
    const avoid = planOffline({ goal: "Fetch https://example.com and turn the HTML into text", avoidActions: ["web.html_to_text"] }, builtinRegistry().catalog).plan;
    expect(avoid.steps.map((s) => s.action)).not.toContain("web.html_to_text");
    const given = planOffline({ goal: "Fetch the page", inputs: { url: "https://example.org" } }, builtinRegistry().catalog.forFlows(["web"])).plan;
    expect(given.inputs).toEqual([expect.objectContaining({ name: "url", default: "https://example.org" })]);
  });

  it("is deterministic", () => {
    const goal = "Load the sample sales CSV, total revenue by region, chart it and write a report";
    expect(JSON.stringify(shape(goal).plan)).toBe(JSON.stringify(shape(goal).plan));
  });
});
