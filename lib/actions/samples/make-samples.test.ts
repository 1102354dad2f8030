import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeCustomers, makeCustomersJson, makeSalesCsv } from "./make-samples";
import { parseCsv } from "../data/csv";
import { SAMPLES, defaultSamplesDir } from "./catalog";

const dir = defaultSamplesDir();

describe("bundled samples", () => {
  it("are exactly what the generator produces (deterministic)", () => {
    expect(readFileSync(path.join(dir, "sales.csv"), "utf8")).toBe(makeSalesCsv());
    expect(readFileSync(path.join(dir, "customers.json"), "utf8")).toBe(makeCustomersJson());
  });

  it("exist for every catalog entry and stay under 100 KB", () => {
    for (const s of SAMPLES) expect(statSync(path.join(dir, s.name)).size).toBeLessThan(100 * 1024);
  });

  it("hold realistic, consistent data", () => {
    const sales = parseCsv(makeSalesCsv());
    expect(sales.rows).toHaveLength(500);
    expect(sales.columns).toEqual(["order_id", "date", "customer_id", "region", "product", "category", "units", "unit_price", "revenue"]);
    const customers = makeCustomers();
    expect(customers).toHaveLength(100);
    const regionOf = new Map(customers.map((c) => [c.customer_id, c.region]));
    for (const r of sales.rows) {
      expect(String(r.date)).toMatch(/^2025-\d{2}-\d{2}$/);
      expect(["North", "South", "East", "West"]).toContain(r.region);
      expect(regionOf.get(String(r.customer_id))).toBe(r.region);
      expect(r.revenue).toBeCloseTo(Number(r.units) * Number(r.unit_price), 2);
    }
  });
});
