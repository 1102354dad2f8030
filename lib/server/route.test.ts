/**
 * route(op, fn) and action(op, fn) against the contract, with the typed client calling the
 * handlers as a browser would (its fetch hands the request straight to the handler).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { ApiRequestError, createClient } from "../contract/client";
import { operation, type Operation } from "../contract/operation";
import { OPERATIONS } from "../contract/operations";
import { conflict } from "../core/errors";
import { EngineError } from "../engine/engine";
import { ACCOUNTS_OFF, useGate } from "./auth/access";
import { action, reply, route } from "./route";

type Handler = ReturnType<typeof route>;

/** A fetch that serves the given operations' handlers, matching paths like Next's router. */
function serve(handlers: [Operation, Handler][]): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(typeof input === "string" ? new URL(input, "http://trellis.test") : input, init);
    const url = new URL(request.url);
    for (const [op, handler] of handlers) {
      const names: string[] = [];
      const pattern = new RegExp(`^${op.path.replace(/\{(\w+)\}/g, (_, n: string) => (names.push(n), "([^/]+)"))}$`);
      const m = pattern.exec(url.pathname);
      if (!m || request.method !== op.method) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      return handler(request, { params: Promise.resolve(params) });
    }
    return new Response(JSON.stringify({ error: { code: "not_found", message: "no route" } }), { status: 404 });
  }) as typeof fetch;
}

beforeAll(() => {
  vi.stubEnv("TRELLIS_CHECK_ANSWERS", "1");
  // The wrapper alone, with accounts off (tests/api/accounts.test.ts checks it with them on).
  useGate(ACCOUNTS_OFF);
});
afterAll(() => {
  vi.unstubAllEnvs();
  useGate(undefined);
});

