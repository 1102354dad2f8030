/**
 * The Trellis server without its web layer, for the restart test: it opens Trellis through the
 * composition root and resumes unfinished runs as the server does when it starts
 * (startTrellisServer, which instrumentation.ts calls). `start <plan file>` also stores the plan
 * and starts a run of it. Either way it then stays up, as a server does, until it is killed, and
 * prints each run event once it is stored (the bus publishes after the commit). SIGTERM stops it
 * as it stops `next start`.
 * Configuration comes from the environment (TRELLIS_DATA_DIR, DATABASE_URL, TRELLIS_RUN_LEASE_MS).
 */
import { readFileSync } from "node:fs";
import { importPlan } from "../../lib/server/plans";
import { startRun } from "../../lib/server/runs";
import { getTrellis, startTrellisServer } from "../../lib/server/trellis";

const [mode, planFile] = process.argv.slice(2);
const say = (doc: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(doc)}\n`);

// Listen before the resume starts, so that no event of it goes unsaid.
(await getTrellis()).engine.bus.subscribeAll((e) => say({ event: e.type, runId: e.runId, stepId: e.stepId ?? null, seq: e.seq, at: e.at }));
const t = await startTrellisServer();
// As `next start` does: told to stop, the process exits (after Trellis notes what it was running).
process.once("SIGTERM", () => process.exit(143));
process.once("SIGINT", () => process.exit(130));
say({ up: true, pid: process.pid, ownerId: t.engine.ownerId });
if (mode === "start") {
  const { planId } = await importPlan(JSON.parse(readFileSync(planFile, "utf8")));
  const { runId } = await startRun(planId, { inputs: {}, options: {} });
  say({ runId });
}
setInterval(() => undefined, 1 << 30);
