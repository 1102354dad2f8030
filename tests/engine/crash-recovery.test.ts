/**
 * Kills a process running a plan with SIGKILL mid-run, starts a new one on the same
 * database, and checks the run finishes with every step completed exactly once, except
 * those running at the kill (at most twice, with the same idempotency key), and no gap
 * in the event sequence; the rows of the resumed run are still the fold of its events.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, postgresAvailability } from "../support/databases";
import { expectRowsMatchFold } from "../support/projection";
import { openDatabase } from "../../lib/store/database";

const child = path.join(__dirname, "crash-child.ts");
const pg = await postgresAvailability();
const kinds = pg.run ? (["pglite", "postgres"] as const) : (["pglite"] as const);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => { for (const c of cleanups) await c(); });

function runChild(args: string[], env: Record<string, string>): { proc: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  // node itself, not the tsx wrapper: SIGKILL must hit the process that runs the engine.
  const proc = spawn(process.execPath, ["--import", "tsx", child, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let buf = "";
  proc.stdout!.on("data", (d) => {
    buf += d.toString();
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts.filter(Boolean));
  });
  let err = "";
  proc.stderr!.on("data", (d) => { err += d.toString(); });
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => { if (code) console.error(err); resolve(code); }));
  return { proc, lines, exited };
}

async function until(cond: () => boolean, timeoutMs: number, what: string) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A folder for the run's log and database (a fresh PostgreSQL database on postgres), removed after the file. */
async function crashSetup(kind: (typeof kinds)[number]): Promise<{ log: string; env: Record<string, string> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "trellis-crash-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const env: Record<string, string> = { TRELLIS_TEST_DB_DIR: path.join(dir, "pglite") };
  if (kind === "postgres") {
    const created = await createPostgresDatabase();
    cleanups.push(created.drop);
    env.DATABASE_URL = created.url;
  }
  return { log: path.join(dir, "completions.log"), env };
}

/** The run's rows, in the database the children used, are the fold of its events. */
async function expectStoredRowsMatchFold(env: Record<string, string>, runId: string): Promise<void> {
  const db = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dir: env.TRELLIS_TEST_DB_DIR });
  try {
    await expectRowsMatchFold(db, runId);
  } finally {
    await db.close();
  }
}

