/**
 * The goals a new user types first, planned offline through the composition root on a fresh
 * embedded database and run by the real engine: each comes back as the issue says (ready and
 * right, or no plan and nothing stored, or not ready with what is missing), and the ready ones
 * run to the result they ask for, checked against the data computed here independently.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSse } from "../contract/sse";
import type { RunEvent } from "../core";
import { parseCsvRecords } from "../actions/data/csv";
import { generateShopData } from "../actions/sql/shop-data";
import { listPlans } from "../store/plans";
import { builtinRegistry } from "../../tests/support/planner-catalogs";
import { runPlan } from "../../tests/support/run-plan";
import { planAndSave } from "./planning";
import { runDetail, runEventStream, startRun } from "./runs";
import { closeTrellis, getTrellis } from "./trellis";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "trellis-goals-"));
  process.env.TRELLIS_DATA_DIR = dir;
  delete process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_BASE_URL;
  delete process.env.DATABASE_URL;
  await getTrellis();
  // Opening a fresh embedded database and starting the step workers is slow on a busy machine.
}, 300_000);

afterAll(async () => {
  await closeTrellis();
  await rm(dir, { recursive: true, force: true });
});

/** Runs a stored plan with the engine and waits (on its event stream) until it ends. */
async function runToEnd(planId: string) {
  const { runId } = await startRun(planId, { inputs: {}, options: {} });
  const client = new AbortController();
  const stream = await runEventStream(runId, 0, client.signal, { repeat: () => () => {} });
  let last: RunEvent | undefined;
  for await (const m of readSse(stream)) {
    last = JSON.parse(m.data) as RunEvent;
    if (last.type === "run.succeeded" || last.type === "run.failed" || last.type === "run.cancelled") break;
  }
  client.abort();
  const detail = await runDetail(runId);
  return { end: last?.type, detail, output: (stepId: string) => detail.steps.find((s) => s.stepId === stepId)?.output as Record<string, unknown> | undefined };
}

