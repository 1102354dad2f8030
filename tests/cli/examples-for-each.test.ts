/**
 * The for-each example, run by the real `trellis` command on a data folder of its own: one
 * step runs its action once per line, the counts come out in line order, and the report reads
 * them plucked from each item's output.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, json, tempDir, trellis } from "../support/cli";
import { createPostgresDatabase, postgresAvailability } from "../support/databases";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
const run = (args: string[]) => trellis(args, { dataDir });
const example = path.join(ROOT, "examples", "for-each.json");

type RunDoc = { status: string; outcome: string | null; outputs: Record<string, unknown>; steps: Record<string, { status: string; output?: unknown }> };

const pg = await postgresAvailability();

beforeAll(() => {
  tmp = tempDir("trellis-cli-for-each-");
  dataDir = path.join(tmp.dir, "data");
});
afterAll(() => tmp.remove());

describe("the for-each example", { timeout: 180_000 }, () => {
  it("for-each.json counts the words of each line, in line order", async () => {
    const r = await run(["run", example, "--json"]);
    expect(r.code).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc).toMatchObject({ status: "succeeded", outcome: "clean" });
    expect(Object.fromEntries(Object.entries(doc.steps).map(([id, s]) => [id, s.status]))).toEqual({ lines: "succeeded", count: "succeeded", report: "succeeded" });
    expect(doc.outputs).toEqual({ counts: [4, 5, 9, 5], report: "Words per line: 4, 5, 9, 5" });
  });

  it("runs each line of another text, and says how many items were done", async () => {
    const r = await run(["run", example, "--input", "text=one\ntwo words\n\nthree more words"]);
    expect(r.code).toBe(0);
    const text = r.stdout + r.stderr;
    expect(text).toMatch(/count\s+text\.count_words\s+succeeded .*3 of 3 items done/);
    expect(text).toContain("Words per line: 1, 2, 3");
  });

  it.runIf(pg.run)("for-each.json runs the same on PostgreSQL", async () => {
    const created = await createPostgresDatabase();
    try {
      const r = await trellis(["run", example, "--json"], { dataDir: path.join(tmp.dir, "pg-data"), env: { DATABASE_URL: created.url } });
      expect(r.code).toBe(0);
      const doc = json<RunDoc>(r);
      expect(doc).toMatchObject({ status: "succeeded", outcome: "clean", outputs: { counts: [4, 5, 9, 5] } });
      expect(doc.steps.count.status).toBe("succeeded");
    } finally {
      await created.drop();
    }
  });
});
