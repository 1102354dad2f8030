import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { engineNameIn, engineOwnerId, formatOwnerId, isEarlierSelfGone, parseOwnerId, procStat, thisProcess, type OwnerParts, type ProcessLookup } from "./owner-identity";

const me: OwnerParts = { name: "a1b2c3d4e5f6", host: "box", pid: 100, start: "5000", boot: "7968ac9b", pidns: "4026531836" };
const id = (p: Partial<OwnerParts>) => formatOwnerId({ ...me, ...p });
const none: ProcessLookup = () => ({ exists: false });
const running = (start: string, state = "S"): ProcessLookup => () => ({ exists: true, stat: { start, state } });
const unreadable: ProcessLookup = () => ({ exists: true, stat: null });

describe("owner ids", () => {
  it("name the engine, its host, process, process start, boot and pid namespace, and read back", () => {
    expect(id({})).toBe("engine-a1b2c3d4e5f6@box:100.5000.7968ac9b.4026531836");
    expect(parseOwnerId(id({ host: "my-host.example:8" }))).toEqual({ ...me, host: "my-host.example:8" });
    const here = parseOwnerId(engineOwnerId("abcdef"));
    expect(here).toMatchObject({ name: "abcdef", ...thisProcess() });
    expect(here?.pid).toBe(process.pid);
    // Ids made another way (tests, older versions) are never anyone's earlier self.
    for (const other of ["engine-a", "engine-1234abcd@host:42", ""]) expect(parseOwnerId(other)).toBeNull();
  });

  it("reads this process's start time and state from /proc where there is one", () => {
    const stat = procStat(process.pid);
    if (process.platform === "linux") expect(stat).toMatchObject({ start: expect.stringMatching(/^\d+$/), state: expect.any(String) });
    expect(procStat(2 ** 30)).toBeNull();
  });
});

describe("an earlier process of this engine that is gone", () => {
  const mine = id({});

  it("is recognised when its pid is free, a zombie, or given to a later process", () => {
    const earlier = id({ pid: 90, start: "4000" });
    expect(isEarlierSelfGone(earlier, mine, none)).toBe(true);
    expect(isEarlierSelfGone(earlier, mine, running("4000", "Z"))).toBe(true);
    expect(isEarlierSelfGone(earlier, mine, running("4900"))).toBe(true);
  });

  it("is recognised when this process has its pid (a container restarted), or the machine booted since", () => {
    expect(isEarlierSelfGone(id({ start: "4000" }), mine, running("5000"))).toBe(true);
    expect(isEarlierSelfGone(id({ pid: 90, boot: "11111111" }), mine, running("5000"))).toBe(true);
  });

  it("is never assumed when the holder may be alive or is not this engine", () => {
    const lookups = [none, running("4000")];
    for (const lookup of lookups) {
      expect(isEarlierSelfGone(mine, mine, lookup)).toBe(false); // itself
      expect(isEarlierSelfGone(id({ name: "f6e5d4c3b2a1", pid: 90 }), mine, lookup)).toBe(false); // another engine
      expect(isEarlierSelfGone(id({ host: "other", pid: 90 }), mine, lookup)).toBe(false); // another host
      expect(isEarlierSelfGone(id({ pid: 90, pidns: "4026532000" }), mine, lookup)).toBe(false); // another pid namespace (a container)
      expect(isEarlierSelfGone("engine-a", mine, lookup)).toBe(false);
    }
    expect(isEarlierSelfGone(id({ pid: 90, start: "4000" }), mine, running("4000"))).toBe(false); // alive
    expect(isEarlierSelfGone(id({ pid: 90, start: "4000" }), mine, unreadable)).toBe(false); // cannot tell
    expect(isEarlierSelfGone(id({ pid: 90, start: "r1a2b" }), mine, running("4000"))).toBe(false); // no start time to compare
    expect(isEarlierSelfGone(id({ pid: 90, pidns: "0" }), id({ pidns: "0" }), none)).toBe(false); // namespace unknown
    expect(isEarlierSelfGone(id({ pid: 90, boot: "0" }), mine, none)).toBe(false); // boot unknown
  });
});

describe("the engine name in a data folder", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "trellis-engine-id-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("is made once and read back by every later process; another folder has another", () => {
    const dir = path.join(tmp, "data");
    const name = engineNameIn(dir);
    expect(name).toMatch(/^[0-9a-f]{12}$/);
    expect(engineNameIn(dir)).toBe(name);
    expect(engineNameIn(path.join(tmp, "other"))).not.toBe(name);
  });

  it("is none when the file holds something else", () => {
    const dir = path.join(tmp, "odd");
    engineNameIn(dir);
    writeFileSync(path.join(dir, "engine-id"), "not a name!\n");
    expect(engineNameIn(dir)).toBeNull();
  });
});
