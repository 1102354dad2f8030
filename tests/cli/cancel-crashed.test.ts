/**
 * `trellis cancel` on a run left unfinished by a process that was killed mid-step, with no
 * server running (the CLI's local mode): the cancellation is written as it is stored, no step
 * starts again, and the command exits at once with a documented code and says what it did. On
 * PostgreSQL the killed process's claim still has most of a 10-minute lease: the CLI, the same
 * engine on the same data folder, takes it over because that process is gone.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { json, tempDir, trellis } from "../support/cli";
import { createPostgresDatabase, postgresAvailability } from "../support/databases";
import { startTestServer, type TestServer } from "../support/http-server";
import { expectRowsMatchFold } from "../support/projection";
import { openDatabase } from "../../lib/store/database";

const pg = await postgresAvailability();
const kinds = pg.run ? (["pglite", "postgres"] as const) : (["pglite"] as const);
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

describe.each(kinds)("trellis cancel on a crashed run, without a server, on %s", { timeout: 180_000 }, (kind) => {
  it("writes the cancellation without starting any step, exits 0 and says what it cancelled", async () => {
    const tmp = tempDir("trellis-cancel-");
    cleanups.push(() => tmp.remove());
    // The page never answers: the step runs until its process is killed.
    let firstHit!: () => void;
    const hit = new Promise<void>((resolve) => { firstHit = resolve; });
    const site: TestServer = await startTestServer({ "/status": () => firstHit() });
    cleanups.push(() => site.close());
    const planFile = path.join(tmp.dir, "status.json");
    writeFileSync(planFile, JSON.stringify({
      goal: "Fetch the status page and read it",
      flows: [],
      inputs: [],
      steps: [
        { id: "greet", action: "text.template", inputs: { template: "checking", values: {} } },
        { id: "page", action: "web.fetch", inputs: { url: `${site.url}/status`, timeoutMs: 120_000 }, after: ["greet"] },
        { id: "text", action: "web.html_to_text", inputs: { html: "${steps.page.output.body}" } },
      ],
      outputs: {},
    }));
    const env: Record<string, string> = { TRELLIS_RUN_LEASE_MS: "600000", TRELLIS_HTTP_ALLOW_HOSTS: "127.0.0.1" };
    if (kind === "postgres") {
      const created = await createPostgresDatabase();
      cleanups.push(created.drop);
      env.DATABASE_URL = created.url;
    }
    const dataDir = path.join(tmp.dir, "data");
    const cli = (args: string[], options: Parameters<typeof trellis>[1] = {}) => trellis(args, { dataDir, env, ...options });

    // Killed once the page step's start is stored (its progress line comes from the stored event) and its request is out.
    const killed = await cli(["run", planFile, "--json"], { signalWhen: { text: "web.fetch", signal: "SIGKILL", after: hit } });
    expect(killed.code).toBeNull();
    const runId = /Run ([0-9a-f-]{36})/.exec(killed.stderr)?.[1];
    expect(runId, killed.stderr).toBeDefined();

    const cancel = await cli(["cancel", runId!]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toContain(`Cancelled run ${runId} (it was running, left unfinished by a process that stopped).`);
    expect(cancel.stdout).toMatch(/■ page +cancelled \(was running when its process stopped; not started again\)/);
    expect(cancel.stdout).toMatch(/■ text +cancelled \(was pending\)/);
    expect(cancel.stdout).toContain("1 step had already ended and keeps its outcome.");
    expect(site.hits).toHaveLength(1); // the page was never fetched again

    const again = await cli(["cancel", runId!, "--json"]);
    expect(again.code).toBe(1);
    expect(json<{ error: { message: string } }>(again).error.message).toMatch(/already cancelled/);
    const shown = json<{ run: { status: string }; steps: { stepId: string; status: string }[] }>(await cli(["runs", runId!, "--json"]));
    expect(shown.run.status).toBe("cancelled");
    expect(Object.fromEntries(shown.steps.map((s) => [s.stepId, s.status]))).toEqual({ greet: "succeeded", page: "cancelled", text: "cancelled" });

    const db = await openDatabase(env.DATABASE_URL ? { url: env.DATABASE_URL } : { dir: path.join(dataDir, "pglite") });
    try {
      const { events } = await expectRowsMatchFold(db, runId!);
      // The events the engine writes when it cancels, after the last one the killed process stored: no resume, no new start.
      expect(events.map((e) => `${e.type}${e.stepId ? ` ${e.stepId}` : ""}`)).toEqual([
        "run.queued", "run.started", "step.started greet", "step.succeeded greet", "step.started page",
        "step.cancelled page", "step.cancelled text", "run.cancelled",
      ]);
      expect(events.at(-1)).toMatchObject({ type: "run.cancelled", data: { reason: "cancelled by local" } });
      const row = await db.prisma.run.findUniqueOrThrow({ where: { id: runId! }, select: { ownerId: true } });
      expect(row.ownerId).toBeNull(); // the claim was released
    } finally {
      await db.close();
    }
  });
});
