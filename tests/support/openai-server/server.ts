/**
 * A real OpenAI-compatible HTTP server on 127.0.0.1 (random port) for tests: it speaks the chat
 * completions protocol, plain JSON and streaming SSE, and answers from a script. Answers are
 * built from the fixtures in ./fixtures, which copy real OpenAI response shapes (ids, usage
 * details, system_fingerprint, error bodies and rate-limit headers), so the openai SDK and
 * everything above it run exactly as they do against the real API.
 *
 *   const server = await startOpenAiServer([reply.error("response-format"), reply.json({ ... })]);
 *   const llm = new OpenAiProvider({ baseUrl: server.baseUrl, model: "gpt-4o-mini" });
 *   ... server.requests[0].body.response_format ...
 *   await server.close();
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), "utf8")) as T;
}

export type ErrorFixture = "rate-limit" | "response-format" | "server" | "context-length" | "unauthorized";

export type Reply =
  | { kind: "answer"; content: string | null; refusal?: string; finishReason?: string; usage?: { prompt: number; completion: number }; delayMs?: number; chunkChars?: number; model?: string }
  | { kind: "error"; status: number; body: unknown; headers: Record<string, string> }
  | { kind: "raw"; status: number; body: string; headers?: Record<string, string> }
  /** never answers: the client has to time out */
  | { kind: "hang" }
  /** streams the first `chars` characters of `content`, then goes silent */
  | { kind: "stall"; content: string; chars: number };

export const reply = {
  /** an assistant message with this text */
  text(content: string, options: Omit<Extract<Reply, { kind: "answer" }>, "kind" | "content"> = {}): Reply {
    return { kind: "answer", content, ...options };
  },
  /** an assistant message holding this value as JSON */
  json(value: unknown, options: Omit<Extract<Reply, { kind: "answer" }>, "kind" | "content"> = {}): Reply {
    return { kind: "answer", content: JSON.stringify(value), ...options };
  },
  refusal(message = "I'm sorry, I can't assist with that request."): Reply {
    return { kind: "answer", content: null, refusal: message };
  },
  /** a recorded OpenAI error response, optionally with other headers (e.g. a longer Retry-After) */
  error(name: ErrorFixture, headers: Record<string, string> = {}): Reply {
    const f = fixture<{ status: number; headers: Record<string, string>; body: unknown }>(`error-${name}`);
    return { kind: "error", status: f.status, body: f.body, headers: { ...f.headers, ...headers } };
  },
  raw(status: number, body: string, headers?: Record<string, string>): Reply {
    return { kind: "raw", status, body, headers };
  },
  hang(): Reply {
    return { kind: "hang" };
  },
  stall(content: string, chars: number): Reply {
    return { kind: "stall", content, chars };
  },
};

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** the parsed JSON body (undefined when it was not JSON) */
  body: ChatRequestBody | undefined;
  at: number;
}

/** The parts of a chat completions request the tests look at. */
export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  [key: string]: unknown;
}

export type Script = Reply[] | ((request: RecordedRequest, index: number) => Reply | Promise<Reply>);

export interface OpenAiTestServer {
  /** the base URL to give the SDK, ending in /v1 */
  baseUrl: string;
  requests: RecordedRequest[];
  /** add replies to an array script */
  push(...replies: Reply[]): void;
  close(): Promise<void>;
}

