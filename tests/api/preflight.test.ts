/**
 * `npm start` runs scripts/preflight.ts first: a server bound to an address other people can
 * reach refuses to start unless accounts are required.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../lib/server/env";

const dir = mkdtempSync(path.join(os.tmpdir(), "trellis-preflight-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function preflight(env: Record<string, string>) {
  const r = spawnSync(path.join("node_modules", ".bin", "tsx"), ["scripts/preflight.ts"], {
    env: { ...process.env, TRELLIS_DATA_DIR: dir, DATABASE_URL: "", TRELLIS_ACCOUNTS: "", TRELLIS_SECRET_KEY: "", BETTER_AUTH_SECRET: "", HOST: "", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, stderr: r.stderr };
}

describe("preflight", { timeout: 150_000 }, () => {
  it("tells loopback addresses from the others", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "trellis.example.com", "[::ffff:127.0.0.1]"]) expect(isLoopbackHost(h), h).toBe(false);
  });

  it("refuses HOST=0.0.0.0 without TRELLIS_ACCOUNTS=required, and starts with it", () => {
    const refused = preflight({ HOST: "0.0.0.0" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("HOST=0.0.0.0 lets other machines reach it");
    expect(refused.stderr).toContain("TRELLIS_ACCOUNTS=required");
    const started = preflight({ HOST: "0.0.0.0", TRELLIS_ACCOUNTS: "required" });
    expect(started.stderr).not.toContain("cannot start");
    expect(started.code).toBe(0);
  });
});
