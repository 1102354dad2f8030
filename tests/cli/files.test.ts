/**
 * `trellis run --file`: a file of this machine put into the run's workspace, in local mode (a
 * fresh TRELLIS_DATA_DIR of this file's own). The goal a new user types is planned offline and
 * run on their notes.txt; names that cannot go into a workspace, missing files and files too
 * large are refused before anything is stored (exit 2).
 */
import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, tempDir, trellis } from "../support/cli";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
const run = (args: string[]) => trellis(args, { dataDir, cwd: tmp.dir });
const NOTES = "Plans run; plans wait.\nA plan is a graph, and a graph is a plan.";

beforeAll(() => {
  tmp = tempDir("trellis-cli-files-");
  dataDir = path.join(tmp.dir, "data");
  writeFileSync(path.join(tmp.dir, "notes.txt"), NOTES);
});
afterAll(() => tmp.remove());

describe("trellis run --file", { timeout: 180_000 }, () => {
  it("plans the notes goal offline and runs it on the given notes.txt: counts.json holds the counts", async () => {
    const planned = await run(["plan", "Read notes.txt, count words, write the counts to counts.json", "--save", "plan.json"]);
    expect(planned.code, planned.stderr).toBe(0);
    const r = await run(["run", "plan.json", "--file", "notes.txt", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Uploaded notes.txt (${Buffer.byteLength(NOTES)} bytes).`);
    const out = json<{ runId: string }>(r);
    const counts = JSON.parse(readFileSync(path.join(dataDir, "runs", out.runId, "counts.json"), "utf8")) as { word: string; count: number }[];
    expect(counts.slice(0, 4)).toEqual([
      { word: "a", count: 4 },
      { word: "graph", count: 2 },
      { word: "is", count: 2 },
      { word: "plan", count: 2 },
    ]);
    // NAME=PATH puts it elsewhere: the plan then finds no notes.txt, and says so.
    const elsewhere = await run(["run", "plan.json", "--file", "in/notes.txt=notes.txt"]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout + elsewhere.stderr).toContain('No file "notes.txt"');
  });

  it("refuses a missing file, a name that cannot go into a workspace and a file too large (exit 2), storing nothing", async () => {
    const missing = await run(["run", "plan.json", "--file", "nope.txt"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("there is no file");
    const traversal = await run(["run", "plan.json", "--file", "../notes.txt=notes.txt"]);
    expect(traversal.code).toBe(2);
    expect(traversal.stderr).toContain('"../notes.txt" cannot be a name in the run\'s workspace');
    writeFileSync(path.join(tmp.dir, "big.bin"), "");
    truncateSync(path.join(tmp.dir, "big.bin"), 5_000_001);
    const big = await run(["run", "plan.json", "--file", "big.bin"]);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain("at most 5 MB");
    const runs = json<{ runs: unknown[] }>(await run(["runs", "--json"]));
    expect(runs.runs).toHaveLength(2);
  });
});
