import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ARTIFACT_THRESHOLD_BYTES, ARTIFACTS_FOLDER, ArtifactRef, isArtifactRef, PREVIEW_MAX_BYTES, type Plan } from "../core";
import { ArtifactStore, jsonLargerThan, shareArtifacts } from "./artifact-store";
import { resolveRunOutputs, resolveStepInput } from "./resolve-inputs";
import { checkedInput } from "./step-boundary";

const anyInput = { input: z.unknown() };

const root = mkdtempSync(path.join(os.tmpdir(), "trellis-artifacts-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const workspace = () => path.join(root, `run-${++n}`);

const rows = (count: number) => Array.from({ length: count }, (_, i) => ({ id: i, name: `row ${i}`, note: i % 7 ? null : "seventh\nline" }));
const table = (count: number) => ({ table: { columns: ["id", "name", "note"], rows: rows(count) }, rowCount: count });
const asRef = (v: unknown) => ArtifactRef.parse(v).$artifact;

describe("ArtifactStore.externalize (the one place values become references)", () => {
  it("keeps small values as they are, the same object", async () => {
    const store = new ArtifactStore(workspace());
    const small = table(10);
    expect(await store.externalize(small)).toBe(small);
    expect(await store.externalize("text")).toBe("text");
  });

  it("puts a large table's rows in a content-addressed file and keeps its columns inline", async () => {
    const ws = workspace();
    const store = new ArtifactStore(ws);
    const value = table(20_000);
    const stored = (await store.externalize(value)) as { table: { columns: string[]; rows: unknown }; rowCount: number };
    expect(stored.rowCount).toBe(20_000);
    expect(stored.table.columns).toEqual(["id", "name", "note"]);
    const ref = asRef(stored.table.rows);
    expect(ref.mediaType).toBe("application/x-ndjson");
    expect(ref.preview).toMatchObject({ kind: "list", count: 20_000 });
    expect(ref.preview.kind === "list" && ref.preview.items[0]).toEqual(value.table.rows[0]);
    expect(JSON.stringify(ref.preview).length).toBeLessThan(PREVIEW_MAX_BYTES + 200);
    expect(JSON.stringify(stored).length).toBeLessThan(20_000);

    const file = path.join(ws, ARTIFACTS_FOLDER, `${ref.sha256}.ndjson`);
    const bytes = readFileSync(file);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(ref.sha256);
    expect(bytes.length).toBe(ref.bytes);
    expect(bytes.toString("utf8").split("\n")[1]).toBe(JSON.stringify(value.table.rows[1]));

    expect(await store.materialize(stored)).toEqual(value);
    // The same value is the same file.
    expect(await store.externalize(table(20_000))).toEqual(stored);
    expect(readdirSync(path.join(ws, ARTIFACTS_FOLDER))).toEqual([`${ref.sha256}.ndjson`]);
  });

  it("keeps a large text as text, and an object of many medium parts as one document", async () => {
    const store = new ArtifactStore(workspace(), 4096);
    const text = "é".repeat(5000);
    const t = asRef(await store.externalize(text));
    expect(t).toMatchObject({ mediaType: "text/plain; charset=utf-8", bytes: 10_000, preview: { kind: "text", chars: 5000 } });
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "x".repeat(300)]));
    const stored = await store.externalize({ many, big: "y".repeat(9000) });
    expect(isArtifactRef(stored)).toBe(false);
    const inner = stored as { many: unknown; big: unknown };
    expect(asRef(inner.many)).toMatchObject({ mediaType: "application/json", preview: { kind: "object", keys: 20 } });
    expect(asRef(inner.big).mediaType).toBe("text/plain; charset=utf-8");
    expect(await store.materialize(stored)).toEqual({ many, big: "y".repeat(9000) });
    expect(await store.materialize({ text: { $artifact: t } })).toEqual({ text });
  });

  it("refuses a file that was changed or is missing", async () => {
    const ws = workspace();
    const store = new ArtifactStore(ws, 1024);
    const stored = asRef(await store.externalize(rows(200)));
    const file = path.join(ws, ARTIFACTS_FOLDER, `${stored.sha256}.ndjson`);
    writeFileSync(file, readFileSync(file, "utf8").replace("row 5", "row 6"));
    await expect(store.read({ $artifact: stored })).rejects.toMatchObject({ code: "artifact_corrupt" });
    rmSync(file);
    await expect(store.read({ $artifact: stored })).rejects.toMatchObject({ code: "artifact_missing", status: 404 });
  });
});

