/**
 * The provider against a real HTTP server speaking the OpenAI protocol (tests/support/openai-server):
 * the SDK, sockets, SSE parsing, status codes and headers are all real.
 */
import { afterEach, describe, expect, it } from "vitest";
import { reply, startOpenAiServer, type OpenAiTestServer } from "@/tests/support/openai-server/server";
import { LlmError } from "./errors";
import { OpenAiProvider } from "./openai-provider";

const schema = {
  type: "object",
  properties: { answer: { type: "string" }, count: { type: "integer" } },
  required: ["answer", "count"],
  additionalProperties: false,
};
const jsonRequest = { prompt: "Say ok.", system: "You answer briefly.", jsonSchema: { name: "answer", schema } };

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function provider(options: Partial<ConstructorParameters<typeof OpenAiProvider>[0]> = {}) {
  return new OpenAiProvider({ baseUrl: server!.baseUrl, model: "gpt-4o-mini", apiKey: "sk-test", backoffMs: 5, maxBackoffMs: 20, ...options });
}

describe("OpenAiProvider", () => {
  it("asks for strict structured output and reports usage", async () => {
    server = await startOpenAiServer([reply.json({ answer: "ok", count: 1 }, { usage: { prompt: 120, completion: 9 } })]);
    const answer = await provider().complete(jsonRequest);
    expect(JSON.parse(answer.text)).toEqual({ answer: "ok", count: 1 });
    expect(answer.usage).toEqual({ promptTokens: 120, completionTokens: 9 });
    expect(answer.mode).toBe("json_schema");
    expect(answer.model).toBe("gpt-4o-mini-2024-07-18");
    const sent = server.requests[0];
    expect(sent.headers.authorization).toBe("Bearer sk-test");
    expect(sent.body?.response_format).toEqual({ type: "json_schema", json_schema: { name: "answer", strict: true, schema } });
    expect(sent.body?.messages).toEqual([
      { role: "system", content: "You answer briefly." },
      { role: "user", content: "Say ok." },
    ]);
  });

  it("sends an open schema without strict mode", async () => {
    server = await startOpenAiServer([reply.json({ values: {} })]);
    const open = { type: "object", properties: { values: { type: "object", additionalProperties: {} } }, required: ["values"] };
    await provider().complete({ prompt: "x", jsonSchema: { name: "extract", schema: open } });
    expect(server.requests[0].body?.response_format?.json_schema?.strict).toBe(false);
  });

  it("falls back from json_schema to JSON mode to text extraction, and remembers it", async () => {
    server = await startOpenAiServer([
      reply.error("response-format"),
      reply.raw(400, JSON.stringify({ error: { message: "response_format json_object is not supported", type: "invalid_request_error", param: null, code: null } }), { "content-type": "application/json" }),
      reply.text('Here is the plan:\n```json\n{"answer": "ok", "count": 2}\n```\nAnything else?'),
      reply.text('{"answer": "again", "count": 3}'),
    ]);
    const llm = provider();
    const first = await llm.complete(jsonRequest);
    expect(first.mode).toBe("text");
    expect(JSON.parse(first.text)).toEqual({ answer: "ok", count: 2 });
    expect(first.raw).toContain("Here is the plan");
    const [a, b, c] = server.requests.map((r) => r.body!);
    expect(a.response_format?.type).toBe("json_schema");
    expect(b.response_format).toEqual({ type: "json_object" });
    expect(b.messages[0].content).toContain("JSON Schema");
    expect(c.response_format).toBeUndefined();
    expect(c.messages[0].content).toContain('"count"');
    // The server refused the stronger modes once; the next request starts in text mode.
    const second = await llm.complete(jsonRequest);
    expect(second.mode).toBe("text");
    expect(server.requests[3].body?.response_format).toBeUndefined();
    expect(server.requests).toHaveLength(4);
  });

  it("does not fall back when the prompt is too long", async () => {
    server = await startOpenAiServer([reply.error("context-length")]);
    const err = await provider().complete(jsonRequest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).code).toBe("bad_request");
    expect((err as LlmError).message).toContain("maximum context length");
    expect(server.requests).toHaveLength(1);
  });

  it("retries a 429 after the Retry-After the server sends, and reports the retry", async () => {
    server = await startOpenAiServer([reply.error("rate-limit", { "retry-after": "0.3" }), reply.json({ answer: "ok", count: 1 })]);
    const retries: { retry: number; delayMs: number; reason: string }[] = [];
    const answer = await provider().complete({ ...jsonRequest, onRetry: (r) => retries.push(r) });
    expect(JSON.parse(answer.text).answer).toBe("ok");
    expect(answer.retries).toBe(1);
    expect(retries).toHaveLength(1);
    expect(retries[0].delayMs).toBe(300);
    expect(retries[0].reason).toContain("Rate limit reached");
    expect(server.requests[1].at - server.requests[0].at).toBeGreaterThanOrEqual(280);
  });

  it("gives up at once when Retry-After is longer than it is willing to wait", async () => {
    server = await startOpenAiServer([reply.error("rate-limit", { "retry-after": "120" })]);
    const err = (await provider({ maxRetryAfterMs: 5000 }).complete(jsonRequest).catch((e: unknown) => e)) as LlmError;
    expect(err.code).toBe("rate_limited");
    expect(err.message).toContain("wait 120 s");
    expect(server.requests).toHaveLength(1);
  });

  it("retries 5xx with backoff and fails after the last retry", async () => {
    server = await startOpenAiServer([reply.error("server"), reply.raw(502, "<html><body>Bad gateway</body></html>"), reply.error("server")]);
    const err = (await provider({ maxRetries: 2 }).complete(jsonRequest).catch((e: unknown) => e)) as LlmError;
    expect(err).toBeInstanceOf(LlmError);
    expect(err.code).toBe("server_error");
    expect(err.status).toBe(500);
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry a refused key", async () => {
    server = await startOpenAiServer([reply.error("unauthorized")]);
    const err = (await provider().complete(jsonRequest).catch((e: unknown) => e)) as LlmError;
    expect(err.code).toBe("unauthorized");
    expect(err.message).toContain("OPENAI_API_KEY");
    expect(server.requests).toHaveLength(1);
  });

  it("times out a server that never answers, retrying once", async () => {
    server = await startOpenAiServer([reply.hang(), reply.hang()]);
    const started = Date.now();
    const err = (await provider({ timeoutMs: 300, maxRetries: 1 }).complete(jsonRequest).catch((e: unknown) => e)) as LlmError;
    expect(err.code).toBe("timeout");
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("returns an answer that is not JSON as it came, for the caller to report", async () => {
    server = await startOpenAiServer([reply.text("Sorry, I cannot produce a plan for that.")]);
    const answer = await provider().complete(jsonRequest);
    expect(answer.text).toBe("Sorry, I cannot produce a plan for that.");
    expect(answer.usage?.promptTokens).toBeGreaterThan(0);
  });

  it("turns a refusal into an error", async () => {
    server = await startOpenAiServer([reply.refusal()]);
    const err = (await provider().complete(jsonRequest).catch((e: unknown) => e)) as LlmError;
    expect(err.code).toBe("refused");
    expect(err.message).toContain("can't assist");
  });

  it("streams the answer when asked, with usage from the last chunk", async () => {
    const content = JSON.stringify({ answer: "streamed answer that is long enough to come in pieces", count: 7 });
    server = await startOpenAiServer([reply.text(content, { usage: { prompt: 50, completion: 30 }, chunkChars: 10 })]);
    const pieces: string[] = [];
    const answer = await provider().complete({ ...jsonRequest, onDelta: (t) => pieces.push(t) });
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.join("")).toBe(content);
    expect(JSON.parse(answer.text).count).toBe(7);
    expect(answer.usage).toEqual({ promptTokens: 50, completionTokens: 30 });
    expect(server.requests[0].body?.stream).toBe(true);
    expect(server.requests[0].body?.stream_options).toEqual({ include_usage: true });
  });

  it("cuts a stream that goes silent and retries it", async () => {
    const content = JSON.stringify({ answer: "ok", count: 1 });
    server = await startOpenAiServer([reply.stall(content, 8), reply.text(content)]);
    const retries: string[] = [];
    const answer = await provider({ timeoutMs: 300 }).complete({ ...jsonRequest, onDelta: () => {}, onRetry: (r) => retries.push(r.reason) });
    expect(JSON.parse(answer.text).answer).toBe("ok");
    expect(retries[0]).toContain("stopped sending");
  });

  it("can be cancelled while it waits", async () => {
    server = await startOpenAiServer([reply.hang()]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = (await provider({ timeoutMs: 10_000 }).complete({ ...jsonRequest, signal: controller.signal }).catch((e: unknown) => e)) as LlmError;
    expect(err.code).toBe("aborted");
  });

  it("reports a server that is not there", async () => {
    server = await startOpenAiServer();
    const baseUrl = server.baseUrl;
    await server.close();
    server = undefined;
    const err = (await new OpenAiProvider({ baseUrl, model: "m", maxRetries: 0 }).complete(jsonRequest).catch((e: unknown) => e)) as LlmError;
    expect(err.code).toBe("connection");
    expect(err.message).toContain(baseUrl);
  });
});
