/**
 * Big outputs: a plan over a 45 MB CSV of 110,000 rows (generated here, never committed) runs
 * through the engine with the real data actions. The loaded table's rows go to the run's
 * artifact store; the stored output, the events and the run's API answer carry a reference with
 * a preview (a few KB, not 45 MB); the steps downstream still get every row. On both databases.
 */
import { copyFile, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { basicActions } from "../../lib/actions/builtin-basic";
import { applyRunEvents, ArtifactRef, defineAction, emptyRunView, isArtifactRef, type Plan } from "../../lib/core";
import { ArtifactStore } from "../../lib/engine/artifact-store";
import { runRecordJson, stepRecordJson } from "../../lib/server/runs";
import type { Database } from "../../lib/store/database";
import { getRunDetail } from "../../lib/store/runs";
import { BIG_CSV_COLUMNS, bigCsvNoteChars, bigCsvRow, writeBigCsv } from "../support/big-csv";
import { freshDatabase, postgresAvailability, type DbKind } from "../support/databases";
import { makeHarness, type Harness } from "../support/engine-harness";
import { lit } from "../support/bindings";

const pg = await postgresAvailability();
const kinds: DbKind[] = pg.run ? ["pglite", "postgres"] : ["pglite"];

const ROWS = 110_000;
const BYTES = 45 * 1024 * 1024;
const MAX_ANSWER = 5 * 1024 * 1024;

let dir: string;
let csv: string;
let csvBytes: number;
let noteChars: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "trellis-big-"));
  csv = path.join(dir, "big.csv");
  csvBytes = await writeBigCsv(csv, { rows: ROWS, bytes: BYTES });
  noteChars = bigCsvNoteChars(ROWS, BYTES);
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What only this test needs: the CSV put in the run's workspace, and a step that proves what it was given. */
const testActions = () => [
  defineAction({
    id: "test.put_big_csv", title: "Put the big CSV", description: "Copies the generated CSV into the run's workspace.", effect: "write",
    input: z.object({}), output: z.object({ path: z.string() }),
    run: async (_input, ctx) => {
      await mkdir(path.join(ctx.workspaceDir, "in"), { recursive: true });
      await copyFile(csv, path.join(ctx.workspaceDir, "in", "big.csv"));
      return { path: "in/big.csv" };
    },
  }),
  defineAction({
    id: "test.table_digest", title: "Digest a table", description: "What a step received: its rows, their id sum and the last note.", effect: "pure",
    input: z.object({ table: z.object({ columns: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())) }) }),
    output: z.object({ rows: z.number(), columns: z.array(z.string()), idSum: z.number(), lastNote: z.unknown() }),
    run: ({ table }) => {
      let idSum = 0;
      for (const r of table.rows) idSum += Number(r.id);
      return { rows: table.rows.length, columns: table.columns, idSum, lastNote: table.rows.at(-1)?.note };
    },
  }),
];

const ref = (step: string, ...p: (string | number)[]) => ({ kind: "step" as const, step, ...(p.length ? { path: p } : {}) });

const plan: Plan = {
  goal: "load a big CSV, check it and save it",
  flows: [],
  inputs: [],
  steps: [
    { id: "put", action: "test.put_big_csv", inputs: {} },
    { id: "load", action: "data.load_csv", inputs: { path: ref("put", "path") } },
    { id: "check", action: "test.table_digest", inputs: { table: ref("load", "table") } },
    { id: "save", action: "data.write_file", inputs: { table: ref("load", "table"), path: lit("out/copy.csv") } },
  ],
  outputs: { table: ref("load", "table"), last: ref("load", "table", "rows", ROWS - 1), digest: ref("check") },
};

