/**
 * A Retry-After an HTTP step captures sets the engine's wait before the next attempt: a real
 * local server answers 429 or 503 with Retry-After (seconds or an HTTP date), then 200; the
 * step's own backoff is a few milliseconds, so only the header explains a longer wait. The
 * step's maxBackoffMs still bounds it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicActions } from "../actions/builtin-basic";
import type { Plan, RunEvent } from "../core";
import { freshDatabase } from "../../tests/support/databases";
import { makeHarness, type Harness } from "../../tests/support/engine-harness";
import { startTestServer, type TestServer } from "../../tests/support/http-server";
import type { Database } from "../store/database";
import { backoffDelay, toFailure } from "./failure";
import { ActionError } from "../core";

let db: Database;
let server: TestServer;
let h: Harness;
/** Per path: how many more requests answer busy before one succeeds. */
const busyFor = new Map<string, number>();

beforeAll(async () => {
  db = await freshDatabase("pglite");
  const busy = (status: number, retryAfter: () => string) => (req: { url?: string }, res: import("node:http").ServerResponse) => {
    const key = req.url ?? "";
    const left = busyFor.get(key) ?? 0;
    if (left > 0) {
      busyFor.set(key, left - 1);
      res.writeHead(status, { "retry-after": retryAfter(), "content-type": "text/plain" }).end("busy");
    } else {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    }
  };
  server = await startTestServer({
    "/rate-limited": busy(429, () => "1"),
    "/unavailable": busy(503, () => new Date(Date.now() + 2000).toUTCString()),
    "/much-later": busy(429, () => "120"),
  });
  h = makeHarness(db, basicActions({ httpAllowHosts: ["127.0.0.1"] }));
});
afterAll(async () => {
  h?.engine.close();
  await server?.close();
  await db?.close();
});

const fetchPlan = (path: string, maxBackoffMs: number): Plan => ({
  goal: "fetch a busy endpoint",
  flows: [],
  inputs: [],
  steps: [{ id: "get", action: "web.fetch", inputs: { url: { kind: "literal", value: `${server.url}${path}` } }, retry: { maxAttempts: 3, backoffMs: 5, maxBackoffMs } }],
  outputs: { body: { kind: "step", step: "get", path: ["json"] } },
});

async function runBusy(path: string, times: number, maxBackoffMs = 10_000) {
  busyFor.set(path, times);
  const done = await h.engine.run({ planVersionId: await h.savePlan(fetchPlan(path, maxBackoffMs)) });
  const events = await h.store.events(done.run.id);
  const retrying = events.filter((e): e is Extract<RunEvent, { type: "step.retrying" }> => e.type === "step.retrying");
  return { done, retrying };
}

describe("Retry-After in the engine's backoff", () => {
  it("429 with Retry-After: 1 — the next attempt waits one second, not the step's 5 ms backoff", async () => {
    const t0 = Date.now();
    const { done, retrying } = await runBusy("/rate-limited", 1);
    expect(done.run.status).toBe("succeeded");
    expect(done.steps[0].attempts).toBe(2);
    expect(retrying).toHaveLength(1);
    expect(retrying[0].data.delayMs).toBe(1000);
    expect(retrying[0].data.failure).toMatchObject({ actionCode: "http_status", retryable: true, retryAfterMs: 1000, details: { status: 429, retryAfter: "1" } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  });

  it("503 with Retry-After as an HTTP date — waits until then", async () => {
    const { done, retrying } = await runBusy("/unavailable", 1);
    expect(done.run.status).toBe("succeeded");
    // HTTP dates have whole seconds: the date two seconds ahead is one to two seconds away.
    expect(retrying[0].data.delayMs).toBeGreaterThanOrEqual(900);
    expect(retrying[0].data.delayMs).toBeLessThanOrEqual(2000);
    const started = (await h.store.events(done.run.id)).filter((e) => e.type === "step.started").map((e) => Date.parse(e.at));
    expect(started[1] - started[0]).toBeGreaterThanOrEqual(retrying[0].data.delayMs - 50);
  });

  it("never waits past the step's maxBackoffMs, however long the server asks", async () => {
    const { done, retrying } = await runBusy("/much-later", 1, 300);
    expect(done.run.status).toBe("succeeded");
    expect(retrying[0].data).toMatchObject({ delayMs: 300, failure: { retryAfterMs: 120_000 } });
  });
});

describe("backoffDelay", () => {
  it("takes the action's Retry-After without jitter, bounded by the maximum; else backs off exponentially with jitter", () => {
    expect(backoffDelay(1, 100, 10_000, { retryAfterMs: 2500 })).toBe(2500);
    expect(backoffDelay(3, 100, 1000, { retryAfterMs: 2500 })).toBe(1000);
    expect(backoffDelay(1, 100, 10_000, { retryAfterMs: 0 })).toBe(0);
    expect(backoffDelay(3, 100, 10_000, {}, () => 0)).toBe(200);
    expect(backoffDelay(3, 100, 10_000, undefined, () => 1)).toBe(400);
  });

  it("keeps a Retry-After only on failures that are retried", () => {
    expect(toFailure(new ActionError("http_status", "busy", { retryable: true, retryAfterMs: 1500 }))).toMatchObject({ retryAfterMs: 1500 });
    expect(toFailure(new ActionError("http_status", "gone", { retryable: false, retryAfterMs: 1500 }))).not.toHaveProperty("retryAfterMs");
  });
});
