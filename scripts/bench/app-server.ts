/** Starts the built app on a free port with a fresh embedded database, for browser benchmarks. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * `next start` on a free port with a fresh data folder. Fails, with the app's last error
 * output, when it exits or does not answer within `timeoutMs`.
 */
export async function startApp(
  options: {
    timeoutMs?: number;
    echoStderr?: boolean;
    /** check every API answer against the contract (tests; off for benchmarks) */
    checkAnswers?: boolean;
    /** an existing data folder (kept when the app stops); a fresh one by default */
    dataDir?: string;
    /** more environment for the app (TRELLIS_* settings) */
    env?: Record<string, string>;
    /** the address to listen on (default 127.0.0.1); it is still reached through 127.0.0.1 */
    host?: string;
    /** receives everything the app writes (stdout and stderr), when given */
    output?: (text: string) => void;
  } = {},
): Promise<{ baseUrl: string; dataDir: string; stop(): Promise<void> }> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const port = await freePort();
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), "trellis-app-"));
  const proc = spawn(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", options.host ?? "127.0.0.1"], {
    env: { ...process.env, TRELLIS_DATA_DIR: dataDir, NEXT_TELEMETRY_DISABLED: "1", TRELLIS_CHECK_ANSWERS: options.checkAnswers ? "1" : "0", OPENAI_API_KEY: "", OPENAI_BASE_URL: "", DATABASE_URL: "", ...options.env },
    stdio: ["ignore", options.output ? "pipe" : "ignore", "pipe"],
    detached: true,
  });
  proc.stdout?.on("data", (d: Buffer) => options.output?.(d.toString()));
  let stderr = "";
  proc.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
    options.output?.(d.toString());
    if (options.echoStderr ?? true) process.stderr.write(d);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    try { process.kill(-proc.pid!, "SIGTERM"); } catch { /* already gone */ }
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && proc.exitCode === null) {
    try {
      // 401: up, with accounts required (TRELLIS_ACCOUNTS=required).
      const status = (await fetch(`${baseUrl}/api/flows`)).status;
      if (status === 200 || status === 401) return { baseUrl, dataDir, stop };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`The app did not start on ${baseUrl}${proc.exitCode !== null ? ` (it exited with ${proc.exitCode})` : ` within ${timeoutMs / 1000} s`}; run \`npx next build\` first.\n${stderr.slice(-2000)}`);
}

export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"];
