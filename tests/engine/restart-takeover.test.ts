/**
 * The only server is killed with SIGKILL while a step runs, and started again on the same data
 * folder and database. It resumes the run at start-up, at once: on PostgreSQL the dead process's
 * claim still has most of a 10-minute lease left, so only recognising that claim as its own
 * (same engine, process gone) explains a resume within the test's time. The step caught
 * mid-flight runs again; the finished one does not.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, postgresAvailability } from "../support/databases";
import { startTestServer, type TestServer } from "../support/http-server";
import { expectRowsMatchFold } from "../support/projection";
import { openDatabase } from "../../lib/store/database";

const child = path.join(__dirname, "server-child.ts");
const LEASE_MS = 600_000;
const pg = await postgresAvailability();
const kinds = pg.run ? (["pglite", "postgres"] as const) : (["pglite"] as const);
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

type Said = { up?: boolean; pid?: number; ownerId?: string; runId?: string; event?: string; stepId?: string | null; seq?: number; at?: string };

function startServer(args: string[], env: Record<string, string>): { proc: ChildProcess; said: Said[]; exited: Promise<void> } {
  // node itself, not the tsx wrapper: SIGKILL must hit the process that runs the engine.
  const proc = spawn(process.execPath, ["--import", "tsx", child, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const said: Said[] = [];
  let buf = "";
  proc.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split("\n");
    buf = lines.pop()!;
    for (const line of lines) if (line.startsWith("{")) said.push(JSON.parse(line) as Said);
  });
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => proc.on("exit", (code, signal) => {
    if (code && code !== 143) console.error(`server-child exited with ${code}:\n${err}`);
    else if (signal !== "SIGKILL" && signal !== "SIGTERM") console.error(err);
    resolve();
  }));
  cleanups.push(() => { if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL"); });
  return { proc, said, exited };
}

/** Waits for a condition (never a fixed time); `limitMs` only turns a hang into a clear failure. */
async function until<T>(get: () => T | undefined | false, what: string, limitMs = 120_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() - t0 > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A status page whose first `hanging` requests never get an answer, and a plan that fetches it. */
async function setUp(kind: (typeof kinds)[number], hanging: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "trellis-restart-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  let pageHits = 0;
  const site: TestServer = await startTestServer({
    "/status": (_req, res) => {
      pageHits++;
      if (pageHits > hanging) res.writeHead(200, { "content-type": "text/html" }).end("<html><body><h1>All systems normal</h1></body></html>");
    },
  });
  cleanups.push(() => site.close());
  const planFile = path.join(dir, "plan.json");
  writeFileSync(planFile, JSON.stringify({
    goal: "Fetch the status page and read it",
    flows: [],
    inputs: [],
    steps: [
      { id: "greet", action: "text.template", inputs: { template: { kind: "literal", value: "checking" }, values: { kind: "literal", value: {} } } },
      { id: "page", action: "web.fetch", inputs: { url: { kind: "literal", value: `${site.url}/status` }, timeoutMs: { kind: "literal", value: 120_000 } }, after: ["greet"] },
      { id: "text", action: "web.html_to_text", inputs: { html: { kind: "step", step: "page", path: ["body"] } } },
    ],
    outputs: { text: { kind: "step", step: "text", path: ["text"] } },
  }));
  const dataDir = path.join(dir, "data");
  const env: Record<string, string> = { TRELLIS_DATA_DIR: dataDir, TRELLIS_HTTP_ALLOW_HOSTS: "127.0.0.1", TRELLIS_RUN_LEASE_MS: String(LEASE_MS), DATABASE_URL: "", OPENAI_API_KEY: "", OPENAI_BASE_URL: "" };
  if (kind === "postgres") {
    const created = await createPostgresDatabase();
    cleanups.push(created.drop);
    env.DATABASE_URL = created.url;
  }
  return { hits: () => pageHits, planFile, dataDir, env };
}

describe.each(kinds)("a server killed mid-step and started again, on %s", (kind) => {
  it("resumes its run at start-up by taking over its own dead process's claim, long before the lease runs out", async () => {
    // The first request hangs (the process is killed meanwhile); the one after the restart is answered.
    const { hits, planFile, dataDir, env } = await setUp(kind, 1);
    const first = startServer(["start", planFile], env);
    const runId = (await until(() => first.said.find((s) => s.runId), "the run to start")).runId!;
    // The step is durably running (its start is stored) and its request is out.
    await until(() => first.said.some((s) => s.event === "step.started" && s.stepId === "page") && hits() === 1, "the page step to be running");
    const firstOwner = first.said.find((s) => s.ownerId)!.ownerId!;
    first.proc.kill("SIGKILL");
    await first.exited;
    expect(first.said.some((s) => s.event === "run.succeeded")).toBe(false);

    let leaseUntilAtKill: Date | null = null;
    if (kind === "postgres") {
      // The dead process still holds the run, with most of its lease left.
      const db = await openDatabase({ url: env.DATABASE_URL });
      try {
        const row = await db.prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { ownerId: true, leaseUntil: true, status: true } });
        expect(row.status).toBe("running");
        expect(row.ownerId).toBe(firstOwner);
        leaseUntilAtKill = row.leaseUntil;
        expect(leaseUntilAtKill!.getTime() - Date.now()).toBeGreaterThan(LEASE_MS / 2);
      } finally {
        await db.close();
      }
    }

    const restartedAt = Date.now();
    const second = startServer(["serve"], env);
    const resumed = await until(() => second.said.find((s) => s.event === "run.started" && s.runId === runId), "the run to resume after the restart");
    const ended = await until(() => second.said.find((s) => s.runId === runId && (s.event === "run.succeeded" || s.event === "run.failed" || s.event === "run.cancelled")), "the resumed run to end");
    const secondOwner = second.said.find((s) => s.ownerId)!.ownerId!;
    second.proc.kill("SIGTERM");
    await second.exited;
    expect(ended.event).toBe("run.succeeded");
    expect(hits()).toBe(2);
    // The same engine (its name is kept in the data folder), another process.
    const name = (id: string) => id.slice(0, id.indexOf("@"));
    expect(name(secondOwner)).toBe(name(firstOwner));
    expect(secondOwner).not.toBe(firstOwner);
    const resumedAt = Date.parse(resumed.at!);
    if (leaseUntilAtKill) expect(resumedAt).toBeLessThan(leaseUntilAtKill.getTime() - LEASE_MS / 2);
    console.log(`[restart on ${kind}] resumed ${resumedAt - restartedAt} ms after the restart (process start included), ${leaseUntilAtKill ? `${Math.round((leaseUntilAtKill.getTime() - resumedAt) / 1000)} s before the dead process's lease would have run out` : "the embedded database is this process's alone"}`);

    const db = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dir: path.join(dataDir, "pglite") });
    try {
      const { events, rows } = await expectRowsMatchFold(db, runId);
      const starts = events.filter((e) => e.type === "run.started").map((e) => (e.type === "run.started" ? e.data ?? {} : null));
      expect(starts).toEqual([{}, { resumed: true, interrupted: ["page"] }]);
      expect(events.filter((e) => e.type === "step.started").map((e) => e.stepId)).toEqual(["greet", "page", "page", "text"]);
      expect(rows.status).toBe("succeeded");
    } finally {
      await db.close();
    }
  }, 240_000);

  it("is told to stop mid-step twice (a deploy, a restart) and resumes the run each time, without taking the stops for crashes", async () => {
    const { hits, planFile, dataDir, env } = await setUp(kind, 2);
    let server = startServer(["start", planFile], env);
    const runId = (await until(() => server.said.find((s) => s.runId), "the run to start")).runId!;
    for (let stop = 1; stop <= 2; stop++) {
      await until(() => server.said.some((s) => s.event === "step.started" && s.stepId === "page") && hits() === stop, `the page step to be running (${stop})`);
      server.proc.kill("SIGTERM");
      await server.exited;
      expect(server.proc.exitCode).toBe(143); // it exited as told, as `next start` does
      server = startServer(["serve"], env);
    }
    // Two stops in a row while the step ran: a crash would have been quarantined by now.
    const ended = await until(() => server.said.find((s) => s.runId === runId && (s.event === "run.succeeded" || s.event === "run.failed" || s.event === "run.cancelled")), "the resumed run to end");
    server.proc.kill("SIGTERM");
    await server.exited;
    expect(ended.event).toBe("run.succeeded");
    expect(hits()).toBe(3);

    const db = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dir: path.join(dataDir, "pglite") });
    try {
      const { events } = await expectRowsMatchFold(db, runId);
      const starts = events.filter((e) => e.type === "run.started").map((e) => (e.type === "run.started" ? e.data ?? {} : null));
      expect(starts).toEqual([{}, { resumed: true, interrupted: ["page"], planned: ["page"] }, { resumed: true, interrupted: ["page"], planned: ["page"] }]);
    } finally {
      await db.close();
    }
  }, 240_000);
});
