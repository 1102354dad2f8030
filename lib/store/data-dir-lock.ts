/**
 * One process per embedded database folder: PGlite has no locking of its own, and two
 * processes writing the same folder corrupt it. The lock file holds the owner's pid and, where
 * the system tells it (Linux), when that process started; a lock whose process is gone is taken
 * over, and so is one whose pid now names another process (after a crash and a reboot or a new
 * container, the old pid is often some other program's). A server also writes the URL it serves
 * on, so a command refused the folder can be told where to send its work instead.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  /** who holds the folder, as a sentence without what to do about it */
  readonly holder: string;

  /** `serverUrl`: where the holder serves Trellis, when it is a server */
  constructor(readonly dir: string, readonly pid: number, readonly serverUrl: string | null = null) {
    const holder = serverUrl
      ? `The embedded database in ${dir} is in use by the Trellis server at ${serverUrl} (pid ${pid}).`
      : `The embedded database in ${dir} is in use by another Trellis command (pid ${pid}).`;
    super(`${holder} ${serverUrl ? `Stop it, or point this command at it with --server ${serverUrl}.` : "Wait for it to finish, or stop it."}`);
    this.holder = holder;
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

/**
 * The lock file's text: "<pid>", then its start time where known, then the server's URL when the
 * holder is a server. A reader that expects only "<pid> <start time>" still finds both first.
 */
function owner(text: string): { pid: number; started: string | null; serverUrl: string | null } {
  const [pid, ...rest] = text.trim().split(/\s+/);
  const isUrl = (field: string) => field.includes("://");
  return { pid: Number(pid), started: rest.find((f) => !isUrl(f)) ?? null, serverUrl: rest.find(isUrl) ?? null };
}

function holds(pid: number, started: string | null): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return false;
  const now = started === null ? null : processStartTime(pid);
  return now === null || now === started;
}

/**
 * Takes the lock on `dir` (the database folder's parent must exist); returns its release.
 * `serverUrl`: where this process serves Trellis, when it is a server.
 */
export function lockDataDir(dir: string, serverUrl?: string): () => void {
  const file = path.join(dir, "trellis.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      const me = [process.pid, processStartTime(process.pid), serverUrl].filter((v) => v != null).join(" ");
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
      const { pid, started, serverUrl: holderUrl } = owner(readFileSync(file, "utf8"));
      if (pid === process.pid) return () => undefined;
      if (holds(pid, started)) throw new DataDirLockedError(dir, pid, holderUrl);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}
