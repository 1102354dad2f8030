import { describe, expect, it } from "vitest";
import { ActionError } from "../core";
import { hideServerPaths, toFailure } from "./failure";

const run = "/srv/trellis/.data/runs/6a68217c-c01d-4082-af5d-5de89787833f";

describe("step failures never show the server's paths", () => {
  it("a path inside the run's folder reads as the plan wrote it", () => {
    expect(hideServerPaths(`ENOENT: no such file or directory, open '${run}/out/report.md'`, run)).toBe("ENOENT: no such file or directory, open 'out/report.md'");
    expect(hideServerPaths(`EISDIR: illegal operation on a directory, read ${run}`, run)).toBe("EISDIR: illegal operation on a directory, read .");
  });

  it("any other absolute path is cut to its last part; URLs and relative paths are left alone", () => {
    expect(hideServerPaths("Cannot find module '/srv/trellis/node_modules/x/index.js'", run)).toBe("Cannot find module '…/index.js'");
    expect(hideServerPaths("EACCES: permission denied, open /etc/shadow", run)).toBe("EACCES: permission denied, open …/shadow");
    expect(hideServerPaths("GET https://example.com/a/b failed; see docs/api.md", run)).toBe("GET https://example.com/a/b failed; see docs/api.md");
  });

  it("toFailure hides them in the message and the details of any error", () => {
    const plain = toFailure(new Error(`EACCES: permission denied, open '${run}/x.csv'`), { runFolder: run });
    expect(plain.message).toBe("EACCES: permission denied, open 'x.csv'");
    const typed = toFailure(new ActionError("write_failed", `cannot write ${run}/a/b.md`, { details: { path: `${run}/a/b.md`, tmp: "/tmp/trellis-x/y" } }), { runFolder: run });
    expect(typed.message).toBe("cannot write a/b.md");
    expect(typed.details).toEqual({ path: "a/b.md", tmp: "…/y" });
  });
});
