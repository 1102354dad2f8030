/** The test server answers like the real API: same shapes, status codes, headers and SSE framing. */
import { afterEach, describe, expect, it } from "vitest";
import { fixture, reply, startOpenAiServer, type OpenAiTestServer } from "./server";

let server: OpenAiTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (body: unknown) => fetch(`${server!.baseUrl}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("OpenAI test server", () => {
  it("answers a chat completion with the recorded shape", async () => {
    server = await startOpenAiServer([reply.text("hello", { usage: { prompt: 10, completion: 2 } })]);
    const res = await post({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    const body = (await res.json()) as Record<string, unknown>;
    const recorded = fixture("chat-completion");
    expect(Object.keys(body).sort()).toEqual(Object.keys(recorded).sort());
    expect(body).toMatchObject({ object: "chat.completion", model: "gpt-4o-mini-2024-07-18", system_fingerprint: expect.any(String) });
    expect(body.choices).toEqual([{ index: 0, message: { role: "assistant", content: "hello", refusal: null, annotations: [] }, logprobs: null, finish_reason: "stop" }]);
    expect(body.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
    expect(server.requests[0].body?.messages[0].content).toBe("hi");
  });

  it("streams chunks as SSE and ends with [DONE], usage last when asked", async () => {
    server = await startOpenAiServer([reply.text("abcdefghij", { chunkChars: 4 })]);
    const res = await post({ model: "m", stream: true, stream_options: { include_usage: true }, messages: [] });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const frames = (await res.text()).split("\n\n").filter(Boolean);
    expect(frames.at(-1)).toBe("data: [DONE]");
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.replace(/^data: /, "")) as { object: string; choices: { delta: { content?: string }; finish_reason: string | null }[]; usage: unknown });
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("abcdefghij");
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ total_tokens: expect.any(Number) });
  });

  it("answers recorded errors with their status, body and headers", async () => {
    server = await startOpenAiServer([reply.error("rate-limit"), reply.error("response-format")]);
    const limited = await post({ model: "m", messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
    const refused = await post({ model: "m", messages: [] });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe("response_format");
  });

  it("can be scripted per request", async () => {
    server = await startOpenAiServer((req) => (req.body?.response_format ? reply.error("response-format") : reply.text("plain")));
    expect((await post({ model: "m", messages: [], response_format: { type: "json_object" } })).status).toBe(400);
    expect((await post({ model: "m", messages: [] })).status).toBe(200);
  });
});
