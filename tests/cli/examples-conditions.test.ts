/**
 * The examples of conditions with a merge and of a typed result, run by the real `trellis`
 * command on a data folder of their own: the expected step statuses (some skipped, "condition
 * false"), the merged answer, and a result that does not fit its schema failing the run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, json, tempDir, trellis } from "../support/cli";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
const run = (args: string[]) => trellis(args, { dataDir });
const example = (name: string) => path.join(ROOT, "examples", name);

type RunDoc = { status: string; outcome: string | null; outputs: Record<string, unknown>; failure: { code: string; message: string } | null; steps: Record<string, { status: string }> };
const statuses = (doc: RunDoc) => Object.fromEntries(Object.entries(doc.steps).map(([id, s]) => [id, s.status]));

beforeAll(() => {
  tmp = tempDir("trellis-cli-conditions-");
  dataDir = path.join(tmp.dir, "data");
});
afterAll(() => tmp.remove());

describe("the conditions and typed-result examples", { timeout: 180_000 }, () => {
  it("conditions-merge.json takes the data path for a data question and merges its answer", async () => {
    const r = await run(["run", example("conditions-merge.json"), "--json"]);
    expect(r.code).toBe(0);
    const doc = json<RunDoc>(r);
    expect(doc).toMatchObject({ status: "succeeded", outcome: "clean" });
    expect(statuses(doc)).toEqual({ classify: "succeeded", sql_path: "succeeded", sql_audit: "succeeded", general_path: "skipped", answer: "succeeded" });
    expect(doc.outputs.answer).toMatch(/^Answer: Data question \(4 data terms/);
  });

  it("conditions-merge.json takes the general path otherwise, and says why the data path was skipped", async () => {
    const r = await run(["run", example("conditions-merge.json"), "--input", "question=Tell me a joke"]);
    expect(r.code).toBe(0);
    const text = r.stdout + r.stderr;
    expect(text).toMatch(/sql_path\s+text\.template\s+skipped: condition false: count was 0/);
    expect(text).toMatch(/sql_audit\s+text\.count_words\s+skipped: "sql_path" did not produce an output \(its condition was false\)/);
    expect(text).toContain("Answer: General question: answered without the database.");
  });

  it("typed-result.json returns a result that fits its schema; one that does not fit fails the run naming the path", async () => {
    const ok = json<RunDoc>(await run(["run", example("typed-result.json"), "--json"]));
    expect(ok.status).toBe("succeeded");
    expect(ok.outputs).toMatchObject({ top_region: "South", region_count: 4 });

    const plan = JSON.parse(readFileSync(example("typed-result.json"), "utf8"));
    plan.result.schema.properties.region_count = { type: "integer", maximum: 3 };
    const tight = path.join(tmp.dir, "tight.json");
    writeFileSync(tight, JSON.stringify(plan));
    const r = await run(["run", tight, "--json"]);
    expect(r.code).not.toBe(0);
    const bad = json<RunDoc>(r);
    expect(bad.status).toBe("failed");
    expect(bad.failure).toMatchObject({ code: "result_invalid" });
    expect(bad.failure!.message).toMatch(/region_count: .*3/);
  });
});
