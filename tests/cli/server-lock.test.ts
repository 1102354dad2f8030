/**
 * A command on a data folder the app holds is told the app's own URL: the server's start-up
 * (what instrumentation.ts runs, here in a process of its own that Next.js would have told
 * PORT=3200) keeps that URL in the embedded database's lock, and the CLI names it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, tempDir, trellis } from "../support/cli";

const tmp = tempDir("trellis-server-lock-");
const children: ChildProcess[] = [];
afterAll(() => {
  children.forEach((c) => c.kill("SIGKILL"));
  tmp.remove();
});

/** The server's start-up in a child process on `dataDir`, resolved once it is up (its lock taken). */
function startServer(dataDir: string, env: Record<string, string>): Promise<ChildProcess> {
  const script = 'await (await import(process.argv[1])).startServerOrExit(); console.log("up"); setInterval(() => {}, 1 << 30);';
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, path.join(ROOT, "lib/server/server-start.ts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: "", OPENAI_API_KEY: "", OPENAI_BASE_URL: "", TRELLIS_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      output += d.toString();
      if (output.includes("up\n")) resolve(child);
    });
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    child.once("exit", (code) => reject(new Error(`the server stopped (${code}) before it was up:\n${output}`)));
  });
}

describe("a data folder the server holds", { timeout: 120_000 }, () => {
  it("names the server's URL, from the port it serves on, to a command refused the folder", async () => {
    const dataDir = path.join(tmp.dir, "data");
    const server = await startServer(dataDir, { PORT: "3200" });
    expect(readFileSync(path.join(dataDir, "pglite", "trellis.lock"), "utf8")).toMatch(new RegExp(`^${server.pid}( \\d+)? http://localhost:3200$`));
    // The command's own PORT is not the server's.
    const refused = await trellis(["runs"], { dataDir, env: { PORT: "3000" } });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain(`in use by the Trellis server at http://localhost:3200 (pid ${server.pid})`);
    expect(refused.stderr).toContain("pass --server http://localhost:3200");
    expect(refused.stderr).not.toContain("localhost:3000");
  });
});