export async function startOpenAiServer(script: Script = []): Promise<OpenAiTestServer> {
  const queue = Array.isArray(script) ? [...script] : [];
  const requests: RecordedRequest[] = [];
  const headersFixture = fixture<Record<string, string>>("response-headers");

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: ChatRequestBody | undefined;
      try { body = text ? (JSON.parse(text) as ChatRequestBody) : undefined; } catch { body = undefined; }
      const recorded: RecordedRequest = { method: req.method ?? "", path: req.url ?? "/", headers: req.headers, body, at: Date.now() };
      const route = (req.url ?? "/").split("?")[0];
      if (req.method === "GET" && route === "/v1/models") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 1721172741, owned_by: "system" }] }));
        return;
      }
      if (req.method !== "POST" || route !== "/v1/chat/completions") {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `Invalid URL (${req.method} ${route})`, type: "invalid_request_error", param: null, code: null } }));
        return;
      }
      const index = requests.length;
      requests.push(recorded);
      const next = Array.isArray(script) ? queue.shift() : undefined;
      Promise.resolve(Array.isArray(script) ? next : script(recorded, index))
        .then((r) => answer(res, r, body, headersFixture))
        .catch((err: unknown) => {
          res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: `test script failed: ${String(err)}`, type: "server_error", param: null, code: null } }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    push: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(res: http.ServerResponse, r: Reply | undefined, body: ChatRequestBody | undefined, headers: Record<string, string>) {
  if (!r) {
    // Not retryable and not a response_format refusal, so a missing script line fails the test plainly.
    res.writeHead(418, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "the test server has no reply scripted for this request", type: "invalid_request_error", param: "messages", code: "no_script" } }));
    return;
  }
  switch (r.kind) {
    case "hang":
      return; // the socket stays open until the client gives up or the server closes
    case "raw":
      res.writeHead(r.status, { "content-type": "text/html", ...r.headers }).end(r.body);
      return;
    case "error":
      res.writeHead(r.status, { "content-type": "application/json", "x-request-id": headers["x-request-id"], ...r.headers }).end(JSON.stringify(r.body));
      return;
    case "stall":
      res.writeHead(200, sseHeaders(headers));
      for (const chunk of streamChunks(r.content.slice(0, r.chars), undefined, body, 16, { withFinish: false })) res.write(chunk);
      return;
    case "answer": {
      const send = () => {
        if (body?.stream) {
          res.writeHead(200, sseHeaders(headers));
          for (const chunk of streamChunks(r.content ?? "", r, body, r.chunkChars ?? 24, { withFinish: true })) res.write(chunk);
          res.end("data: [DONE]\n\n");
        } else {
          res.writeHead(200, headers).end(JSON.stringify(completion(r, body)));
        }
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    }
  }
}

function sseHeaders(headers: Record<string, string>) {
  return { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" };
}

function usageFixture(r: Extract<Reply, { kind: "answer" }> | undefined) {
  const base = fixture<{ usage: Record<string, unknown> }>("chat-completion").usage;
  if (!r?.usage) return base;
  return { ...base, prompt_tokens: r.usage.prompt, completion_tokens: r.usage.completion, total_tokens: r.usage.prompt + r.usage.completion };
}

function completion(r: Extract<Reply, { kind: "answer" }>, body: ChatRequestBody | undefined) {
  const f = fixture<{ choices: { message: Record<string, unknown>; finish_reason: string }[]; model: string } & Record<string, unknown>>(r.refusal ? "chat-completion-refusal" : "chat-completion");
  const choice = f.choices[0];
  return {
    ...f,
    created: Math.floor(Date.now() / 1000),
    model: r.model ?? modelName(body, f.model),
    choices: [{ ...choice, message: { ...choice.message, content: r.content, refusal: r.refusal ?? null }, finish_reason: r.finishReason ?? choice.finish_reason }],
    usage: usageFixture(r),
  };
}

function* streamChunks(content: string, r: Extract<Reply, { kind: "answer" }> | undefined, body: ChatRequestBody | undefined, size: number, options: { withFinish: boolean }) {
  const first = fixture<Record<string, unknown>>("chat-completion-chunk-first");
  const mid = fixture<{ choices: { delta: Record<string, unknown> }[] } & Record<string, unknown>>("chat-completion-chunk");
  const last = fixture<{ choices: Record<string, unknown>[] } & Record<string, unknown>>("chat-completion-chunk-last");
  const model = r?.model ?? modelName(body, String(first.model));
  const line = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
  yield line({ ...first, model });
  if (r?.refusal) {
    yield line({ ...mid, model, choices: [{ ...mid.choices[0], delta: { refusal: r.refusal } }] });
  }
  for (let i = 0; i < content.length; i += size) {
    yield line({ ...mid, model, choices: [{ ...mid.choices[0], delta: { content: content.slice(i, i + size) } }] });
  }
  if (!options.withFinish) return;
  yield line({ ...last, model, choices: [{ ...last.choices[0], finish_reason: r?.finishReason ?? "stop" }] });
  if (body?.stream_options?.include_usage) {
    yield line({ ...fixture<Record<string, unknown>>("chat-completion-chunk-usage"), model, usage: usageFixture(r) });
  }
}

/** Real servers answer with the dated model name; keep the requested one when it is not an OpenAI alias. */
function modelName(body: ChatRequestBody | undefined, fallback: string): string {
  return body?.model && !fallback.startsWith(body.model) ? body.model : fallback;
}
