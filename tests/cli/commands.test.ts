/**
 * The CLI end to end, in local mode: each command is a child process that opens this file's own
 * embedded database (a fresh TRELLIS_DATA_DIR), so it never collides with a running app.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, TOP_ROWS_PLAN, json, tempDir, trellis } from "../support/cli";

let tmp: ReturnType<typeof tempDir>;
let dataDir: string;
let topPlan: string;
const EXAMPLE = path.join(ROOT, "examples", "revenue-by-region.json");
const run = (args: string[], input?: string) => trellis(args, { dataDir, input });

beforeAll(() => {
  tmp = tempDir("trellis-cli-");
  dataDir = path.join(tmp.dir, "data");
  topPlan = path.join(tmp.dir, "top.json");
  writeFileSync(topPlan, JSON.stringify(TOP_ROWS_PLAN));
});
afterAll(() => tmp.remove());

// Each case starts several processes; a loaded machine (the whole suite on 2 cores) needs the room.
describe("trellis, without a server", { timeout: 120_000 }, () => {
  it("prints help with the commands and the exit codes, and suggests a command for a typo", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    for (const c of ["plan", "run", "validate", "actions", "runs", "templates", "watch", "approve"]) expect(help.stdout).toContain(`trellis ${c}`);
    expect(help.stdout).toMatch(/Exit codes:[\s\S]*3 {2}the plan is not valid/);
    const runHelp = await run(["run", "--help"]);
    expect(runHelp.stdout).toContain("--interactive");
    const typo = await run(["rnu"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/There is no command "rnu"\. Did you mean "runs?"/);
    const badOption = await run(["actions", "--bogus"]);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/Unknown option '--bogus'/);
  });

  it("lists actions by flow, as text and as JSON", async () => {
    const text = await run(["actions", "--flow", "sql"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/sql\.query_generated\s+read, approval/);
    const doc = json<{ actions: { id: string; input: object }[] }>(await run(["actions", "--json"]));
    expect(doc.actions.map((a) => a.id)).toContain("files.write");
    expect(doc.actions.every((a) => typeof a.input === "object")).toBe(true);
    const unknown = await run(["actions", "--flow", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no flow "nope"');
  });

  it("validates plans: 0 when valid, 3 with the issues when not, 2 for a missing file", async () => {
    const ok = await run(["validate", EXAMPLE]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("revenue-by-region.json is valid: 7 steps");
    expect((await run(["validate", topPlan])).code).toBe(0);

    const broken = path.join(tmp.dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ ...TOP_ROWS_PLAN, steps: [...TOP_ROWS_PLAN.steps, { id: "x", action: "data.lod_csv", inputs: {} }] }));
    const bad = await run(["validate", broken, "--json"]);
    expect(bad.code).toBe(3);
    const doc = json<{ valid: boolean; issues: { code: string; candidates?: { value: string }[] }[] }>(bad);
    expect(doc.valid).toBe(false);
    expect(doc.issues.find((i) => i.code === "unknown_action")?.candidates?.[0].value).toBe("data.load_csv");

    const notPlan = path.join(tmp.dir, "not-plan.json");
    writeFileSync(notPlan, "{ nope");
    const np = await run(["validate", notPlan]);
    expect(np.code).toBe(3);
    expect(np.stderr).toContain("not-plan.json is not valid JSON");
    const missing = await run(["validate", path.join(tmp.dir, "absent.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('There is no file');
  });

  it("runs a plan file with live progress and prints its outputs", async () => {
    const r = await run(["run", EXAMPLE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/● load\s+data\.load_csv\s+running/);
    expect(r.stdout).toMatch(/✓ save\s+files\.write\s+succeeded/);
    expect(r.stdout).toContain("✓ Run succeeded");
    expect(r.stdout).toMatch(/file: reports\/revenue-by-region\.md/);
    const folder = /Files the run wrote are in (.+)/.exec(r.stdout)?.[1];
    expect(folder && existsSync(path.join(folder, "reports", "revenue-by-region.md"))).toBe(true);
  });

  it("types --input by the plan's schema and refuses missing or wrong inputs (exit 2)", async () => {
    const missing = await run(["run", topPlan]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('needs a value for "top" (integer). Pass --input top=…');
    const wrong = await run(["run", topPlan, "--input", "top=many"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--input top=\"many\": expected integer, got string");
    const unknown = await run(["run", topPlan, "--input", "nope=1"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no plan input "nope"');

    const ok = json<{ status: string; outputs: { rows: number; file: string }; steps: Record<string, { status: string }> }>(await run(["run", topPlan, "--input", "top=3", "--json"]));
    expect(ok.status).toBe("succeeded");
    expect(ok.outputs).toEqual({ rows: 3, file: "top.md" });
    expect(Object.values(ok.steps).every((s) => s.status === "succeeded")).toBe(true);
  });

  it("runs a stored plan by id, lists runs and shows one", async () => {
    const first = json<{ runs: { id: string; planId: string; status: string }[] }>(await run(["runs", "--json", "--limit", "50"]));
    expect(first.runs.length).toBeGreaterThanOrEqual(2);
    const { planId } = first.runs[0];
    const again = await run(["run", planId, "--input", "top=2", "--json"]);
    expect(json(again).status).toBe("succeeded");
    const list = await run(["runs", "--status", "succeeded"]);
    expect(list.stdout).toMatch(/succeeded\s+The top sales rows by revenue/);
    const runId = json<{ runId: string }>(again).runId;
    const show = await run(["runs", runId]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/top\s+data\.sort\s+✓ succeeded/);
    expect(show.stdout).toContain("rows: 2");
    const badStatus = await run(["runs", "--status", "done"]);
    expect(badStatus.code).toBe(2);
  });

  it("a dry run runs the reads, says what each write would do, labels itself and writes nothing", async () => {
    const r = await run(["run", topPlan, "--input", "top=1", "--dry-run", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Run \S+ \(dry run\)/);
    expect(r.stderr).toMatch(/✓ load\s+data\.load_csv/);
    expect(r.stderr).toMatch(/– save\s+files\.write\s+dry run: would create top\.md \(\d+ bytes\)/);
    expect(r.stdout + r.stderr).toContain("Dry run: nothing was written");
    const doc = json<{ runId: string; dryRun: boolean; outputs: Record<string, unknown>; steps: Record<string, { status: string }> }>(r);
    expect(doc).toMatchObject({ dryRun: true, outputs: { rows: 1, file: "top.md" } });
    expect(doc.steps.save.status).toBe("skipped");
    expect(existsSync(path.join(dataDir, "runs", doc.runId, "top.md"))).toBe(false);
  });

  it("--rollback undoes the writes of a run that fails; without it they stay", async () => {
    const failing = path.join(tmp.dir, "write-then-fail.json");
    writeFileSync(failing, JSON.stringify({
      goal: "write a file, then fail",
      flows: ["files"],
      inputs: [],
      steps: [
        { id: "save", action: "files.write", inputs: { path: "kept.md", content: "draft" } },
        { id: "check", action: "files.read", inputs: { path: "missing.md" }, after: ["save"] },
      ],
      outputs: {},
    }));
    const help = await run(["run", "--help"]);
    expect(help.stdout).toContain("--rollback");
    const rolled = await run(["run", failing, "--rollback", "--json"]);
    expect(rolled.code).toBe(1);
    expect(rolled.stderr).toContain("its writes are undone if it fails");
    const rolledId = json<{ runId: string }>(rolled).runId;
    expect(existsSync(path.join(dataDir, "runs", rolledId, "kept.md"))).toBe(false);
    expect(rolled.stderr).toMatch(/↩ save\s+files\.write\s+undone/);
    const kept = await run(["run", failing, "--json"]);
    expect(kept.code).toBe(1);
    expect(readFileSync(path.join(dataDir, "runs", json<{ runId: string }>(kept).runId, "kept.md"), "utf8")).toBe("draft");
  });

  it("plans a goal offline, saves the plan file, and executes it", async () => {
    const file = path.join(tmp.dir, "planned.json");
    const r = await run(["plan", "Load the sample sales CSV and total revenue by region", "--flow", "data", "--save", file, "--execute", "--json"]);
    expect(r.code).toBe(0);
    const doc = json<{ planId: string; valid: boolean; plan: { steps: { action: string }[] }; run: { status: string } }>(r);
    expect(doc.valid).toBe(true);
    expect(doc.plan.steps.map((s) => s.action)).toContain("data.load_csv");
    expect(doc.run.status).toBe("succeeded");
    expect(JSON.parse(readFileSync(file, "utf8")).steps).toHaveLength(doc.plan.steps.length);
    expect(r.stderr).toContain("Planning offline");
  });

  it("says to use --server with the app's URL when the app holds the database (exit 5), to wait when a command does, and when a server does not answer", async () => {
    const lockDir = path.join(tmp.dir, "locked");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(path.join(lockDir, "pglite"), { recursive: true });
    // This test process is alive: to the CLI it is the app on port 3200 holding the folder
    // (the CLI's own PORT is not the app's).
    writeFileSync(path.join(lockDir, "pglite", "trellis.lock"), `${process.pid} http://localhost:3200`);
    const locked = await trellis(["runs"], { dataDir: lockDir, env: { PORT: "3000" } });
    expect(locked.code).toBe(5);
    expect(locked.stderr).toContain(`in use by the Trellis server at http://localhost:3200 (pid ${process.pid})`);
    expect(locked.stderr).toContain("pass --server http://localhost:3200");
    expect(locked.stderr).not.toContain("localhost:3000");
    // A lock without a URL (another command's, or one written before URLs were kept) names no server.
    writeFileSync(path.join(lockDir, "pglite", "trellis.lock"), String(process.pid));
    const busy = await trellis(["runs"], { dataDir: lockDir });
    expect(busy.code).toBe(5);
    expect(busy.stderr).toContain(`in use by another Trellis command (pid ${process.pid}). Wait for it to finish, or stop it.`);
    expect(busy.stderr).not.toContain("--server");
    // Actions are code: they are listed even so.
    const actions = await trellis(["actions"], { dataDir: lockDir });
    expect(actions.code).toBe(0);
    expect(actions.stderr).toContain("using the built-in actions");

    const down = await run(["runs", "--server", "http://127.0.0.1:9"]);
    expect(down.code).toBe(5);
    expect(down.stderr).toContain("Cannot reach Trellis at http://127.0.0.1:9");
    const json5 = json<{ error: { exitCode: number } }>(await run(["runs", "--json", "--server", "http://127.0.0.1:9"]));
    expect(json5.error.exitCode).toBe(5);
  });

  it("resolves relative paths against the folder it was started in", async () => {
    const r = await trellis(["validate", "top.json"], { dataDir, cwd: tmp.dir });
    expect(r.code).toBe(0);
  });
});