describe("route(op, fn)", () => {
  const approve = route(OPERATIONS.approveStep, async ({ params, body }) => {
    if (body.stepId === "busy") throw new EngineError("conflict", `Run ${params.id} is not waiting for approval.`);
    if (body.stepId === "boom") throw new Error("a bug with a secret path /etc/x");
    return { ok: true as const };
  });
  const client = createClient({ baseUrl: "http://trellis.test", fetch: serve([[OPERATIONS.approveStep, approve]]) });

  it("parses the path and body with the operation's schemas and answers its status", async () => {
    await expect(client.call("approveStep", { params: { id: "r1" }, body: { stepId: "save" } })).resolves.toEqual({ ok: true });
  });

  it("answers a body that does not fit with 400 naming the field, before the lib function runs", async () => {
    const res = await approve(new Request("http://t/api/runs/r1/approve", { method: "POST", body: JSON.stringify({ stepId: 5 }), headers: { "content-type": "application/json" } }), { params: Promise.resolve({ id: "r1" }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toContain("stepId");
  });

  it("refuses bodies that are not JSON (415), too large (413), malformed (400) or empty when required (400)", async () => {
    const at = (body: string, type = "application/json") => approve(new Request("http://t/x", { method: "POST", body, headers: { "content-type": type } }), { params: Promise.resolve({ id: "r1" }) });
    expect((await at("a=1", "application/x-www-form-urlencoded")).status).toBe(415);
    expect((await at(`"${"x".repeat(1_000_001)}"`)).status).toBe(413);
    const malformed = await at("{ nope");
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe("invalid_json");
    expect((await at("")).status).toBe(400);
  });

  it("refuses hostile text before any schema reads it: NUL, lone surrogates, deep nesting, bad UTF-8 (400 naming the field)", async () => {
    const post = (body: BodyInit) => approve(new Request("http://t/x", { method: "POST", body, headers: { "content-type": "application/json" } }), { params: Promise.resolve({ id: "r1" }) });
    const answers = await Promise.all([
      post(JSON.stringify({ stepId: "save", comment: "a\u0000b" })),
      post(JSON.stringify({ stepId: "save", input: { text: "\ud800" } })),
      post(`{"stepId":"save","input":${"[".repeat(1000)}${"]".repeat(1000)}}`),
      post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    ]);
    const bodies = await Promise.all(answers.map(async (r) => ({ status: r.status, ...((await r.json()) as { error: { code: string; message: string } }).error })));
    expect(bodies.map((b) => b.status)).toEqual([400, 400, 400, 400]);
    expect(bodies[0].message).toContain("comment");
    expect(bodies[1].message).toContain("input.text");
    expect(bodies[2].message).toContain("deeper than 64");
    expect(bodies[3].code).toBe("invalid_encoding");
    const path = await approve(new Request("http://t/x", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }), { params: Promise.resolve({ id: "r\u0000" }) });
    expect(path.status).toBe(400);
    const list = route(OPERATIONS.listRuns, async () => ({ runs: [] }));
    for (const q of ["planId=%00", "since=99999-01-01", "since=nope", "status=%ED%A0%80"]) {
      expect((await list(new Request(`http://t/api/runs?${q}`))).status, q).toBe(400);
    }
  });

  it("refuses a body whose declared or streamed size passes the limit, without reading it all", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 65_536;
        controller.enqueue(new Uint8Array(65_536).fill(0x20));
      },
    });
    const streamed = await approve(new Request("http://t/x", { method: "POST", body: endless, duplex: "half", headers: { "content-type": "application/json" } } as RequestInit), { params: Promise.resolve({ id: "r1" }) });
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(2_000_000);
    const declared = await approve(new Request("http://t/x", { method: "POST", body: "{}", headers: { "content-type": "application/json", "content-length": "200000000" } }), { params: Promise.resolve({ id: "r1" }) });
    expect(declared.status).toBe(413);
  });

  it("refuses a path parameter that does not fit (400)", async () => {
    const res = await approve(new Request("http://t/x", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }), { params: Promise.resolve({ id: "x".repeat(500) }) });
    expect(res.status).toBe(400);
  });

  it("maps errors in one place: a marked error keeps its status and code, anything else is a 500 that hides its message", async () => {
    const busy = await client.call("approveStep", { params: { id: "r1" }, body: { stepId: "busy" } }).catch((e: unknown) => e);
    expect(ApiRequestError.isInstance(busy)).toBe(true);
    expect(busy).toMatchObject({ status: 409, code: "conflict", message: "Run r1 is not waiting for approval." });
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const boom = await client.call("approveStep", { params: { id: "r1" }, body: { stepId: "boom" } }).catch((e: unknown) => e);
    expect(boom).toMatchObject({ status: 500, code: "internal" });
    expect((boom as Error).message).not.toContain("secret");
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it("checks the answer against the contract: an answer that does not fit is a loud 500, not a silent drift", async () => {
    const drifted = route(OPERATIONS.getRun, async () => ({ run: { id: 1 } }) as never);
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await drifted(new Request("http://t/api/runs/r1"), { params: Promise.resolve({ id: "r1" }) });
    spy.mockRestore();
    expect(res.status).toBe(500);
  });

  it("answers another status with reply(), with headers", async () => {
    const op = operation({ id: "probe", permission: "read", method: "POST", path: "/api/probe", tag: "meta", summary: "probe", body: z.object({ n: z.number() }), status: 200, answer: z.object({ n: z.number() }), answerText: "n", errors: [] });
    const handler = route(op, async ({ body }) => reply(201, { n: body.n + 1 }, { location: "/api/probe/1" }));
    const res = await handler(new Request("http://t/api/probe", { method: "POST", body: JSON.stringify({ n: 1 }), headers: { "content-type": "application/json" } }));
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe("/api/probe/1");
    expect(await res.json()).toEqual({ n: 2 });
  });

  it("parses the query with the operation's schema (coercion and defaults included)", async () => {
    let seen: unknown;
    const list = route(OPERATIONS.listRuns, async ({ query }) => {
      seen = query;
      return { runs: [] };
    });
    const c = createClient({ fetch: serve([[OPERATIONS.listRuns, list]]) });
    await c.call("listRuns", { query: { limit: 5, since: new Date("2026-01-02T00:00:00Z") } });
    expect(seen).toEqual({ limit: 5, since: new Date("2026-01-02T00:00:00Z") });
    await expect(c.call("listRuns", { query: { status: "done" as never } })).rejects.toMatchObject({ status: 400 });
  });
});

