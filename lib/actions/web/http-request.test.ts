import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAction, testContext } from "../../../tests/support/action-context";
import { startTestServer, type TestServer } from "../../../tests/support/http-server";
import { fetchAction, httpRequestAction } from "./http-request";

let server: TestServer;
let deadPort: string;

beforeAll(async () => {
  server = await startTestServer({
    "/json": (req, res) => res.writeHead(200, { "content-type": "application/json; charset=utf-8", "x-test": "yes" }).end(JSON.stringify({ hello: "world", q: req.url })),
    "/echo": (req, res, body) =>
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ method: req.method, body, type: req.headers["content-type"], key: req.headers["idempotency-key"] })),
    "/page": (_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<h1>Hi</h1>"),
    "/png": (_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47])),
    "/missing": (_req, res) => res.writeHead(404, { "content-type": "text/plain" }).end("no such thing"),
    "/busy": (_req, res) => res.writeHead(503, { "retry-after": "5" }).end("try later"),
    "/limited": (_req, res) => res.writeHead(429).end(),
    "/big": (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("x".repeat(5000)),
    "/big-stream": (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      for (let i = 0; i < 10; i++) res.write("y".repeat(1000));
      res.end();
    },
    "/slow": (_req, res) => {
      setTimeout(() => res.writeHead(200).end("late"), 2000).unref();
    },
    "/redirect-ok": (_req, res) => res.writeHead(302, { location: "/json" }).end(),
    "/redirect-away": (_req, res) => res.writeHead(302, { location: `http://localhost:${new URL(server.url).port}/json` }).end(),
  });
  const dead = await startTestServer({});
  deadPort = new URL(dead.url).port;
  await dead.close();
});

afterAll(() => server.close());

const allow = { httpAllowHosts: ["127.0.0.1"] };
const http = httpRequestAction(allow);
const get = fetchAction(allow);

describe("web.fetch / web.http_request", () => {
  it("GETs JSON with query parameters and returns headers and parsed JSON", async () => {
    const out = await runAction(get, { url: `${server.url}/json`, query: { a: 1, b: "x y" } });
    expect(out).toMatchObject({ status: 200, ok: true, bodyEncoding: "utf8", contentType: "application/json; charset=utf-8" });
    expect(out.headers["x-test"]).toBe("yes");
    expect(out.json).toEqual({ hello: "world", q: "/json?a=1&b=x+y" });
    expect(out.bytes).toBe(Buffer.byteLength(out.body));
  });

  it("POSTs a JSON body with an idempotency key, and text bodies", async () => {
    const ctx = testContext();
    const out = await runAction(http, { url: `${server.url}/echo`, method: "POST", json: { n: 1 } }, ctx);
    expect(out.status).toBe(201);
    expect(out.json).toEqual({ method: "POST", body: '{"n":1}', type: "application/json", key: ctx.idempotencyKey });
    const text = await runAction(http, { url: `${server.url}/echo`, method: "PUT", body: "hello", headers: { "Content-Type": "text/csv" } });
    expect(text.json).toMatchObject({ method: "PUT", body: "hello", type: "text/csv" });
  });

  it("returns binary bodies as base64", async () => {
    const out = await runAction(get, { url: `${server.url}/png` });
    expect(out.bodyEncoding).toBe("base64");
    expect(Buffer.from(out.body, "base64")).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });

  it("refuses hosts off the allow-list before connecting, also on redirects", async () => {
    const before = server.hits.length;
    const strict = fetchAction({ httpAllowHosts: ["api.example.com"] });
    await expect(runAction(strict, { url: `${server.url}/json` })).rejects.toMatchObject({ code: "host_not_allowed", retryable: false });
    expect(server.hits.length).toBe(before);

    const followed = await runAction(get, { url: `${server.url}/redirect-ok` });
    expect(followed.url).toBe(`${server.url}/json`);
    await expect(runAction(get, { url: `${server.url}/redirect-away` })).rejects.toThrow(/"localhost" are not allowed/);
  });

  it("fails on 4xx without retry and on 5xx/429 with retry, unless failOnHttpError is false", async () => {
    await expect(runAction(get, { url: `${server.url}/missing` })).rejects.toMatchObject({ code: "http_status", retryable: false, message: expect.stringContaining("404") });
    await expect(runAction(get, { url: `${server.url}/busy` })).rejects.toMatchObject({ code: "http_status", retryable: true, details: { status: 503, retryAfter: "5" }, retryAfterMs: 5000 });
    await expect(runAction(get, { url: `${server.url}/limited` })).rejects.toMatchObject({ retryable: true });
    const soft = await runAction(get, { url: `${server.url}/missing`, failOnHttpError: false });
    expect(soft).toMatchObject({ status: 404, ok: false, body: "no such thing" });
  });

  it("limits the response size, by Content-Length and while streaming", async () => {
    await expect(runAction(get, { url: `${server.url}/big`, maxBytes: 1000 })).rejects.toMatchObject({ code: "response_too_large" });
    await expect(runAction(get, { url: `${server.url}/big-stream`, maxBytes: 4000 })).rejects.toMatchObject({ code: "response_too_large" });
    const capped = fetchAction({ httpAllowHosts: ["127.0.0.1"], httpMaxBytes: 2000 });
    await expect(runAction(capped, { url: `${server.url}/big`, maxBytes: 1_000_000 })).rejects.toMatchObject({ code: "response_too_large" });
    expect((await runAction(get, { url: `${server.url}/big-stream` })).bytes).toBe(10_000);
  });

  it("times out and reports network errors as retryable", async () => {
    await expect(runAction(get, { url: `${server.url}/slow`, timeoutMs: 200 })).rejects.toMatchObject({ code: "http_timeout", retryable: true });
    await expect(runAction(get, { url: `http://127.0.0.1:${deadPort}/` })).rejects.toMatchObject({ code: "network_error", retryable: true });
  });

  it("stops when the run is cancelled", async () => {
    const ctx = testContext();
    const pending = runAction(get, { url: `${server.url}/slow`, timeoutMs: 10_000 }, ctx);
    setTimeout(() => ctx.controller.abort(new Error("cancelled by user")), 50);
    await expect(pending).rejects.toThrow("cancelled by user");
  });

  it("rejects a body on GET and both json and body", async () => {
    await expect(runAction(http, { url: `${server.url}/echo`, body: "x" })).rejects.toMatchObject({ code: "invalid_request" });
    await expect(runAction(http, { url: `${server.url}/echo`, method: "POST", body: "x", json: {} })).rejects.toMatchObject({ code: "invalid_request" });
  });
});