describe("the first goals people type, planned offline and run", { timeout: 180_000 }, () => {
  it("finds the 3 customers with the highest total order value, with a read-only query that gives the right answer", async () => {
    const saved = await planAndSave({ goal: "Find the 3 customers with the highest total order value in the shop database" });
    expect(saved.result.status).toBe("ready");
    expect(saved.result.coverage.parts.every((p) => !p.uncovered && p.steps.length)).toBe(true);
    const run = await runToEnd(saved.planId!);
    expect(run.end).toBe("run.succeeded");
    const [step] = saved.result.plan.steps;
    const table = run.output(step.id)?.table as { rows: Record<string, unknown>[] };

    // The same question answered from the generated rows, without SQL: cancelled and refunded
    // orders are no order value.
    expect(saved.result.plan.steps[0].inputs).toMatchObject({ sql: { kind: "literal", value: expect.stringContaining("NOT IN ('cancelled', 'refunded')") } });
    const data = generateShopData();
    const counted = data.orders.filter((o) => o.status !== "cancelled" && o.status !== "refunded");
    expect(counted.length).toBeLessThan(data.orders.length);
    const customerOf = new Map(counted.map((o) => [o.id, o.customer_id]));
    const totals = new Map<number, number>();
    const everything = new Map<number, number>();
    const ownerOf = new Map(data.orders.map((o) => [o.id, o.customer_id]));
    for (const item of data.orderItems) {
      const owner = ownerOf.get(item.order_id)!;
      everything.set(owner, (everything.get(owner) ?? 0) + item.quantity * Number(item.unit_price));
      const c = customerOf.get(item.order_id);
      if (c !== undefined) totals.set(c, (totals.get(c) ?? 0) + item.quantity * Number(item.unit_price));
    }
    // The answer differs from the one that counts every order (else this test would tell nothing).
    const byTotal = (m: Map<number, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 3);
    expect(byTotal(totals)).not.toEqual(byTotal(everything));
    const top = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 3);
    expect(table.rows.map((r) => Number(r.id))).toEqual(top.map(([id]) => id));
    expect(table.rows.map((r) => Number(r.total_order_value))).toEqual(top.map(([, total]) => Math.round(total * 100) / 100));
    const first = data.customers.find((c) => c.id === top[0][0])!;
    expect(table.rows[0]).toMatchObject({ first_name: first.first_name, last_name: first.last_name });
  });

  it("charts revenue by product from the sample sales CSV, sorted by revenue as the words say", async () => {
    const saved = await planAndSave({ goal: "Chart revenue by product from the sample sales CSV and sort it by revenue, highest first" });
    expect(saved.result.status).toBe("ready");
    expect(saved.result.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.group_aggregate", "data.sort", "data.chart_svg"]);
    const run = await runToEnd(saved.planId!);
    expect(run.end).toBe("run.succeeded");

    const [header, ...records] = parseCsvRecords(await readFile(path.join(__dirname, "../actions/samples/sales.csv"), "utf8"));
    const byProduct = new Map<string, number>();
    for (const cells of records) {
      if (cells.length < header.length) continue;
      const product = cells[header.indexOf("product")];
      byProduct.set(product, (byProduct.get(product) ?? 0) + Number(cells[header.indexOf("revenue")]));
    }
    const sortStep = saved.result.plan.steps[2];
    const sorted = run.output(sortStep.id)?.table as { rows: { product: string; sum_revenue: number }[] };
    expect(sorted.rows.map((r) => r.product)).toEqual([...byProduct].sort((a, b) => b[1] - a[1]).map(([p]) => p));
    for (const r of sorted.rows) expect(r.sum_revenue).toBeCloseTo(byProduct.get(r.product)!, 2);
    const chart = run.detail.steps.find((s) => s.stepId === saved.result.plan.steps[3].id);
    expect(chart?.status).toBe("succeeded");
  });

  it("keeps the rows a clause names by a column's value, then charts a measure per product of those rows", async () => {
    // The sample's description lists its regions: the clause is still a filter, not the load again.
    const saved = await planAndSave({ goal: "Load the sample sales CSV, keep only the rows where region is West, and chart revenue by product" });
    expect(saved.result.status).toBe("ready");
    expect(saved.result.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.filter", "data.group_aggregate", "data.chart_svg"]);
    const [load, filter, group, chart] = saved.result.plan.steps;
    expect(saved.result.coverage.parts.map((p) => [p.text, p.steps])).toEqual([
      ["Load the sample sales CSV", [load.id]],
      ["keep only the rows where region is West", [filter.id]],
      ["chart revenue by product", [group.id, chart.id]],
    ]);
    const run = await runToEnd(saved.planId!);
    expect(run.end).toBe("run.succeeded");

    const [header, ...records] = parseCsvRecords(await readFile(path.join(__dirname, "../actions/samples/sales.csv"), "utf8"));
    const west = records.filter((cells) => cells.length >= header.length && cells[header.indexOf("region")] === "West");
    expect(west.length).toBeGreaterThan(0);
    expect(west.length).toBeLessThan(records.length);
    const byProduct = new Map<string, number>();
    for (const cells of west) byProduct.set(cells[header.indexOf("product")], (byProduct.get(cells[header.indexOf("product")]) ?? 0) + Number(cells[header.indexOf("revenue")]));
    expect(run.output(filter.id)?.rowCount).toBe(west.length);
    const grouped = run.output(group.id)?.table as { rows: { product: string; sum_revenue: number }[] };
    expect(new Set(grouped.rows.map((r) => r.product))).toEqual(new Set(byProduct.keys()));
    for (const r of grouped.rows) expect(r.sum_revenue).toBeCloseTo(byProduct.get(r.product)!, 2);
    expect(run.output(chart.id)?.svg).toEqual(expect.stringContaining("<svg"));
  });

  it("answers a question about a measure per group, a ranking and a count per group of the sample CSV, each with the steps it takes", async () => {
    const [header, ...records] = parseCsvRecords(await readFile(path.join(__dirname, "../actions/samples/sales.csv"), "utf8"));
    const rows = records.filter((cells) => cells.length >= header.length).map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
    const per = (key: string, value: (r: Record<string, string>) => number) => {
      const m = new Map<string, number[]>();
      for (const r of rows) m.set(r[key], [...(m.get(r[key]) ?? []), value(r)]);
      return m;
    };

    const average = await planAndSave({ goal: "What is the average revenue per region in the sample sales CSV?" });
    expect(average.result.status).toBe("ready");
    expect(average.result.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.group_aggregate"]);
    const averaged = await runToEnd(average.planId!);
    expect(averaged.end).toBe("run.succeeded");
    const byRegion = averaged.output(average.result.plan.steps[1].id)?.table as { rows: { region: string; average_revenue: number }[] };
    const expected = per("region", (r) => Number(r.revenue));
    expect(byRegion.rows).toHaveLength(expected.size);
    for (const r of byRegion.rows) expect(r.average_revenue).toBeCloseTo(expected.get(r.region)!.reduce((a, b) => a + b, 0) / expected.get(r.region)!.length, 2);

    const top = await planAndSave({ goal: "Find the top 5 products by units sold in the sample sales CSV" });
    expect(top.result.status).toBe("ready");
    expect(top.result.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.group_aggregate", "data.sort"]);
    const ranked = await runToEnd(top.planId!);
    expect(ranked.end).toBe("run.succeeded");
    const units = [...per("product", (r) => Number(r.units))].map(([p, u]) => [p, u.reduce((a, b) => a + b, 0)] as const).sort((a, b) => b[1] - a[1]);
    const five = ranked.output(top.result.plan.steps[2].id)?.table as { rows: { product: string; sum_units: number }[] };
    expect(five.rows.map((r) => r.sum_units)).toEqual(units.slice(0, 5).map(([, u]) => u));

    const count = await planAndSave({ goal: "Count the orders per category in the sample sales CSV and make a bar chart" });
    expect(count.result.status).toBe("ready");
    expect(count.result.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.group_aggregate", "data.chart_svg"]);
    const counted = await runToEnd(count.planId!);
    expect(counted.end).toBe("run.succeeded");
    const perCategory = counted.output(count.result.plan.steps[1].id)?.table as { rows: { category: string; count: number }[] };
    expect(Object.fromEntries(perCategory.rows.map((r) => [r.category, r.count]))).toEqual(Object.fromEntries([...per("category", () => 1)].map(([c, n]) => [c, n.length])));
    expect(counted.output(count.result.plan.steps[2].id)?.svg).toEqual(expect.stringContaining("<svg"));
  });

  it("counts the rows a question asks about and lists the newest ones, with queries written from the shop's schema", async () => {
    const data = generateShopData();
    const count = await planAndSave({ goal: "How many orders were cancelled in the shop database?" });
    expect(count.result.status).toBe("ready");
    expect(count.result.plan.steps.map((s) => s.action)).toEqual(["sql.query"]);
    const counted = await runToEnd(count.planId!);
    expect(counted.end).toBe("run.succeeded");
    const rows = (counted.output(count.result.plan.steps[0].id)?.table as { rows: { orders_count: number | string }[] }).rows;
    expect(Number(rows[0].orders_count)).toBe(data.orders.filter((o) => o.status === "cancelled").length);

    const latest = await planAndSave({ goal: "Show the 10 most recent orders in the shop database" });
    expect(latest.result.status).toBe("ready");
    expect(latest.result.plan.steps[0].action).toBe("sql.query");
    const listed = await runToEnd(latest.planId!);
    expect(listed.end).toBe("run.succeeded");
    const newest = (listed.output(latest.result.plan.steps[0].id)?.table as { rows: { ordered_at: string }[] }).rows;
    expect(newest).toHaveLength(10);
    const times = newest.map((r) => new Date(r.ordered_at).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("leaves out the column a goal says to remove, and writes the rest", async () => {
    const saved = await planAndSave({ goal: "Remove the unit_price column from the sample sales CSV and save it to slim.csv" });
    expect(saved.result.status).toBe("ready");
    expect(saved.result.plan.steps.map((s) => s.action)).toEqual(["data.load_csv", "data.select", "data.write_file"]);
    const run = await runToEnd(saved.planId!);
    expect(run.end).toBe("run.succeeded");
    const columns = (run.output(saved.result.plan.steps[1].id)?.table as { columns: string[] }).columns;
    expect(columns).not.toContain("unit_price");
    expect(columns).toEqual(expect.arrayContaining(["order_id", "region", "product", "revenue"]));
  });

  it("reads notes.txt, counts its words and writes the counts to counts.json", async () => {
    const saved = await planAndSave({ goal: "Read notes.txt, count words, write the counts to counts.json" });
    expect(saved.result.status).toBe("ready");
    expect(saved.result.plan.steps.map((s) => s.action)).toEqual(["files.read", "text.count_words", "data.write_file"]);
    // The stored plan runs here on the real actions in a workspace holding notes.txt; run with an
    // uploaded notes.txt through the API, it is tested in tests/api/uploads.test.ts.
    const workspaceDir = await mkdtemp(path.join(dir, "ws-"));
    await writeFile(path.join(workspaceDir, "notes.txt"), "Plans run; plans wait.\nA plan is a graph, and a graph is a plan.");
    await runPlan(saved.result.plan, builtinRegistry(), { workspaceDir });
    const counts = JSON.parse(await readFile(path.join(workspaceDir, "counts.json"), "utf8")) as { word: string; count: number }[];
    expect(counts.slice(0, 4)).toEqual([
      { word: "a", count: 4 },
      { word: "graph", count: 2 },
      { word: "is", count: 2 },
      { word: "plan", count: 2 },
    ]);
    expect(counts.find((c) => c.word === "plans")).toEqual({ word: "plans", count: 2 });
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(15);
  });

  it("stores nothing when no action fits, and says what would help", async () => {
    const t = await getTrellis();
    const before = (await listPlans(t.database.prisma)).length;
    const saved = await planAndSave({ goal: "Book me a flight to Tokyo next Tuesday and pay with my credit card" });
    expect(saved.result.status).toBe("no_plan");
    expect(saved.planId).toBeNull();
    expect(saved.result.help).toMatchObject({ connectLlm: true, connectTools: true });
    expect((await listPlans(t.database.prisma)).length).toBe(before);
  });

  it("is not ready for a goal that does not say what to do, and says what is missing", async () => {
    const saved = await planAndSave({ goal: "help me with my data" });
    expect(saved.result.status).not.toBe("ready");
    expect(saved.result.coverage.parts[0]).toMatchObject({ steps: [], uncovered: { reason: "needs_value", message: expect.stringContaining("does not say what to do") } });
    expect(saved.result.help?.nearest.length).toBeGreaterThan(0);
  });
});
