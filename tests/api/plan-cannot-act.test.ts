/**
 * A plan cannot act for a person: in the built app, a plan whose steps fetch Trellis's own API
 * and POST an approval (the self-approval found by a probe) fails at its first request, with
 * `address_not_allowed`, and the run it aimed at still waits for a person. Loopback in other
 * spellings fails alike (the built app: run `npx next build` first).
 */
import { describe, expect, it } from "vitest";
import type { Step } from "../../lib/core";
import { builtAppForSuite } from "../support/built-app";
import { lit } from "../support/bindings";

const built = builtAppForSuite();

describe("a plan acting for a person, in the built app", { timeout: 180_000 }, () => {
  it("cannot reach Trellis's API to approve a waiting step, in any spelling of its address", async () => {
    const waiting = await built.runs.start([{ id: "hold", action: "text.template", inputs: { template: lit("hi"), values: lit({}) }, approval: true }]);
    await expect.poll(async () => (await built.runs.detail(waiting)).run.status, { timeout: 60_000 }).toBe("awaiting_approval");

    const port = new URL(built.app.baseUrl).port;
    const hosts = ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433", "0.0.0.0"];
    const steps: Step[] = hosts.map((h, i) => ({
      id: `approve_${i}`,
      action: "web.http_request",
      inputs: { url: lit(`http://${h}:${port}/api/runs/${waiting}/approve`), method: lit("POST"), json: lit({ stepId: "hold" }) },
    }));
    const attacker = await built.runs.start(steps, { failurePolicy: "continue" });
    await expect.poll(async () => built.runs.ended(attacker), { timeout: 120_000 }).toBe(true);
    const run = await built.runs.detail(attacker);
    for (const s of run.steps) expect(s, s.stepId).toMatchObject({ status: "failed", failure: { actionCode: "address_not_allowed", retryable: false } });

    const target = await built.runs.detail(waiting);
    expect(target.run.status).toBe("awaiting_approval");
    expect(target.steps.find((s) => s.stepId === "hold")!.status).toBe("awaiting_approval");
    await built.api.call("cancelRun", { params: { id: waiting } });
  });
});