describe("ArtifactStore.page", () => {
  it("pages through a list without reading past the page, and through a text", async () => {
    const store = new ArtifactStore(workspace(), 1024);
    const list = asRef(await store.externalize(rows(1000)));
    const found = (await store.find(list.sha256))!;
    expect(found).toMatchObject({ mediaType: "application/x-ndjson", bytes: list.bytes });
    expect(await store.page(found, 0, 3)).toEqual({ kind: "list", offset: 0, next: 3, items: rows(3) });
    expect(await store.page(found, 998, 5)).toEqual({ kind: "list", offset: 998, next: null, items: rows(1000).slice(998) });
    expect(await store.page(found, 5000, 5)).toEqual({ kind: "list", offset: 5000, next: null, items: [] });
    const text = asRef(await store.externalize("abc".repeat(1000)));
    expect(await store.page((await store.find(text.sha256))!, 2997, 10)).toEqual({ kind: "text", offset: 2997, next: null, text: "abc" });
    expect(await store.find("0".repeat(64))).toBeNull();
    expect(await store.find("../x")).toBeNull();
  });
});

describe("shareArtifacts", () => {
  it("gives another run the files a reused output refers to, nested ones too", async () => {
    const from = workspace();
    const to = workspace();
    const store = new ArtifactStore(from, 1024);
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, "x".repeat(200)]));
    const value = { rows: rows(100), nested: { many: { ...many, deep: "z".repeat(2000) } } };
    const stored = await store.externalize(value);
    await shareArtifacts(from, to, [stored]);
    expect(await new ArtifactStore(to).materialize(stored)).toEqual(value);
  });
});

describe("resolving bindings through artifacts", () => {
  const plan: Plan = {
    goal: "g", flows: [], inputs: [],
    steps: [
      { id: "all", action: "a", inputs: { table: { kind: "step", step: "load", path: ["table"] } } },
      { id: "part", action: "a", inputs: { row: { kind: "step", step: "load", path: ["table", "rows", 5] }, n: { kind: "step", step: "load", path: ["table", "rows", "length"] } } },
    ],
    outputs: { table: { kind: "step", step: "load", path: ["table"] }, last: { kind: "step", step: "load", path: ["table", "rows", 29_999] } },
  };

  it("records references and gives the step the full value", async () => {
    const store = new ArtifactStore(workspace());
    const value = table(30_000);
    const outputs = new Map([["load", await store.externalize(value)]]);
    const stored = outputs.get("load") as { table: unknown };

    const all = await resolveStepInput(plan.steps[0], {}, outputs, store);
    if (!all.ok) throw new Error(all.message);
    expect(all.recorded).toEqual({ table: stored.table });
    expect(await checkedInput(anyInput, all.recorded, store)).toEqual({ table: value.table });

    const part = await resolveStepInput(plan.steps[1], {}, outputs, store);
    if (!part.ok) throw new Error(part.message);
    expect(part.recorded).toEqual({ row: value.table.rows[5], n: 30_000 });
    expect(await checkedInput(anyInput, part.recorded, store)).toEqual(part.recorded);

    expect(await resolveRunOutputs(plan, {}, outputs, store)).toEqual({ table: stored.table, last: value.table.rows[29_999] });
  });

  it("fails the step's input, not the engine, when an artifact is gone", async () => {
    const ws = workspace();
    const store = new ArtifactStore(ws);
    const outputs = new Map([["load", await store.externalize(table(30_000))]]);
    rmSync(path.join(ws, ARTIFACTS_FOLDER), { recursive: true });
    const r = await resolveStepInput(plan.steps[0], {}, outputs, store);
    if (!r.ok) throw new Error(r.message);
    await expect(checkedInput(anyInput, r.recorded, store)).rejects.toMatchObject({ code: "input_invalid", message: expect.stringMatching(/cannot be read back: .*not in the run's artifact store/) });
  });
});

describe("jsonLargerThan", () => {
  it("agrees with the JSON text's length, stopping early", () => {
    const v = table(3000);
    const size = Buffer.byteLength(JSON.stringify(v));
    expect(jsonLargerThan(v, size * 0.9)).toBe(true);
    expect(jsonLargerThan(v, size * 1.2)).toBe(false);
    expect(jsonLargerThan("x".repeat(ARTIFACT_THRESHOLD_BYTES + 1), ARTIFACT_THRESHOLD_BYTES)).toBe(true);
    expect(jsonLargerThan({ a: undefined, b: 1 }, 20)).toBe(false);
    expect(jsonLargerThan({ a: "x".repeat(20) }, 20)).toBe(true);
  });
});
