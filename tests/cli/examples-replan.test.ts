/**
 * examples/replan.json run by the real `trellis` command on a data folder of its own: with
 * --replan the failed step is re-planned (offline) and the run succeeds; with --replan-ask it
 * waits for a person (exit 6); without the option the run fails (exit 1).
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, json, tempDir, trellis } from "../support/cli";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
const run = (args: string[]) => trellis(args, { dataDir });
const example = path.join(ROOT, "examples", "replan.json");

type RunDoc = { status: string; planVersionId: string; outputs: Record<string, unknown>; failure: { message: string } | null; steps: Record<string, { status: string; attempts: number }> };

beforeAll(() => {
  tmp = tempDir("trellis-cli-replan-");
  dataDir = path.join(tmp.dir, "data");
});
afterAll(() => tmp.remove());

describe("the re-plan example", { timeout: 180_000 }, () => {
  it("--replan: the failed step is re-planned and the same run succeeds", async () => {
    const r = await run(["run", example, "--replan", "--json"]);
    expect(r.code).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc.status).toBe("succeeded");
    expect(Object.fromEntries(Object.entries(doc.steps).map(([id, s]) => [id, s.status]))).toEqual({ load: "succeeded", by_region: "succeeded", report: "succeeded" });
    expect(String(doc.outputs.table)).toContain("| South |");
    expect(r.stderr + r.stdout).toMatch(/Re-planned \(1, offline\): changed load/);
  });

  it("--replan-ask waits for a person (exit 6); without the option the run fails (exit 1)", async () => {
    const asked = await run(["run", example, "--replan-ask"]);
    expect(asked.code).toBe(6);
    expect(asked.stderr + asked.stdout).toMatch(/waits for a person to accept or reject the re-plan/);
    const plain = await run(["run", example]);
    expect(plain.code).toBe(1);
    expect(plain.stderr + plain.stdout).toMatch(/Run failed .*step "load" failed: The sample "sales.csv" is CSV/);
    const bad = await run(["run", example, "--max-replans", "9"]);
    expect(bad.code).toBe(2);
  });
});
