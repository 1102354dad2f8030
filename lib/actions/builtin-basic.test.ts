import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionSpec, type Action } from "@/lib/core/action";
import { basicActions } from "./builtin-basic";
import { runAction, testContext } from "../../tests/support/action-context";

const actions = basicActions({ httpAllowHosts: ["api.example.com"] });
const byId = new Map(actions.map((a) => [a.id, a]));
const get = (id: string): Action => {
  const a = byId.get(id);
  if (!a) throw new Error(`missing ${id}`);
  return a;
};

/** Every schema node that names properties must describe each of them, recursively. */
function undescribed(schema: unknown, where: string): string[] {
  if (typeof schema !== "object" || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const out: string[] = [];
  if (s.properties && typeof s.properties === "object") {
    for (const [k, v] of Object.entries(s.properties as Record<string, unknown>)) {
      if (typeof (v as { description?: unknown }).description !== "string") out.push(`${where}.${k}`);
      out.push(...undescribed(v, `${where}.${k}`));
    }
  }
  for (const key of ["items", "additionalProperties"]) if (s[key]) out.push(...undescribed(s[key], `${where}[]`));
  for (const key of ["anyOf", "oneOf"]) if (Array.isArray(s[key])) (s[key] as unknown[]).forEach((x) => out.push(...undescribed(x, where)));
  return out;
}

function withoutDescriptions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDescriptions);
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "description").map(([k, v]) => [k, withoutDescriptions(v)]));
}

const prop = (schema: unknown, key: string) => (schema as { properties: Record<string, unknown> }).properties[key];

describe("basicActions", () => {
  it("registers the expected actions, each with a flow and a valid spec", () => {
    expect(actions.map((a) => a.id).sort()).toEqual(
      [
        "data.chart_svg", "data.column_stats", "data.filter", "data.group_aggregate", "data.join", "data.load_csv", "data.load_json", "data.select",
        "data.sort", "data.to_markdown", "data.write_file", "files.list", "files.read", "files.write", "text.count_words", "text.join", "text.markdown_report",
        "text.regex_extract", "text.split", "text.template", "web.extract_links", "web.fetch", "web.html_to_text", "web.http_request",
      ].sort(),
    );
    for (const a of actions) {
      expect(() => ActionSpec.parse(a.spec)).not.toThrow();
      expect(a.spec.flows).toEqual([a.id.split(".")[0]]);
      expect(a.description.length).toBeGreaterThan(120);
      if (a.effect === "write" && a.id !== "web.http_request") expect(a.undo).toBeTypeOf("function");
    }
  });

  it("describes every input and output field", () => {
    const missing = actions.flatMap((a) => [...undescribed(a.spec.input, `${a.id} input`), ...undescribed(a.spec.output, `${a.id} output`)]);
    expect(missing).toEqual([]);
  });

  it("uses one Table schema, so every table output fits every table input", () => {
    const tableOutputs = actions.filter((a) => prop(a.spec.output, "table"));
    const tableInputs = actions.flatMap((a) => ["table", "left", "right"].filter((k) => prop(a.spec.input, k)).map((k) => prop(a.spec.input, k)));
    expect(tableOutputs.length).toBe(9);
    expect(tableInputs.length).toBe(10);
    const reference = withoutDescriptions(prop(tableOutputs[0].spec.output, "table"));
    for (const a of tableOutputs) expect(withoutDescriptions(prop(a.spec.output, "table"))).toEqual(reference);
    for (const s of tableInputs) expect(withoutDescriptions(s)).toEqual(reference);
    // strings flow into the report and file writer
    expect(prop(get("data.chart_svg").spec.output, "svg")).toMatchObject({ type: "string" });
    expect(prop(get("text.markdown_report").spec.input, "body1")).toMatchObject({ type: "string" });
    expect(prop(get("files.write").spec.input, "content")).toMatchObject({ type: "string" });
  });

  it("lists the bundled samples and the allowed hosts in descriptions", () => {
    expect(get("data.load_csv").description).toContain('"sales.csv"');
    expect(get("data.load_json").description).toContain('"customers.json"');
    expect(get("web.fetch").description).toContain("Allowed hosts: api.example.com");
  });
});

describe("a sales report pipeline, run step by step as the engine would", () => {
  let ws: string;
  beforeAll(async () => {
    ws = await mkdtemp(path.join(os.tmpdir(), "trellis-pipeline-"));
  });
  afterAll(() => rm(ws, { recursive: true, force: true }));

  it("loads, joins, filters, groups, sorts, charts and writes a report", async () => {
    const ctx = testContext({ workspaceDir: ws });
    const run = (id: string, input: unknown) => runAction(get(id), input, ctx) as Promise<Record<string, unknown>>;
    const sales = await run("data.load_csv", { source: "sample", path: "sales.csv" });
    const customers = await run("data.load_json", { source: "sample", path: "customers.json" });
    const joined = await run("data.join", { left: sales.table, right: customers.table, on: ["customer_id"], how: "left" });
    const enterprise = await run("data.filter", { table: joined.table, conditions: [{ column: "segment", op: "eq", value: "Enterprise" }] });
    const byCategory = await run("data.group_aggregate", {
      table: enterprise.table,
      groupBy: ["category"],
      aggregates: [{ fn: "sum", column: "revenue", as: "revenue" }, { fn: "count", as: "orders" }],
    });
    const sorted = await run("data.sort", { table: byCategory.table, by: [{ column: "revenue", direction: "desc" }] });
    const chart = await run("data.chart_svg", { table: sorted.table, kind: "bar", x: "category", y: "revenue", title: "Enterprise revenue by category" });
    const md = await run("data.to_markdown", { table: sorted.table });
    const stats = await run("data.column_stats", { table: enterprise.table, columns: ["revenue", "units"] });
    const intro = await run("text.template", {
      template: "{{n}} enterprise orders; median order {{s.0.median}} USD.",
      values: { n: enterprise.rowCount, s: stats.stats },
    });
    const report = await run("text.markdown_report", {
      title: "Enterprise sales 2025",
      intro: intro.text,
      heading1: "Revenue by category",
      body1: chart.svg,
      heading2: "Figures",
      body2: md.markdown,
    });
    const written = await run("files.write", { path: "reports/enterprise.md", content: report.markdown });
    await run("data.write_file", { table: sorted.table, path: "reports/enterprise.csv" });
    const listing = await run("files.list", { path: "reports" });

    expect(Number(enterprise.rowCount)).toBeGreaterThan(20);
    expect((sorted.table as { rows: unknown[] }).rows).toHaveLength(3);
    expect(String(intro.text)).toMatch(/^\d+ enterprise orders; median order [\d.]+ USD\.$/);
    const text = await readFile(path.join(ws, "reports/enterprise.md"), "utf8");
    expect(text).toContain("# Enterprise sales 2025");
    expect(text).toContain("| category | revenue | orders |");
    expect(written.created).toBe(true);
    expect((listing.entries as { path: string }[]).map((e) => e.path)).toEqual(["reports/enterprise.csv", "reports/enterprise.md"]);
  });
});
