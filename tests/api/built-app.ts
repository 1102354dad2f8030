/**
 * The BUILT app for contract tests: `next start` on a free port with a fresh data folder, like
 * scripts/bench/app-server.ts but patient with a loaded machine and telling why it did not
 * start. It needs `.next`: run `npx next build` first.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../scripts/bench/app-server";

export const NEEDS_BUILD = "These tests run against the built app: run `npx next build` first (then rerun them).";
const START_TIMEOUT_MS = 120_000;

/** The newest modification time of the sources the build is made of. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "generated" || e.name === "node_modules" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : /\.(ts|tsx|css)$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? statSync(p).mtimeMs : 0);
  }
  return newest;
}

export async function startBuiltApp(): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const buildId = path.join(process.cwd(), ".next", "BUILD_ID");
  if (!existsSync(buildId)) throw new Error(`.next is missing. ${NEEDS_BUILD}`);
  const built = statSync(buildId).mtimeMs;
  if (["app", "lib", "components"].some((d) => newestSource(path.join(process.cwd(), d)) > built)) {
    console.warn("\n⚠ Sources changed after the last `npx next build`: these tests run the older build.\n");
  }
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "trellis-api-"));
  const proc = spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, TRELLIS_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", OPENAI_API_KEY: "", OPENAI_BASE_URL: "", DATABASE_URL: "" },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  proc.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    process.stderr.write(d);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try {
      process.kill(-proc.pid!, "SIGTERM");
    } catch {
      /* already gone */
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until && proc.exitCode === null) {
    try {
      if ((await fetch(`${baseUrl}/api/flows`)).ok) return { baseUrl, stop };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`The built app did not start on ${baseUrl}${proc.exitCode !== null ? ` (it exited with ${proc.exitCode})` : ` within ${START_TIMEOUT_MS / 1000} s`}. ${NEEDS_BUILD}\n${stderr.slice(-2000)}`);
}
