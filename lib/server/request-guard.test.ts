import { describe, expect, it } from "vitest";
import { badHostProblem, badPathProblem, offLoopbackProblem } from "./request-guard";

describe("badPathProblem", () => {
  it("accepts paths that decode, whatever their query says", () => {
    for (const ok of ["/", "/api/plans/abc", "/runs/%C3%A9t%C3%A9", "/api/runs?since=%zz", "/a%20b#%E0"]) expect(badPathProblem(ok), ok).toBeUndefined();
  });
  it("refuses broken escapes and invalid UTF-8 in the path", () => {
    for (const bad of ["/api/plans/%E0%A4%A", "/%zz", "/abc%", "/api/runs/%C0%80", "/%ED%A0%80"]) expect(badPathProblem(bad), bad).toMatch(/not valid percent-encoded UTF-8/);
  });
});

describe("badHostProblem", () => {
  it("accepts addresses, localhost and the public URL's host", () => {
    for (const ok of ["127.0.0.1:3000", "localhost:3000", "LOCALHOST", "app.localhost:3000", "[::1]:3000", "192.168.1.20", "10.0.0.5:80"]) expect(badHostProblem(ok, undefined), ok).toBeUndefined();
    expect(badHostProblem("trellis.example.com", "https://trellis.example.com")).toBeUndefined();
    expect(badHostProblem("trellis.example.com:8443", "https://Trellis.Example.com:8443/")).toBeUndefined();
    expect(badHostProblem(undefined, undefined)).toBeUndefined();
  });
  it("refuses any other name (DNS rebinding)", () => {
    expect(badHostProblem("attacker.example:3000", undefined)).toMatch(/does not answer for the host "attacker.example"/);
    expect(badHostProblem("evil.example", "https://trellis.example.com")).toMatch(/TRELLIS_PUBLIC_URL/);
  });
});

describe("offLoopbackProblem", () => {
  it("serves requests that arrive on loopback, in every spelling, whatever the accounts setting", () => {
    for (const a of ["127.0.0.1", "127.5.6.7", "::1", "::ffff:127.0.0.1"]) expect(offLoopbackProblem(a, "auto"), a).toBeUndefined();
    expect(offLoopbackProblem(undefined, "auto")).toBeUndefined(); // a Unix socket: this machine
  });

  it("refuses requests that arrive on any other address unless accounts are required", () => {
    for (const a of ["192.0.2.2", "10.0.0.5", "::ffff:192.168.1.2", "fe80::1"]) {
      expect(offLoopbackProblem(a, "auto"), a).toContain("TRELLIS_ACCOUNTS=required");
      expect(offLoopbackProblem(a, "required"), a).toBeUndefined();
    }
  });
});
