/**
 * Who holds a claim on a run, and whether that holder is an earlier process of this very
 * engine that is gone.
 *
 * An engine's owner id is `engine-<name>@<host>:<pid>.<start>.<boot>.<pidns>`:
 * - name: the engine's stable name, the same across restarts of one installation (the
 *   composition root keeps it in the data folder: `engineNameIn`);
 * - host and pid: where the engine's process runs;
 * - start: when that process started (its start time in clock ticks since boot, from /proc;
 *   `r<random>` where there is no /proc), so that a later process given the same pid is not
 *   mistaken for the one that held the claim;
 * - boot and pidns: the machine's boot and the pid namespace the pid belongs to (`0` when not
 *   known): a pid means something only within both.
 *
 * The lease on a claim keeps a run away from every other engine while its holder may be alive.
 * When the only server is killed and started again, its runs are still claimed by the dead
 * process, with up to a whole lease left. The new process need not wait for it when the holder
 * is provably gone: same name, same host, same boot and pid namespace, and no process with that
 * pid and start time (or only a zombie). Anything it cannot tell counts as alive.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

export interface OwnerParts {
  name: string;
  host: string;
  pid: number;
  start: string;
  boot: string;
  pidns: string;
}

const OWNER_ID = /^engine-([A-Za-z0-9_-]+)@(.+):(\d+)\.([A-Za-z0-9]+)\.([0-9a-f]+)\.(\d+)$/;

/** A process's start time in clock ticks since boot, and its state letter, from /proc; null where there is none. */
export function procStat(pid: number): { start: string; state: string } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so read after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const start = fields[19];
  return start && /^\d+$/.test(start) ? { start, state: fields[0] } : null;
}

function bootId(): string {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").replace(/-/g, "").trim().slice(0, 8) || "0";
  } catch {
    return "0";
  }
}

function pidNamespace(): string {
  try {
    return /\[(\d+)\]/.exec(readlinkSync("/proc/self/ns/pid"))?.[1] ?? "0";
  } catch {
    return "0";
  }
}

let self: Omit<OwnerParts, "name"> | undefined;

/** This process, as it appears in its engines' owner ids. */
export function thisProcess(): Omit<OwnerParts, "name"> {
  self ??= {
    host: hostname().replace(/\s+/g, "-") || "localhost",
    pid: process.pid,
    start: procStat(process.pid)?.start ?? `r${randomBytes(6).toString("hex")}`,
    boot: bootId(),
    pidns: pidNamespace(),
  };
  return self;
}

export function formatOwnerId(p: OwnerParts): string {
  return `engine-${p.name}@${p.host}:${p.pid}.${p.start}.${p.boot}.${p.pidns}`;
}

/** The owner id of an engine named `name` in this process. */
export function engineOwnerId(name: string): string {
  return formatOwnerId({ name, ...thisProcess() });
}

/** The parts of an owner id made by `formatOwnerId`; null for any other id (a test's "engine-a"). */
export function parseOwnerId(ownerId: string): OwnerParts | null {
  const m = OWNER_ID.exec(ownerId);
  if (!m) return null;
  return { name: m[1], host: m[2], pid: Number(m[3]), start: m[4], boot: m[5], pidns: m[6] };
}

/** What the check needs to know about a process of this host: its state and start, or that it does not exist. */
export type ProcessLookup = (pid: number) => { exists: false } | { exists: true; stat: { start: string; state: string } | null };

export const lookupProcess: ProcessLookup = (pid) => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists, it belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return { exists: false };
  }
  return { exists: true, stat: procStat(pid) };
};

/**
 * Whether `holder` is an earlier process of the engine `me` (same name) that has stopped: then
 * `me` may take its claims over at once. False whenever that cannot be told for sure: another
 * name or host, a pid namespace of its own, or a process with that pid that may be the holder.
 */
export function isEarlierSelfGone(holder: string, me: string, lookup: ProcessLookup = lookupProcess): boolean {
  const h = parseOwnerId(holder);
  const s = parseOwnerId(me);
  if (!h || !s || holder === me) return false;
  if (h.name !== s.name || h.host !== s.host) return false;
  // Another boot of this machine: every process of the earlier one is gone.
  if (h.boot !== "0" && s.boot !== "0" && h.boot !== s.boot) return true;
  if (h.boot !== s.boot || h.pidns !== s.pidns || h.pidns === "0") return false;
  // This process has the holder's pid: the holder was an earlier process that had it.
  if (h.pid === s.pid) return h.start !== s.start;
  const found = lookup(h.pid);
  if (!found.exists) return true;
  if (!found.stat) return false; // a process with that pid, and no way to tell whether it is the holder
  if (found.stat.state === "Z" || found.stat.state === "X") return true; // dead, not yet reaped
  return /^\d+$/.test(h.start) && found.stat.start !== h.start; // the pid was given to a later process
}

const NAME = /^[A-Za-z0-9_-]{6,64}$/;

/**
 * The engine name kept in a data folder (`engine-id`), made on first use: every process that
 * runs Trellis on that folder (the server, restarted or not, and the CLI) is the same engine
 * under another pid. Null when the folder cannot hold it (then a process has a name of its own).
 */
export function engineNameIn(dataDir: string): string | null {
  const file = path.join(dataDir, "engine-id");
  const read = () => {
    try {
      const text = readFileSync(file, "utf8").trim();
      return NAME.test(text) ? text : null;
    } catch {
      return null;
    }
  };
  const existing = read();
  if (existing) return existing;
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(6).toString("hex")}\n`, { flag: "wx" });
  } catch {
    // made by another process meanwhile (read it), or the folder is read-only (no name)
  }
  return read();
}
