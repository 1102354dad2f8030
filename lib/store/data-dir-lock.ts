/**
 * One process per embedded database folder: PGlite has no locking of its own, and two
 * processes writing the same folder corrupt it. The lock file holds the owner's pid and, where
 * the system tells it (Linux), when that process started; a lock whose process is gone is taken
 * over, and so is one whose pid now names another process (after a crash and a reboot or a new
 * container, the old pid is often some other program's).
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`The embedded database in ${dir} is in use by another Trellis process (pid ${pid}). Stop it, or point this command at the running server with --server http://localhost:3000.`);
    this.name = "DataDirLockedError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** When the process started, in clock ticks since boot (Linux); null where the system does not say. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The name (field 2) may hold spaces and parentheses: count fields after its last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** The lock file's text: "<pid>" or "<pid> <start time>". */
function owner(text: string): { pid: number; started: string | null } {
  const [pid, started] = text.trim().split(/\s+/);
  return { pid: Number(pid), started: started ?? null };
}

function holds(pid: number, started: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return false;
  const now = started === null ? null : processStartTime(pid);
  return now === null || now === started;
}

/** Takes the lock on `dir` (the database folder's parent must exist); returns its release. */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, "trellis.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      const me = [process.pid, processStartTime(process.pid)].filter((v) => v !== null).join(" ");
      writeSync(fd, me);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try { if (readFileSync(file, "utf8") === me) rmSync(file); } catch { /* gone already */ }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const { pid, started } = owner(readFileSync(file, "utf8"));
      if (pid === process.pid) return () => undefined;
      if (holds(pid, started)) throw new DataDirLockedError(dir, pid);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}