describe.each(kinds)("crash recovery on %s", (kind) => {
  it("resumes after SIGKILL without re-running completed steps", async () => {
    const { log, env } = await crashSetup(kind);
    const completions = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean) : []);

    const first = runChild(["start", log], env);
    await until(() => completions().length >= 6, 30_000, "six completed steps");
    first.proc.kill("SIGKILL");
    await first.exited;
    const atKill = completions().length;
    expect(first.lines.some((l) => l.includes("finished"))).toBe(false);

    const second = runChild(["resume", log], env);
    expect(await second.exited).toBe(0);
    const out = JSON.parse(second.lines.at(-1)!);
    expect(out.resumed).toHaveLength(1);
    const [result] = out.results;
    expect(result.status).toBe("succeeded");
    expect(result.seqs).toEqual(result.seqs.map((_: number, i: number) => i + 1));
    expect(result.resumedEvents).toBe(2);

    const lines = completions();
    const counts = new Map<string, number>();
    const keys = new Map<string, Set<string>>();
    for (const line of lines) {
      const [step, key] = line.split(" ");
      counts.set(step, (counts.get(step) ?? 0) + 1);
      keys.set(step, (keys.get(step) ?? new Set()).add(key));
    }
    expect(counts.size).toBe(20);
    const twice = [...counts].filter(([, n]) => n > 1).map(([s]) => s);
    for (const n of counts.values()) expect(n).toBeLessThanOrEqual(2);
    // Only steps whose success was not yet stored when the process died may run twice: every step
    // that ran twice succeeded again after the resume (how many depends on how far the group commit
    // lagged behind at the kill, not on a fixed bound).
    const afterResume = new Set<string>(result.succeededAfterResume);
    for (const s of twice) expect(afterResume.has(s), `${s} ran twice though its success was stored before the kill`).toBe(true);
    for (const k of keys.values()) expect(k.size).toBe(1);
    expect(atKill).toBeGreaterThanOrEqual(6);
    expect(lines.length).toBe(20 + twice.length);

    // The resume put the steps caught mid-flight back to pending with its run.started event.
    const db = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dir: env.TRELLIS_TEST_DB_DIR });
    try {
      const { events } = await expectRowsMatchFold(db, result.runId);
      const resumedAt = events.filter((e) => e.type === "run.started")[1];
      expect(resumedAt?.type === "run.started" && resumedAt.data?.resumed).toBe(true);
    } finally {
      await db.close();
    }
  }, 90_000);

  it("resumes a run with a false condition after SIGKILL: the skipped branch never runs, the merge takes the branch that ran, the run is clean", async () => {
    const { log, env } = await crashSetup(kind);
    const completions = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split(" ")[0]) : []);

    const first = runChild(["cond-start", log], env);
    // killed while the slow branch runs, after the step the condition reads has completed
    await until(() => completions().includes("first"), 60_000, "the first step");
    first.proc.kill("SIGKILL");
    await first.exited;
    expect(first.lines.some((l) => l.includes("finished"))).toBe(false);

    const second = runChild(["resume", log], env);
    expect(await second.exited).toBe(0);
    const [result] = JSON.parse(second.lines.at(-1)!).results;
    expect(result.status).toBe("succeeded");
    expect(result.partial).toBe(false);
    expect(Object.fromEntries(result.steps.map((s: { id: string; status: string }) => [s.id, s.status]))).toEqual({ first: "succeeded", skipme: "skipped", after_skip: "skipped", slow: "succeeded", merge: "succeeded" });
    // each skip was decided once, whether before the kill or after the resume
    expect(result.skipped.map((s: { id: string }) => s.id).sort()).toEqual(["after_skip", "skipme"]);
    expect(result.skipped.find((s: { id: string }) => s.id === "skipme").reason).toBe('condition false: step was "first"');
    expect(result.seqs).toEqual(result.seqs.map((_: number, i: number) => i + 1));
    const ran = completions();
    // a step whose success the kill caught before it was stored may run again, never more
    expect(ran.filter((s) => s === "first").length).toBeLessThanOrEqual(2);
    expect(ran).not.toContain("skipme");
    expect(ran).not.toContain("after_skip");
    expect(ran.filter((s) => s === "merge")).toHaveLength(1);
    await expectStoredRowsMatchFold(env, result.runId);
  }, 150_000);

  it("resumes a for-each step after SIGKILL: no item whose success was stored runs again, the outputs stay in item order", async () => {
    const { log, env } = await crashSetup(kind);
    const completions = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean) : []);
    const items = () => completions().filter((l) => l.startsWith("item"));

    const first = runChild(["each-start", log], env);
    // killed mid-step: some items finished, some running, some not started
    await until(() => items().length >= 3, 60_000, "three finished items");
    first.proc.kill("SIGKILL");
    await first.exited;
    expect(first.lines.some((l) => l.includes("finished"))).toBe(false);
    const atKill = items().length;
    expect(atKill).toBeLessThan(8);

    const second = runChild(["resume", log], env);
    expect(await second.exited).toBe(0);
    const [result] = JSON.parse(second.lines.at(-1)!).results;
    expect(result.status).toBe("succeeded");
    expect(result.outputs).toEqual({ items: [0, 1, 2, 3, 4, 5, 6, 7] });
    expect(Object.fromEntries(result.steps.map((s: { id: string; status: string }) => [s.id, s.status]))).toEqual({ first: "succeeded", each: "succeeded", last: "succeeded" });
    expect(result.seqs).toEqual(result.seqs.map((_: number, i: number) => i + 1));
    const runs = new Map<string, string[]>();
    for (const line of items()) {
      const [item, key] = line.split(" ");
      runs.set(item, [...(runs.get(item) ?? []), key]);
    }
    expect([...runs.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => `item${i}`));
    // an item whose success was stored before the kill never ran again; one the kill caught may, with the same key
    const stored: number[] = result.itemsDoneBeforeResume;
    expect(stored.length).toBeGreaterThan(0);
    for (const i of stored) expect(runs.get(`item${i}`), `item ${i} ran again though its success was stored`).toHaveLength(1);
    for (const keys of runs.values()) {
      expect(keys.length).toBeLessThanOrEqual(2);
      expect(new Set(keys).size).toBe(1);
    }
    await expectStoredRowsMatchFold(env, result.runId);
  }, 150_000);

  it("resumes a re-planned run after SIGKILL: the new version goes on, nothing that finished runs again", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "trellis-crash-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const log = path.join(dir, "completions.log");
    const env: Record<string, string> = { TRELLIS_TEST_DB_DIR: path.join(dir, "pglite") };
    if (kind === "postgres") {
      const created = await createPostgresDatabase();
      cleanups.push(created.drop);
      env.DATABASE_URL = created.url;
    }
    const completions = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split(" ")[0]) : []);

    const first = runChild(["replan-start", log], env);
    // killed while the slow step of the new remainder runs: after the re-plan and the steps before it
    await until(() => completions().includes("mid"), 60_000, "the step after the re-planned one");
    first.proc.kill("SIGKILL");
    await first.exited;
    expect(first.lines.some((l) => l.includes("finished"))).toBe(false);

    const second = runChild(["resume", log], env);
    expect(await second.exited).toBe(0);
    const [result] = JSON.parse(second.lines.at(-1)!).results;
    expect(result.status).toBe("succeeded");
    expect(result.seqs).toEqual(result.seqs.map((_: number, i: number) => i + 1));
    // one re-plan, stored before the kill: the resume runs the new version and does not re-plan again
    expect(result.replanned).toHaveLength(1);
    expect(result.replanned[0]).toMatchObject({ replan: 1, failedStepId: "fix", failedAction: "test.broken", source: "offline", summary: { changed: ["fix"], added: [], removed: [] } });
    expect(result.planVersionId).toBe(result.replanned[0].planVersionId);
    expect(result.actions).toEqual({ first: "test.record", fix: "test.record", mid: "test.record", slow: "test.record" });
    expect(Object.fromEntries(result.steps.map((s: { id: string; status: string }) => [s.id, s.status]))).toEqual({ first: "succeeded", fix: "succeeded", mid: "succeeded", slow: "succeeded" });
    const ran = completions();
    // the broken action ran once; what finished before the re-plan never runs again
    expect(ran.filter((s) => s === "broken:fix")).toHaveLength(1);
    expect(ran.filter((s) => s === "first")).toHaveLength(1);
    // a step the kill caught before its success was stored may run again (its success is then stored after the resume), never more
    const afterResume = new Set<string>(result.succeededAfterResume);
    for (const s of ["fix", "mid"]) {
      const n = ran.filter((r) => r === s).length;
      expect(n).toBeLessThanOrEqual(2);
      if (n === 2) expect(afterResume.has(s)).toBe(true);
    }
    expect(ran.filter((s) => s === "slow").length).toBeLessThanOrEqual(2);
    const db = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dir: env.TRELLIS_TEST_DB_DIR });
    try {
      await expectRowsMatchFold(db, result.runId);
    } finally {
      await db.close();
    }
  }, 150_000);

  it("goes on with a rollback that a SIGKILL cut short: a write whose undo was stored is not undone again, each write gets one step.undone", async () => {
    const { log, env } = await crashSetup(kind);
    const lines = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split(" ")[0]) : []);

    const first = runChild(["undo-start", log], env);
    // w3's and w2's undos are stored before w1's starts (each undo's event is stored before the next); w1's hangs.
    await until(() => lines().includes("undo:w1"), 30_000, "the undo of the first write");
    first.proc.kill("SIGKILL");
    await first.exited;
    expect(lines()).toEqual(["w1", "w2", "w3", "broken:bad", "undo:w3", "undo:w2", "undo:w1"]);

    const second = runChild(["resume", log], env);
    expect(await second.exited).toBe(0);
    const [result] = JSON.parse(second.lines.at(-1)!).results;
    expect(result.status).toBe("failed");
    // Only the undo the kill caught runs again.
    expect(lines()).toEqual(["w1", "w2", "w3", "broken:bad", "undo:w3", "undo:w2", "undo:w1", "undo:w1"]);
    expect(result.undone).toEqual([{ id: "w3", ok: true }, { id: "w2", ok: true }, { id: "w1", ok: true }]);
    expect(result.seqs).toEqual(result.seqs.map((_: number, i: number) => i + 1));
    await expectStoredRowsMatchFold(env, result.runId);
  }, 90_000);

  it("quarantines a run whose step kills its process, at the second resume, instead of resuming it forever", async () => {
    const { log, env } = await crashSetup(kind);
    const deaths = () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").filter((l) => l.startsWith("die ")) : []);

    // The step kills the process that runs it: at the start, and again at the first resume.
    const first = runChild(["die-start", log], env);
    expect(await first.exited).toBeNull();
    expect(first.proc.signalCode).toBe("SIGKILL");
    expect(deaths()).toHaveLength(1);
    const second = runChild(["resume", log], env);
    expect(await second.exited).toBeNull();
    expect(second.proc.signalCode).toBe("SIGKILL");
    expect(deaths()).toHaveLength(2);

    // The second resume quarantines the run rather than running the step a third time.
    const third = runChild(["resume", log], env);
    expect(await third.exited).toBe(0);
    expect(deaths()).toHaveLength(2);
    expect(new Set(deaths()).size).toBe(1); // the same idempotency key both times
    const out = JSON.parse(third.lines.at(-1)!);
    const [result] = out.results;
    expect(result.status).toBe("failed");
    expect(result.failure).toMatchObject({ code: "internal", retryable: false, details: { quarantined: true, steps: ["die"], crashes: 2 } });
    expect(result.failure.message).toMatch(/^Quarantined: the process executing this run stopped 2 times in a row while step "die" was running/);
    expect(Object.fromEntries(result.steps.map((s: { id: string; status: string }) => [s.id, s.status]))).toEqual({ first: "succeeded", die: "failed", last: "skipped" });
    expect(result.seqs).toEqual(result.seqs.map((_: number, i: number) => i + 1));

    const db = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dir: env.TRELLIS_TEST_DB_DIR });
    try {
      const { events } = await expectRowsMatchFold(db, result.runId);
      const starts = events.filter((e) => e.type === "run.started").map((e) => (e.type === "run.started" ? e.data ?? {} : null));
      expect(starts).toEqual([{}, { resumed: true, interrupted: ["die"] }, { resumed: true, interrupted: ["die"] }]);
      expect(events.filter((e) => e.type === "step.started" && e.stepId === "first")).toHaveLength(1);
      // Nothing is left to resume.
      expect(await db.prisma.run.count({ where: { status: { in: ["queued", "running"] } } })).toBe(0);
    } finally {
      await db.close();
    }
  }, 90_000);
});
