import { createWriteStream } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAction, testContext } from "../../../tests/support/action-context";
import { startTestServer, type TestServer } from "../../../tests/support/http-server";
import { loadCsvAction } from "./load-csv";
import { jsonToTable, loadJsonAction } from "./load-json";

let ws: string;
let server: TestServer;

beforeAll(async () => {
  ws = await mkdtemp(path.join(os.tmpdir(), "trellis-load-"));
  await mkdir(path.join(ws, "in"));
  await writeFile(path.join(ws, "in", "people.csv"), 'name,age\r\n"Smith, Jo",41\r\nLee,\r\n');
  await writeFile(path.join(ws, "in", "items.json"), JSON.stringify({ meta: { n: 2 }, data: { items: [{ a: 1 }, { a: 2, b: "x" }] } }));
  server = await startTestServer({
    "/data.csv": (_req, res) => res.writeHead(200, { "content-type": "text/csv" }).end("city,pop\nOslo,709000\nBergen,291000\n"),
    "/data.json": (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: [{ id: 1 }, { id: 2 }] })),
    "/boom": (_req, res) => res.writeHead(503).end("busy"),
  });
});

afterAll(async () => {
  await server.close();
  await rm(ws, { recursive: true, force: true });
});

const options = { httpAllowHosts: ["127.0.0.1"] };

describe("data.load_csv", () => {
  const action = loadCsvAction(options);

  it("loads the bundled sales sample", async () => {
    const out = await runAction(action, { source: "sample", path: "sales.csv" }, testContext({ workspaceDir: ws }));
    expect(out.rowCount).toBe(500);
    expect(out.origin).toBe("sample:sales.csv");
    expect(out.table.columns).toContain("revenue");
    const first = out.table.rows[0];
    expect(first.order_id).toBe("SO-10001");
    expect(typeof first.units).toBe("number");
    expect(typeof first.revenue).toBe("number");
    expect(out.table.rows.some((r) => r.product === '27" Monitor')).toBe(true);
    expect(out.table.rows.some((r) => r.product === "Printer Paper, 5-pack")).toBe(true);
  });

  it("accepts the sample: shorthand without a source, and a name without extension", async () => {
    const ctx = testContext({ workspaceDir: ws });
    const out = await runAction(action, { path: "sample:sales.csv" }, ctx);
    expect(out.rowCount).toBe(500);
    expect((await runAction(action, { source: "sample", path: "sales" }, ctx)).rowCount).toBe(500);
    expect(ctx.progressReports.map((p) => p.fraction)).toEqual([0, 0.9, 0, 0.9]);
  });

  it("loads from the workspace", async () => {
    const out = await runAction(action, { path: "in/people.csv" }, testContext({ workspaceDir: ws }));
    expect(out.table.rows).toEqual([
      { name: "Smith, Jo", age: 41 },
      { name: "Lee", age: null },
    ]);
  });

  it("streams a workspace file of 220,000 rows (no stack overflow, progress as it reads)", async () => {
    const rows = 220_000;
    const out = createWriteStream(path.join(ws, "in", "big.csv"));
    out.write("id,city,amount,note\r\n");
    for (let i = 0; i < rows; i++) out.write(`${i},${i % 3 ? "Oslo" : "Bergen"},${i * 1.5},"row ${i}, ""quoted"" and\nwrapped"\r\n`);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const ctx = testContext({ workspaceDir: ws });
    const loaded = await runAction(action, { path: "in/big.csv" }, ctx);
    expect(loaded.rowCount).toBe(rows);
    expect(loaded.table.rows[rows - 1]).toEqual({ id: rows - 1, city: "Bergen", amount: (rows - 1) * 1.5, note: `row ${rows - 1}, "quoted" and\nwrapped` });
    const fractions = ctx.progressReports.map((p) => p.fraction);
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.at(-1)).toBeCloseTo(0.9, 1);
  });

  it("loads from an allowed URL", async () => {
    const out = await runAction(action, { path: `${server.url}/data.csv` }, testContext({ workspaceDir: ws }));
    expect(out.table.rows).toEqual([
      { city: "Oslo", pop: 709000 },
      { city: "Bergen", pop: 291000 },
    ]);
  });

  it("refuses a URL whose host is not allowed", async () => {
    const strict = loadCsvAction({ httpAllowHosts: ["example.com"] });
    await expect(runAction(strict, { source: "url", path: `${server.url}/data.csv` }, testContext({ workspaceDir: ws }))).rejects.toMatchObject({
      code: "host_not_allowed",
    });
  });

  it("marks a 5xx as retryable", async () => {
    await expect(runAction(action, { path: `${server.url}/boom` }, testContext({ workspaceDir: ws }))).rejects.toMatchObject({
      code: "http_status",
      retryable: true,
    });
  });

  it("explains unknown samples, wrong formats and missing files", async () => {
    const ctx = testContext({ workspaceDir: ws });
    await expect(runAction(action, { source: "sample", path: "nope.csv" }, ctx)).rejects.toThrow(/Available samples: sales.csv, customers.json/);
    await expect(runAction(action, { source: "sample", path: "customers.json" }, ctx)).rejects.toThrow(/data.load_json/);
    await expect(runAction(action, { path: "missing.csv" }, ctx)).rejects.toMatchObject({ code: "file_not_found" });
    await expect(runAction(action, { path: "../etc/passwd" }, ctx)).rejects.toMatchObject({ code: "path_outside_workspace" });
  });
});

describe("data.load_json", () => {
  const action = loadJsonAction(options);

  it("loads the bundled customers sample", async () => {
    const out = await runAction(action, { source: "sample", path: "customers.json" }, testContext({ workspaceDir: ws }));
    expect(out.rowCount).toBe(100);
    expect(out.table.columns).toEqual(["customer_id", "name", "email", "city", "region", "segment", "signup_date", "active", "lifetime_value"]);
    expect(out.table.rows.filter((r) => r.city === null).length).toBeGreaterThan(0);
  });

  it("follows recordsPath in a workspace file", async () => {
    const out = await runAction(action, { path: "in/items.json", recordsPath: "data.items" }, testContext({ workspaceDir: ws }));
    expect(out.table).toEqual({ columns: ["a", "b"], rows: [{ a: 1 }, { a: 2, b: "x" }] });
  });

  it("picks the only list out of an API envelope fetched by URL", async () => {
    const out = await runAction(action, { path: `${server.url}/data.json` }, testContext({ workspaceDir: ws }));
    expect(out.table.rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("reports invalid JSON with its origin", async () => {
    await writeFile(path.join(ws, "bad.json"), "{ nope");
    await expect(runAction(action, { path: "bad.json" }, testContext({ workspaceDir: ws }))).rejects.toThrow(/bad.json is not valid JSON/);
  });

  it("turns plain lists and single objects into tables and rejects ambiguity", () => {
    expect(jsonToTable([1, 2]).table).toEqual({ columns: ["value"], rows: [{ value: 1 }, { value: 2 }] });
    expect(jsonToTable({ a: 1 }).table).toEqual({ columns: ["a"], rows: [{ a: 1 }] });
    expect(() => jsonToTable({ a: [], b: [] })).toThrow(/set recordsPath/);
    expect(() => jsonToTable({ a: 1 }, "x.y")).toThrow(/nothing at "x.y"/);
  });
});