describe("storage failures", () => {
  const failing = (cause: { code: string; message: string }) =>
    route(OPERATIONS.cancelRun, async () => {
      throw new Error("driver error", { cause });
    });
  const call = (handler: Handler) => handler(new Request("http://t/api/runs/r1/cancel", { method: "POST" }), { params: Promise.resolve({ id: "r1" }) });

  it("a value the database cannot store is the request's fault (400), not a crash", async () => {
    const res = await call(failing({ code: "22P05", message: "unsupported Unicode escape sequence" }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unstorable_value");
  });

  it("a write that lost a race is a conflict (409)", async () => {
    expect((await call(failing({ code: "23505", message: "duplicate key value violates unique constraint" }))).status).toBe(409);
  });

  it("any other storage failure stays an unexpected 500", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    expect((await call(failing({ code: "23503", message: "foreign key" }))).status).toBe(500);
    spy.mockRestore();
  });
});

describe("the typed client", () => {
  it("refuses an answer that does not fit the contract", async () => {
    const c = createClient({ fetch: (async () => new Response(JSON.stringify({ runId: 7 }), { status: 202 })) as unknown as typeof fetch });
    await expect(c.call("startRun", { params: { id: "p" }, body: {} })).rejects.toMatchObject({ code: "bad_response" });
  });

  it("reports an unreachable server as a network error, and an error that is not JSON with its status", async () => {
    const down = createClient({ baseUrl: "http://127.0.0.1:9", fetch: (async () => { throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }); }) as unknown as typeof fetch });
    await expect(down.call("listFlows")).rejects.toMatchObject({ status: 0, code: "network" });
    const html = createClient({ fetch: (async () => new Response("<h1>Bad gateway</h1>", { status: 502 })) as unknown as typeof fetch });
    await expect(html.call("listFlows")).rejects.toMatchObject({ status: 502, code: "http_error" });
  });

  it("fills and encodes path parameters, and refuses a missing one", () => {
    const c = createClient({ baseUrl: "http://x" });
    expect(c.url("getVersion", { params: { id: "a b", versionId: "v/2" } })).toBe("http://x/api/plans/a%20b/versions/v%2F2");
    expect(() => c.url("getPlan", { params: {} as never })).toThrow(/id/);
  });
});

describe("action(op, fn)", () => {
  it("answers { ok, value } with the same parsing and error mapping as the route", async () => {
    const cancel = action(OPERATIONS.cancelRun, async ({ params }) => {
      if (params.id === "done") throw conflict("The run has finished.");
      return { ok: true as const };
    });
    await expect(cancel({ params: { id: "r1" } })).resolves.toEqual({ ok: true, value: { ok: true } });
    await expect(cancel({ params: { id: "done" } })).resolves.toEqual({ ok: false, status: 409, code: "conflict", error: "The run has finished." });
    const approve = action(OPERATIONS.approveStep, async () => ({ ok: true as const }));
    const bad = await approve({ params: { id: "r1" }, body: { comment: 1 } });
    expect(bad).toMatchObject({ ok: false, status: 400, code: "bad_request" });
  });
});

describe("requests from other sites", () => {
  const cancel = route(OPERATIONS.cancelRun, async () => ({ ok: true as const }));
  const ctx = { params: Promise.resolve({ id: "r1" }) };
  const post = (headers: Record<string, string>, body?: string) => cancel(new Request("http://127.0.0.1:3000/api/runs/r1/cancel", { method: "POST", headers: { host: "127.0.0.1:3000", ...headers }, body }), ctx);

  it("accepts a JSON request, or one without a body, from this server's pages and from clients that are not browsers", async () => {
    expect((await post({ "content-type": "application/json" }, "{}")).status).toBe(200);
    expect((await post({})).status).toBe(200);
    expect((await post({ origin: "http://127.0.0.1:3000", "sec-fetch-site": "same-origin", "content-type": "application/json" }, "{}")).status).toBe(200);
  });

  it("refuses what a page on another site can send without asking: text/plain, a form, a foreign Origin or Sec-Fetch-Site", async () => {
    const textPlain = await post({ "content-type": "text/plain;charset=UTF-8" }, "{}");
    expect(textPlain.status).toBe(415);
    expect((await post({ "content-type": "application/x-www-form-urlencoded" }, "a=1")).status).toBe(415);
    expect((await post({ "content-type": "multipart/form-data; boundary=x" }, "--x--")).status).toBe(415);
    const foreign = await post({ origin: "http://evil.example", "content-type": "application/json" }, "{}");
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("cross_origin");
    expect((await post({ origin: "null" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "same-site" })).status).toBe(403);
  });

  it("leaves reads alone", async () => {
    const get = route(OPERATIONS.getRun, async () => { throw new EngineError("not_found", "no such run"); });
    const res = await get(new Request("http://127.0.0.1:3000/api/runs/r1", { headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site" } }), ctx);
    expect(res.status).toBe(404);
  });
});
