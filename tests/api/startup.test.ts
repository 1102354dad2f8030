/**
 * A server that cannot open its database stops with a one-line reason instead of staying up
 * and answering 500 to every request (the built app: run `npx next build` first).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "../../scripts/bench/app-server";
import { startBuiltApp } from "../support/built-app";

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("start-up of the built app", { timeout: 180_000 }, () => {
  it("a second server on the same embedded data folder exits with the reason, and the first keeps serving", async () => {
    const first = await startBuiltApp();
    cleanups.push(first.stop);
    const second = await startApp({ dataDir: first.dataDir, timeoutMs: 120_000, echoStderr: false }).then(
      async (app) => {
        await app.stop();
        return "started";
      },
      (err: Error) => err.message,
    );
    expect(second).toMatch(/exited with 1/);
    expect(second).toMatch(/Trellis cannot start: .*(in use|lock)/i);
    expect((await fetch(`${first.baseUrl}/api/flows`)).status).toBe(200);
  });

  it("a damaged embedded database stops start-up with a message", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "trellis-damaged-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(path.join(dir, "pglite"), { recursive: true });
    writeFileSync(path.join(dir, "pglite", "PG_VERSION"), "not a database\n");
    writeFileSync(path.join(dir, "pglite", "postgresql.conf"), "\u0000\u0001garbage");
    const outcome = await startApp({ dataDir: dir, timeoutMs: 120_000, echoStderr: false }).then(
      async (app) => {
        await app.stop();
        return "started";
      },
      (err: Error) => err.message,
    );
    expect(outcome).toMatch(/exited with 1/);
    expect(outcome).toMatch(/Trellis cannot start/);
  });
});
