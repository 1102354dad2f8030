/**
 * `run --interactive` driven through stdin, as a script would: every write or approval step
 * is asked about, and y / N / skip / quit decide it. Local mode, on this file's own database.
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOP_ROWS_PLAN, json, tempDir, trellis } from "../support/cli";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let planFile: string;

type RunDoc = { runId: string; status: string; outcome?: string | null; progress?: string; outputs: Record<string, unknown> | null; steps: Record<string, { status: string; approval?: string }> };
const interactive = (answers: string, extra: string[] = ["--input", "top=2"]) => trellis(["run", planFile, "--interactive", "--json", ...extra], { dataDir, input: answers });

beforeAll(() => {
  tmp = tempDir("trellis-cli-interactive-");
  dataDir = path.join(tmp.dir, "data");
  planFile = path.join(tmp.dir, "top.json");
  writeFileSync(planFile, JSON.stringify(TOP_ROWS_PLAN));
});
afterAll(() => tmp.remove());

// Each case starts several processes; a loaded machine (the whole suite on 2 cores) needs the room.
describe("trellis run --interactive", { timeout: 120_000 }, () => {
  it("y approves the write step, shows its input, and the run succeeds", async () => {
    const r = await interactive("y\n");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Step "save" (files.write) waits for approval. Its input:');
    expect(r.stderr).toMatch(/path\s+"top\.md"/);
    expect(r.stderr).toContain("[y]es / [N]o");
    const doc = json<RunDoc>(r);
    expect(doc.status).toBe("succeeded");
    expect(doc.steps.save).toEqual({ status: "succeeded", attempts: 1, approval: "approved", by: expect.stringContaining("(trellis cli)") });
    expect(existsSync(path.join(dataDir, "runs", doc.runId, "top.md"))).toBe(true);
  });

  it("N (the default) rejects the step and stops the run: exit 4, nothing written", async () => {
    const r = await interactive("\n");
    expect(r.code).toBe(4);
    const doc = json<RunDoc>(r);
    expect(doc.steps.save).toMatchObject({ status: "skipped", approval: "rejected" });
    expect(existsSync(path.join(dataDir, "runs", doc.runId, "top.md"))).toBe(false);
  });

  it("skip rejects the step and lets the run finish without it: exit 7, succeeded with rejections", async () => {
    const r = await interactive("skip\n");
    expect(r.code).toBe(7);
    const doc = json<RunDoc>(r);
    expect(doc.status).toBe("succeeded");
    expect(doc.outcome).toBe("with_rejections");
    expect(doc.progress).toBe("3 of 4 steps done · 1 skipped");
    expect(doc.steps.save).toMatchObject({ status: "skipped", approval: "rejected", comment: "skipped in the terminal" });
    expect(doc.outputs).toEqual({ rows: 2 });
    expect(r.stderr).toContain("! Run succeeded with rejections");
    expect(r.stderr).toMatch(/save was rejected by .+: “skipped in the terminal”/);
    // the list says so too, and finds it by its outcome
    const list = await trellis(["runs", "--outcome", "with_rejections", "--json"], { dataDir });
    expect(list.code).toBe(0);
    expect(json<{ runs: { id: string; outcome: string; steps: unknown }[] }>(list).runs.map((x) => x.id)).toContain(doc.runId);
  });

  it("quit cancels the run: exit 4", async () => {
    const r = await interactive("quit\n");
    expect(r.code).toBe(4);
    const doc = json<RunDoc>(r);
    expect(doc.status).toBe("cancelled");
    expect(doc.steps.save.status).toBe("cancelled");
  });

  it("an answer it does not know is asked again; the end of input answers N", async () => {
    const again = await interactive("maybe\ny\n");
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("Answer y, n, skip or quit.");
    const closed = await interactive("");
    expect(closed.code).toBe(4);
    expect(closed.stderr).toContain("no more input: answering N");
  });

  it("Ctrl-C at a question cancels the run: this process is the one running it (exit 4)", async () => {
    const r = await trellis(["run", planFile, "--interactive", "--input", "top=2"], { dataDir, signalWhen: { text: "Approve?", signal: "SIGINT" } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("Cancelling the run");
    expect(r.stdout).toMatch(/■ save\s+files\.write\s+cancelled/);
    expect(r.stdout).toContain("■ Run cancelled");
  });

  it("asks for a missing plan input before the run starts", async () => {
    const r = await interactive("zero\n4\ny\n", []);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("Value for top (integer, how many rows)");
    expect(r.stderr).toContain("expected integer, got string");
    expect(json<RunDoc>(r).outputs).toEqual({ rows: 4, file: "top.md" });
  });

  it("without --interactive, a step that needs approval stops the command (exit 6), and watch --interactive decides it", async () => {
    const sqlPlan = path.join(tmp.dir, "sql.json");
    writeFileSync(sqlPlan, JSON.stringify({
      goal: "Count the orders, after a person approves the query",
      flows: ["sql"],
      steps: [{ id: "count", action: "sql.query_generated", inputs: { sql: "SELECT count(*)::int AS orders FROM orders" } }],
      outputs: { table: "${steps.count.output.table}" },
    }));
    const first = await trellis(["run", sqlPlan], { dataDir });
    expect(first.code).toBe(6);
    expect(first.stdout).toContain("The run waits for a person: count.");
    const runId = /trellis watch (\S+) --interactive/.exec(first.stdout)?.[1];
    expect(runId).toBeTruthy();
    const watched = await trellis(["watch", runId!, "--interactive", "--json"], { dataDir, input: "y\n" });
    expect(watched.code).toBe(0);
    const doc = json<RunDoc>(watched);
    expect(doc.status).toBe("succeeded");
    expect(JSON.stringify(doc.outputs)).toMatch(/"orders":\d+/);
  });
});
