import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirLockedError, lockDataDir, processStartTime } from "./data-dir-lock";

const dir = () => mkdtempSync(path.join(os.tmpdir(), "trellis-lock-"));
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill("SIGKILL")));

/** A live process other than this one: its pid and start time. */
async function another(): Promise<{ pid: number; started: string | null }> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1e6)"], { stdio: "ignore" });
  children.push(child);
  await new Promise((resolve) => child.once("spawn", resolve));
  return { pid: child.pid!, started: processStartTime(child.pid!) };
}

/** The refusal of the lock on `d`. */
function refusal(d: string): DataDirLockedError {
  try {
    lockDataDir(d)();
  } catch (err) {
    if (err instanceof DataDirLockedError) return err;
    throw err;
  }
  throw new Error(`${d} was not refused`);
}

describe("the data folder's lock", () => {
  it("is held by one process, names it, and is gone once released", () => {
    const d = dir();
    const release = lockDataDir(d);
    const file = path.join(d, "trellis.lock");
    expect(readFileSync(file, "utf8")).toMatch(new RegExp(`^${process.pid}( \\d+)?$`));
    lockDataDir(d)(); // the same process again: nothing to wait for, and its release is not the lock's
    expect(existsSync(file)).toBe(true);
    release();
    expect(existsSync(file)).toBe(false);
  });

  it("refuses a folder another live process holds", async () => {
    const d = dir();
    const other = await another();
    writeFileSync(path.join(d, "trellis.lock"), [other.pid, other.started].filter(Boolean).join(" "));
    expect(() => lockDataDir(d)).toThrow(DataDirLockedError);
    // a lock written before start times were recorded still counts
    writeFileSync(path.join(d, "trellis.lock"), String(other.pid));
    expect(() => lockDataDir(d)).toThrow(DataDirLockedError);
  });

  it("records where a server serves, and names it to whoever is refused", async () => {
    const d = dir();
    const release = lockDataDir(d, "http://localhost:3200");
    const text = readFileSync(path.join(d, "trellis.lock"), "utf8");
    expect(text).toMatch(new RegExp(`^${process.pid}( \\d+)? http://localhost:3200$`));
    release();
    // The same lock, held by another live process (the server on port 3200).
    const other = await another();
    writeFileSync(path.join(d, "trellis.lock"), [other.pid, other.started, "http://localhost:3200"].filter(Boolean).join(" "));
    const err = refusal(d);
    expect(err.serverUrl).toBe("http://localhost:3200");
    expect(err.message).toContain(`in use by the Trellis server at http://localhost:3200 (pid ${other.pid})`);
    expect(err.message).toContain("--server http://localhost:3200");
    expect(err.message).not.toContain("localhost:3000");
  });

  it("names a holder that is not a server as a Trellis command, with no server to point at", async () => {
    const d = dir();
    const other = await another();
    // as a command writes it now, and as any holder wrote it before URLs were recorded (pid alone)
    for (const text of [[other.pid, other.started].filter(Boolean).join(" "), String(other.pid)]) {
      writeFileSync(path.join(d, "trellis.lock"), text);
      const err = refusal(d);
      expect(err.serverUrl).toBeNull();
      expect(err.message).toBe(`The embedded database in ${d} is in use by another Trellis command (pid ${other.pid}). Wait for it to finish, or stop it.`);
      expect(err.message).not.toMatch(/--server|http/);
    }
  });

  it("takes over a lock whose process is gone", async () => {
    const d = dir();
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    const pid = child.pid!;
    await new Promise((resolve) => child.once("exit", resolve));
    writeFileSync(path.join(d, "trellis.lock"), `${pid} 1`);
    lockDataDir(d)();
  });

  it.runIf(processStartTime(process.pid) !== null)("takes over a lock whose pid now names another process", async () => {
    const d = dir();
    const other = await another();
    writeFileSync(path.join(d, "trellis.lock"), `${other.pid} ${Number(other.started) + 1}`);
    const release = lockDataDir(d);
    expect(readFileSync(path.join(d, "trellis.lock"), "utf8").startsWith(`${process.pid}`)).toBe(true);
    release();
  });
});
