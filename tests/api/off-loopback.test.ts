/**
 * However the server was started (here a bare `next start -H 0.0.0.0`, which skips `npm start`'s
 * check), a request that reaches it on an address other than loopback is refused while accounts
 * are not required; this machine's own requests on 127.0.0.1 are served.
 */
import os from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { startBuiltApp, type BuiltApp } from "../support/built-app";

/** An address of this machine other people could reach it by (not loopback). */
const outward = Object.values(os.networkInterfaces()).flat().find((a) => a && !a.internal && a.family === "IPv4")?.address;
if (!outward) console.warn("\n⚠ off-loopback tests skipped: this machine has no IPv4 address besides loopback.\n");

describe.skipIf(!outward)("a server listening beyond loopback", { timeout: 240_000 }, () => {
  const apps: BuiltApp[] = [];
  afterAll(async () => { for (const a of apps) await a.stop(); });
  const urlOn = (app: BuiltApp, address: string) => app.baseUrl.replace("127.0.0.1", address);

  it("refuses other machines' requests without accounts, and serves this machine's", async () => {
    const app = await startBuiltApp({ host: "0.0.0.0" });
    apps.push(app);
    const local = await fetch(`${app.baseUrl}/api/flows`);
    expect(local.status).toBe(200);
    const remote = await fetch(`${urlOn(app, outward!)}/api/flows`);
    expect(remote.status).toBe(403);
    expect(await remote.json()).toMatchObject({ error: { code: "accounts_required", message: expect.stringContaining("TRELLIS_ACCOUNTS=required") } });
    // Pages too, not only the API.
    expect((await fetch(`${urlOn(app, outward!)}/`)).status).toBe(403);
  });

  it("lets other machines reach the sign-in when accounts are required", async () => {
    const app = await startBuiltApp({ host: "0.0.0.0", env: { TRELLIS_ACCOUNTS: "required" } });
    apps.push(app);
    expect((await fetch(`${urlOn(app, outward!)}/api/flows`)).status).toBe(401);
  });
});