describe.each(kinds)("big outputs, on %s", (kind) => {
  let db: Database;
  let h: Harness;
  let workspaceRoot: string;

  beforeAll(async () => {
    db = await freshDatabase(kind);
    workspaceRoot = await mkdtemp(path.join(os.tmpdir(), "trellis-big-runs-"));
    h = makeHarness(db, [...basicActions({ httpAllowHosts: [] }), ...testActions()], { workspaceRoot });
  }, 60_000);

  afterAll(async () => {
    h?.engine.close();
    await db?.close();
    await rm(workspaceRoot, { recursive: true, force: true });
  });

  it(`runs a plan over a ${Math.round(BYTES / 1024 / 1024)} MB CSV of ${ROWS.toLocaleString("en-US")} rows: references stored, small answers, full data downstream`, async () => {
    expect(csvBytes).toBeGreaterThan(44 * 1024 * 1024);
    const versionId = await h.savePlan(plan);
    const done = await h.engine.run({ planVersionId: versionId });
    const steps = Object.fromEntries(done.steps.map((s) => [s.stepId, s]));
    expect(done.run.status, JSON.stringify(done.run.failure)).toBe("succeeded");
    for (const id of ["put", "load", "check", "save"]) expect(steps[id].status, `${id}: ${JSON.stringify(steps[id].failure)}`).toBe("succeeded");

    // The stored output holds a reference in place of the rows, with a preview.
    const loaded = steps.load.output as { table: { columns: string[]; rows: unknown }; rowCount: number; origin: string };
    expect(loaded.rowCount).toBe(ROWS);
    expect(loaded.table.columns).toEqual([...BIG_CSV_COLUMNS]);
    expect(isArtifactRef(loaded.table.rows)).toBe(true);
    const rowsRef = ArtifactRef.parse(loaded.table.rows).$artifact;
    expect(rowsRef.preview).toMatchObject({ kind: "list", count: ROWS });
    expect(rowsRef.preview.kind === "list" && rowsRef.preview.items[0]).toEqual(bigCsvRow(0, noteChars));
    expect(rowsRef.bytes).toBeGreaterThan(40 * 1024 * 1024);

    // The steps downstream got every row; their recorded input is the same reference.
    expect(steps.check.output).toEqual({ rows: ROWS, columns: [...BIG_CSV_COLUMNS], idSum: (ROWS * (ROWS - 1)) / 2, lastNote: bigCsvRow(ROWS - 1, noteChars).note });
    expect((steps.check.input as { table: { rows: unknown } }).table.rows).toEqual(loaded.table.rows);
    expect(steps.save.output).toMatchObject({ path: "out/copy.csv", rows: ROWS });
    const workspace = path.join(workspaceRoot, done.run.id);
    expect((await stat(path.join(workspace, "out", "copy.csv"))).size).toBeGreaterThan(40 * 1024 * 1024);

    // The run's outputs: the table by reference, a row picked out of the artifact inline.
    expect(done.run.outputs).toMatchObject({ table: loaded.table, last: bigCsvRow(ROWS - 1, noteChars), digest: steps.check.output });

    // What GET /api/runs/<id> answers, the event log and the run page's view stay small.
    const detail = await getRunDetail(db.prisma, done.run.id);
    const answer = JSON.stringify({ ...detail!, run: runRecordJson(detail!.run), steps: detail!.steps.map(stepRecordJson) });
    const events = await h.store.events(done.run.id);
    const view = applyRunEvents(emptyRunView(done.run.id, plan.steps.map((s) => s.id)), events);
    console.log(`[big-data ${kind}] csv ${csvBytes} B, run answer ${answer.length} B, events ${JSON.stringify(events).length} B, view ${JSON.stringify(view).length} B`);
    expect(answer.length).toBeLessThan(MAX_ANSWER);
    expect(JSON.stringify(events).length).toBeLessThan(MAX_ANSWER);
    expect(JSON.stringify(view).length).toBeLessThan(MAX_ANSWER);

    // The rows page from the file.
    const store = new ArtifactStore(workspace);
    const found = (await store.find(rowsRef.sha256))!;
    expect(await store.page(found, ROWS - 2, 10)).toEqual({ kind: "list", offset: ROWS - 2, next: null, items: [bigCsvRow(ROWS - 2, noteChars), bigCsvRow(ROWS - 1, noteChars)] });
  }, 240_000);

  it("a retry that reuses the load keeps its artifacts readable in the new run", async () => {
    const failing: Plan = { ...plan, steps: [...plan.steps.slice(0, 2), { id: "bad", action: "data.write_file", inputs: { table: ref("load", "table"), path: lit("out/x.unknown") } }], outputs: {} };
    const versionId = await h.savePlan(failing);
    const first = await h.engine.run({ planVersionId: versionId });
    expect(first.run.status).toBe("failed");
    const retryId = await h.engine.retry(first.run.id);
    const retried = await h.engine.wait(retryId);
    const load = retried.steps.find((s) => s.stepId === "load")!;
    expect(load.reusedFromRunId).toBe(first.run.id);
    const rows = ArtifactRef.parse((load.output as { table: { rows: unknown } }).table.rows);
    const page = await new ArtifactStore(path.join(workspaceRoot, retryId)).page((await new ArtifactStore(path.join(workspaceRoot, retryId)).find(rows.$artifact.sha256))!, 0, 1);
    expect(page).toMatchObject({ kind: "list", items: [bigCsvRow(0, noteChars)] });
    await rm(path.join(workspaceRoot, first.run.id), { recursive: true, force: true });
    await rm(path.join(workspaceRoot, retryId), { recursive: true, force: true });
  }, 240_000);
});
