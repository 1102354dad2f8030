/**
 * The CLI through a running Trellis (--server): the BUILT app on a free port with its own data
 * folder (run `npx next build` first). Same commands, same output, events over SSE.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBuiltApp } from "../support/built-app";
import { ROOT, TOP_ROWS_PLAN, json, tempDir, trellis } from "../support/cli";

let app: { baseUrl: string; stop(): Promise<void> };
let tmp: ReturnType<typeof tempDir>;
let planFile: string;
// No data folder of its own: with --server the CLI never opens a database.
const remote = (args: string[], options: { input?: string; signalWhen?: { text: string; signal: NodeJS.Signals } } = {}) =>
  trellis([...args, "--server", app.baseUrl], { ...options, env: { TRELLIS_DATA_DIR: path.join(tmp.dir, "never-opened") } });

beforeAll(async () => {
  tmp = tempDir("trellis-cli-remote-");
  planFile = path.join(tmp.dir, "top.json");
  writeFileSync(planFile, JSON.stringify(TOP_ROWS_PLAN));
  app = await startBuiltApp();
}, 120_000);
afterAll(async () => {
  await app?.stop();
  tmp?.remove();
});

// Each case starts several processes; a loaded machine (the whole suite on 2 cores) needs the room.
describe("trellis --server (built app)", { timeout: 120_000 }, () => {
  it("lists actions and templates from the server", async () => {
    const actions = json<{ actions: { id: string }[] }>(await remote(["actions", "--json"]));
    expect(actions.actions.length).toBeGreaterThan(20);
    const templates = await remote(["templates"]);
    expect(templates.stdout).toContain("csv-report");
  });

  it("runs a plan file with live progress over SSE, and links the run page", async () => {
    const r = await remote(["run", path.join(ROOT, "examples", "revenue-by-region.json")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ save\s+files\.write\s+succeeded/);
    expect(r.stdout).toContain(`${app.baseUrl}/runs/`);
    expect(r.stdout).toContain("✓ Run succeeded");
  });

  it("plans a goal with live planning events and runs it interactively", async () => {
    const planned = await remote(["plan", "Load the sample sales CSV and total revenue by region", "--flow", "data", "--json"]);
    expect(planned.code).toBe(0);
    expect(planned.stderr).toContain("Planning offline");
    const { planId } = json<{ planId: string }>(planned);
    const r = await remote(["run", planFile, "--interactive", "--input", "top=3", "--json"], { input: "y\n" });
    expect(r.code).toBe(0);
    expect(json<{ outputs: unknown }>(r).outputs).toEqual({ rows: 3, file: "top.md" });
    const runs = json<{ runs: { planId: string }[] }>(await remote(["runs", "--json"]));
    expect(runs.runs.length).toBeGreaterThanOrEqual(2);
    expect(planId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("Ctrl-C stops following but the run goes on on the server; approve decides it later", async () => {
    const first = await remote(["run", planFile, "--interactive", "--input", "top=1"], { signalWhen: { text: "Approve?", signal: "SIGINT" } });
    expect(first.code).toBe(130);
    expect(first.stderr).toContain("Stopped following. The run goes on on the server");
    const runId = /trellis watch (\S+)/.exec(first.stderr)?.[1];
    expect(runId).toBeTruthy();
    const status = json<{ run: { status: string } }>(await remote(["runs", runId!, "--json"]));
    expect(status.run.status).toBe("awaiting_approval");
    const approved = await remote(["approve", runId!, "save", "--json"]);
    expect(approved.code).toBe(0);
    expect(json<{ status: string }>(approved).status).toBe("succeeded");
  });

  it("answers API errors with the right exit code", async () => {
    const missing = await remote(["runs", "00000000-0000-4000-8000-000000000000"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("There is no run");
    const badParam = await remote(["templates", "use", "csv-report", "--param", "aggregate=mode"]);
    expect(badParam.code).toBe(2);
  });

  it("uploads --file into the run's workspace on the server, and lists and forgets remembered plans", async () => {
    const notes = path.join(tmp.dir, "notes.txt");
    writeFileSync(notes, "Plans run; plans wait.\nA plan is a graph, and a graph is a plan.");
    const plan = path.join(tmp.dir, "notes-plan.json");
    const planned = await remote(["plan", "Read notes.txt, count words, write the counts to counts.json", "--save", plan]);
    expect(planned.code, planned.stderr).toBe(0);
    const r = await remote(["run", plan, "--file", notes, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Uploaded notes.txt");
    const done = json<{ runId: string; status: string }>(r);
    expect(done.status).toBe("succeeded");
    const listed = json<{ items: { id: string; goal: string; origin: string }[] }>(await remote(["memory", "--runs", "--json"]));
    const remembered = listed.items.find((i) => i.goal === "Read notes.txt, count words, write the counts to counts.json");
    expect(remembered?.id).toMatch(/^version:/);
    expect((await remote(["memory", "forget", remembered!.id])).code).toBe(0);
    expect(json<{ items: { id: string }[] }>(await remote(["memory", "--json"])).items.map((i) => i.id)).not.toContain(remembered!.id);
    expect((await remote(["memory", "forget", "version:00000000-0000-4000-8000-000000000000"])).code).toBe(2);
  });
});
