/** A CSV file summarised by a category column: grouped, sorted, charted and written as a report. */
import { defineTemplate } from "../define-template";

const TEXT = { type: "string", minLength: 1 };

export const csvReport = defineTemplate({
  id: "csv-report",
  name: "CSV report",
  description:
    "Loads a CSV file, aggregates a numeric column by a category column, sorts the groups, charts them as bars and writes a Markdown report with the table and the chart. Runs offline.",
  tags: ["data", "report", "chart"],
  params: [
    { name: "source", title: "CSV file", schema: TEXT, default: "sample:sales.csv", description: "A bundled sample (sample:sales.csv), a file in the run's workspace, or an http(s) URL" },
    { name: "group_by", title: "Group by", schema: TEXT, default: "region", bind: "literal", description: "The category column to group rows by" },
    { name: "metric", title: "Metric", schema: TEXT, default: "revenue", bind: "literal", description: "The numeric column to aggregate" },
    { name: "aggregate", title: "Aggregate", schema: { type: "string", enum: ["sum", "avg", "median", "min", "max"] }, default: "sum", bind: "literal", description: "How to combine the metric within a group" },
    { name: "title", title: "Report title", schema: TEXT, default: "Report: {{aggregate}} of {{metric}} by {{group_by}}", bind: "literal", description: "The report's and the chart's title" },
    { name: "report_path", title: "Report file", schema: TEXT, default: "reports/report.md", description: "Where to write the report in the run's workspace" },
  ],
  plan: {
    goal: "The {{aggregate}} of {{metric}} by {{group_by}} in {{source}}, charted and written to a Markdown report",
    flows: ["data", "text", "files"],
    steps: [
      { id: "load", action: "data.load_csv", inputs: { path: "${inputs.source}" } },
      {
        id: "grouped",
        action: "data.group_aggregate",
        label: "{{aggregate}} of {{metric}} by {{group_by}}",
        inputs: { table: "${steps.load.output.table}", groupBy: ["{{group_by}}"], aggregates: [{ fn: "{{aggregate}}", column: "{{metric}}", as: "{{metric}}" }, { fn: "count", as: "rows" }] },
      },
      { id: "sorted", action: "data.sort", inputs: { table: "${steps.grouped.output.table}", by: [{ column: "{{metric}}", direction: "desc" }] } },
      { id: "chart", action: "data.chart_svg", inputs: { table: "${steps.sorted.output.table}", kind: "bar", x: "{{group_by}}", y: "{{metric}}", title: "{{title}}" } },
      { id: "table_md", action: "data.to_markdown", inputs: { table: "${steps.sorted.output.table}" } },
      {
        id: "report",
        action: "text.markdown_report",
        inputs: { title: "{{title}}", heading1: "Totals", body1: "${steps.table_md.output.markdown}", heading2: "Chart", body2: "${steps.chart.output.svg}" },
      },
      { id: "save", action: "files.write", label: "Write the report", inputs: { path: "${inputs.report_path}", content: "${steps.report.output.markdown}", overwrite: true } },
    ],
    outputs: { report: "${steps.report.output.markdown}", file: "${steps.save.output.path}" },
  },
});
