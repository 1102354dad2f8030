/**
 * One process per embedded database folder: PGlite has no locking of its own, and two
 * processes writing the same folder corrupt it. The lock file holds the owner's pid; a
 * lock whose process is gone is taken over.
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

/** Takes the lock on `dir` (the database folder's parent must exist); returns its release. */
export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, "trellis.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try { if (readFileSync(file, "utf8") === String(process.pid)) rmSync(file); } catch { /* gone already */ }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (pid === process.pid) return () => undefined;
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new DataDirLockedError(dir, pid);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dir}`);
}
