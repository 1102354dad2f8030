import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAction, testContext } from "../../../tests/support/action-context";
import { loadCsvAction } from "./load-csv";
import { loadJsonAction } from "./load-json";
import { salesTable } from "../../../tests/support/sample-tables";
import { writeTableFileAction } from "./write-file";

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(os.tmpdir(), "trellis-wf-"));
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe("data.write_file", () => {
  it("writes CSV that loads back identically", async () => {
    const sales = salesTable();
    const ctx = testContext({ workspaceDir: ws });
    const out = await runAction(writeTableFileAction, { table: sales, path: "out/sales-copy.csv" }, ctx);
    expect(out).toMatchObject({ path: "out/sales-copy.csv", rows: 500, format: "csv", created: true });
    const back = await runAction(loadCsvAction({ httpAllowHosts: [] }), { path: "out/sales-copy.csv" }, ctx);
    expect(back.table).toEqual(sales);
  });

  it("writes JSON records and TSV by extension", async () => {
    const table = { columns: ["a", "b"], rows: [{ a: 1, b: "x" }, { a: 2 }] };
    const ctx = testContext({ workspaceDir: ws });
    await runAction(writeTableFileAction, { table, path: "t.json" }, ctx);
    expect(JSON.parse(await readFile(path.join(ws, "t.json"), "utf8"))).toEqual([{ a: 1, b: "x" }, { a: 2, b: null }]);
    const back = await runAction(loadJsonAction({ httpAllowHosts: [] }), { path: "t.json" }, ctx);
    expect(back.table.rows).toEqual([{ a: 1, b: "x" }, { a: 2, b: null }]);
    await runAction(writeTableFileAction, { table, path: "t.tsv" }, ctx);
    expect(await readFile(path.join(ws, "t.tsv"), "utf8")).toBe("a\tb\r\n1\tx\r\n2\t\r\n");
  });

  it("undo restores the previous file", async () => {
    await writeFile(path.join(ws, "t.csv"), "old\r\n");
    const ctx = testContext({ workspaceDir: ws });
    const input = writeTableFileAction.input.parse({ table: { columns: ["x"], rows: [{ x: 1 }] }, path: "t.csv" });
    const out = writeTableFileAction.output.parse(await writeTableFileAction.run(input, ctx));
    expect(out.created).toBe(false);
    expect(await readFile(path.join(ws, "t.csv"), "utf8")).toBe("x\r\n1\r\n");
    await writeTableFileAction.undo!(input, out, ctx);
    expect(await readFile(path.join(ws, "t.csv"), "utf8")).toBe("old\r\n");
  });

  it("needs a known format and respects overwrite false", async () => {
    const table = { columns: ["x"], rows: [] };
    const ctx = testContext({ workspaceDir: ws });
    await expect(runAction(writeTableFileAction, { table, path: "data.txt" }, ctx)).rejects.toMatchObject({ code: "unknown_format" });
    await writeFile(path.join(ws, "keep.csv"), "keep");
    await expect(runAction(writeTableFileAction, { table, path: "keep.csv", overwrite: false }, ctx)).rejects.toMatchObject({ code: "file_exists" });
    expect(existsSync(path.join(ws, "keep.csv"))).toBe(true);
  });
});
