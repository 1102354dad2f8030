/**
 * A plan cannot act for a person: in the built app, a plan whose steps fetch Trellis's own API
 * and POST an approval (the self-approval found by a probe) fails at its first request, with
 * `address_not_allowed`, and the run it aimed at still waits for a person. Loopback in other
 * spellings fails alike (the built app: run `npx next build` first).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type TrellisApi } from "../../lib/contract/client";
import type { Step } from "../../lib/core";
import { runsThrough, startBuiltApp } from "../support/built-app";

const lit = (value: unknown) => ({ kind: "literal" as const, value });

let app: Awaited<ReturnType<typeof startBuiltApp>>;
let api: TrellisApi;
let runs: ReturnType<typeof runsThrough>;
beforeAll(async () => {
  app = await startBuiltApp();
  api = createClient({ baseUrl: app.baseUrl });
  runs = runsThrough(api);
}, 180_000);
afterAll(async () => { await app?.stop(); });

describe("a plan acting for a person, in the built app", { timeout: 180_000 }, () => {
  it("cannot reach Trellis's API to approve a waiting step, in any spelling of its address", async () => {
    const waiting = await runs.start([{ id: "hold", action: "text.template", inputs: { template: lit("hi"), values: lit({}) }, approval: true }]);
    await expect.poll(async () => (await runs.detail(waiting)).run.status, { timeout: 60_000 }).toBe("awaiting_approval");

    const port = new URL(app.baseUrl).port;
    const hosts = ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433", "0.0.0.0"];
    const steps: Step[] = hosts.map((h, i) => ({
      id: `approve_${i}`,
      action: "web.http_request",
      inputs: { url: lit(`http://${h}:${port}/api/runs/${waiting}/approve`), method: lit("POST"), json: lit({ stepId: "hold" }) },
    }));
    const attacker = await runs.start(steps, { failurePolicy: "continue" });
    await expect.poll(async () => runs.ended(attacker), { timeout: 120_000 }).toBe(true);
    const run = await runs.detail(attacker);
    for (const s of run.steps) expect(s, s.stepId).toMatchObject({ status: "failed", failure: { actionCode: "address_not_allowed", retryable: false } });

    const target = await runs.detail(waiting);
    expect(target.run.status).toBe("awaiting_approval");
    expect(target.steps.find((s) => s.stepId === "hold")!.status).toBe("awaiting_approval");
    await api.call("cancelRun", { params: { id: waiting } });
  });
});
