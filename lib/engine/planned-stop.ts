/**
 * Planned stops. A server told to stop (SIGTERM or SIGINT: a deploy, a restart, Ctrl-C) writes
 * down, before it exits, which steps it was running; the resume that finds those steps mid-flight
 * then knows the process did not crash under them, and does not count the stop toward
 * quarantine (quarantine.ts). A crash (SIGKILL, running out of memory, a hang that was killed)
 * writes nothing, and counts. Written synchronously, because the process exits right after.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** For each run: the steps that were running when the process was told to stop. */
export const PlannedStop = z.record(z.string(), z.array(z.string()));
export type PlannedStop = z.infer<typeof PlannedStop>;

function read(file: string): PlannedStop {
  try {
    const parsed = PlannedStop.safeParse(JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Adds `stop` to what the file already says (another process on the same folder may have stopped too). */
export function writePlannedStop(file: string, stop: PlannedStop): void {
  if (!Object.keys(stop).length) return;
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ ...read(file), ...stop }));
  renameSync(tmp, file);
}

/** What the file says, once: it is removed, so a later crash is not taken for a planned stop. */
export function takePlannedStop(file: string): PlannedStop {
  const stop = read(file);
  rmSync(file, { force: true });
  return stop;
}
