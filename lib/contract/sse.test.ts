import { describe, expect, it } from "vitest";
import { PlanStreamChunk } from "../planner/stream";
import { PLAN_STREAM_OPENING, decodeChunk, encodeChunk, readPlanStream } from "./plan-stream";
import { KEEP_ALIVE_MS, SSE_HEADERS, SseParser, decodeSseJson, formatSse, readSse, sseResponse, sseStream, type Repeat, type SseMessage } from "./sse";

const bytes = (text: string) => new TextEncoder().encode(text);

/** A byte stream that hands out `text` in pieces of `size` bytes (so UTF-8 characters split too). */
function pieces(text: string, size: number): ReadableStream<Uint8Array> {
  const all = bytes(text);
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= all.length) return c.close();
      c.enqueue(all.slice(at, at + size));
      at += size;
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const m of readSse(stream)) out.push(m);
  return out;
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

/** A keep-alive timer the test ticks by hand. */
function manualTimer() {
  const timer = { ticks: [] as (() => void)[], stopped: 0, ms: 0 };
  const repeat: Repeat = (tick, ms) => {
    timer.ticks.push(tick);
    timer.ms = ms;
    return () => {
      timer.stopped++;
    };
  };
  return { timer, repeat, tick: () => timer.ticks.forEach((t) => t()) };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("SSE framing", () => {
  it("writes id, event, retry, data and comments, one data line per line", () => {
    expect(formatSse({ id: 7, event: "run-event", data: '{"a":1}' })).toBe('id: 7\nevent: run-event\ndata: {"a":1}\n\n');
    expect(formatSse({ data: "one\ntwo\r\nthree" })).toBe("data: one\ndata: two\ndata: three\n\n");
    expect(formatSse({ retry: 1000, comment: "connected" })).toBe(": connected\nretry: 1000\n\n");
    expect(formatSse({ comment: "a\nb" })).toBe(": a\n: b\n\n");
    expect(formatSse({ data: "" })).toBe("data: \n\n");
    expect(formatSse({})).toBe("");
    expect(() => formatSse({ event: "a\nb" })).toThrow(/line break/);
    expect(() => formatSse({ id: "a\rb" })).toThrow(/line break/);
    expect(() => formatSse({ retry: -1 })).toThrow(/whole number/);
  });

  it("has one set of headers", () => {
    expect(SSE_HEADERS["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(SSE_HEADERS["cache-control"]).toContain("no-cache");
  });

  it("reads back what it writes", () => {
    const messages = [{ id: 1, event: "run-event", data: JSON.stringify({ x: "a\nb" }) }, { event: "done", data: "line 1\nline 2" }, { data: "plain" }];
    const parser = new SseParser();
    const read = parser.push(messages.map(formatSse).join(""));
    expect(read).toEqual([
      { id: "1", event: "run-event", data: JSON.stringify({ x: "a\nb" }) },
      // an id carries over until the stream sets another
      { id: "1", event: "done", data: "line 1\nline 2" },
      { id: "1", event: "message", data: "plain" },
    ]);
  });
});

describe("the SSE parser", () => {
  const sample = "\uFEFF: opening comment\r\nretry: 2500\r\n\r\nid: 41\r\nevent: run-event\r\ndata: {\"seq\":41,\"note\":\"naïve ✓\"}\r\n\r\n:keep-alive\n\ndata:no space\ndata:  two spaces\n\nevent: done\ndata\n\nid\ndata: after reset\r\rdata: cr only\r\r";
  const expected: SseMessage[] = [
    { id: "41", event: "run-event", data: '{"seq":41,"note":"naïve ✓"}' },
    { id: "41", event: "message", data: "no space\n two spaces" },
    { id: "41", event: "done", data: "" },
    { event: "message", data: "after reset" },
    { event: "message", data: "cr only" },
  ];

  it("handles CRLF, CR and LF, comments, a BOM, fields without a value and an id reset", () => {
    const parser = new SseParser();
    expect(parser.push(sample)).toEqual(expected);
    expect(parser.retry).toBe(2500);
    expect(parser.lastEventId).toBe("");
  });

  it("gives the same messages whatever the text is split into", () => {
    for (const size of [1, 2, 3, 5, 7, 13, 64]) {
      const parser = new SseParser();
      const got: SseMessage[] = [];
      for (let i = 0; i < sample.length; i += size) got.push(...parser.push(sample.slice(i, i + size)));
      expect(got, `pieces of ${size}`).toEqual(expected);
    }
  });

  it("reads a byte stream split at any byte, UTF-8 characters included", async () => {
    for (const size of [1, 2, 3, 4, 9, 1000]) expect(await collect(pieces(sample, size)), `pieces of ${size} bytes`).toEqual(expected);
  });

  it("drops a message the stream ended before finishing", async () => {
    expect(await collect(pieces("data: complete\n\ndata: cut off\n", 4))).toEqual([{ event: "message", data: "complete" }]);
    const parser = new SseParser();
    expect(parser.push("data: cut")).toEqual([]);
    parser.end();
    expect(parser.push("data: next\n\n")).toEqual([{ event: "message", data: "next" }]);
  });

  it("ignores unknown fields, ids with NUL and retries that are not numbers", () => {
    const parser = new SseParser();
    expect(parser.push("id: 3\nfoo: bar\nretry: soon\nid: x\0y\ndata: d\n\n")).toEqual([{ id: "3", event: "message", data: "d" }]);
    expect(parser.retry).toBeUndefined();
  });

  it("decodes JSON data with a schema, reporting what does not fit", () => {
    const schema = { safeParse: (v: unknown) => (typeof v === "number" ? { success: true as const, data: v } : { success: false as const }) };
    expect(decodeSseJson({ event: "message", data: "42" }, schema)).toEqual({ ok: true, value: 42 });
    expect(decodeSseJson({ event: "message", data: '"x"' }, schema)).toEqual({ ok: false, data: '"x"' });
    expect(decodeSseJson({ event: "message", data: "{nope" }, schema)).toEqual({ ok: false, data: "{nope" });
  });

  it("cancels the stream when the reader stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes("data: 1\n\ndata: 2\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const m of readSse(stream)) {
      expect(m.data).toBe("1");
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe("the SSE writer", () => {
  it("streams what the producer sends and closes when it returns", async () => {
    const stream = sseStream(async (sink) => {
      sink.comment("planning");
      sink.send({ id: 1, event: "a", data: "x" });
      await Promise.resolve();
      sink.send({ data: "y\nz" });
    }, { keepAliveMs: 0 });
    expect(await text(stream)).toBe(": planning\n\nid: 1\nevent: a\ndata: x\n\ndata: y\ndata: z\n\n");
  });

  it("answers with the standard headers", async () => {
    const res = sseResponse((sink) => void sink.send({ data: "hi" }), { keepAliveMs: 0 });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(SSE_HEADERS["content-type"]);
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    expect(await res.text()).toBe("data: hi\n\n");
  });

  it("sends keep-alive comments on its timer while the producer is quiet, and stops the timer at the end", async () => {
    const { timer, repeat, tick } = manualTimer();
    const go = deferred();
    const stream = sseStream(async (sink) => {
      sink.send({ data: "first" });
      await go.promise;
      sink.send({ data: "last" });
    }, { keepAliveMs: 5000, keepAlive: "keep-alive", repeat });
    expect(timer.ms).toBe(5000);
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe("data: first\n\n");
    tick();
    expect(decoder.decode((await reader.read()).value)).toBe(": keep-alive\n\n");
    tick();
    expect(decoder.decode((await reader.read()).value)).toBe(": keep-alive\n\n");
    go.resolve();
    expect(decoder.decode((await reader.read()).value)).toBe("data: last\n\n");
    expect((await reader.read()).done).toBe(true);
    expect(timer.stopped).toBe(1);
    tick(); // a late tick after the close writes nothing and does not throw
  });

  it("keeps alive every 15 s unless told otherwise, and not at all with 0", async () => {
    const every = manualTimer();
    await text(sseStream(() => {}, { repeat: every.repeat }));
    expect(every.timer.ms).toBe(KEEP_ALIVE_MS);
    expect(KEEP_ALIVE_MS).toBe(15_000);
    const never = manualTimer();
    await text(sseStream(() => {}, { repeat: never.repeat, keepAliveMs: 0 }));
    expect(never.timer.ticks).toHaveLength(0);
  });

  it("stops the producer and the timer when the reader cancels, and enqueues nothing after", async () => {
    const { timer, repeat, tick } = manualTimer();
    const stopped = deferred();
    let sendAfterClose: boolean | undefined;
    let sink: Parameters<Parameters<typeof sseStream>[0]>[0] | undefined;
    const stream = sseStream(async (s) => {
      sink = s;
      s.send({ data: "hello" });
      await s.done;
      expect(s.signal.aborted).toBe(true);
      sendAfterClose = s.send({ data: "too late" });
      stopped.resolve();
    }, { repeat, keepAliveMs: 1000 });
    const reader = stream.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: hello\n\n");
    await reader.cancel();
    await stopped.promise;
    expect(sendAfterClose).toBe(false);
    expect(sink?.open).toBe(false);
    expect(timer.stopped).toBe(1);
    tick();
    expect(sink?.comment("x")).toBe(false);
  });

  it("stops the producer when the client aborts, and ends the stream", async () => {
    const { timer, repeat } = manualTimer();
    const client = new AbortController();
    const stopped = deferred();
    const stream = sseStream(async (sink) => {
      sink.send({ data: "hello" });
      sink.signal.addEventListener("abort", () => stopped.resolve());
      await new Promise(() => {}); // a producer that would never end on its own
    }, { signal: client.signal, repeat });
    const read = collect(stream);
    client.abort();
    await stopped.promise;
    expect(await read).toEqual([{ event: "message", data: "hello" }]);
    expect(timer.stopped).toBe(1);
  });

  it("does not start the producer for a client that is already gone", async () => {
    const client = new AbortController();
    client.abort();
    let ran = false;
    const stream = sseStream(() => {
      ran = true;
    }, { signal: client.signal, keepAliveMs: 0 });
    expect(await text(stream)).toBe("");
    expect(ran).toBe(false);
  });

  it("errors the stream when the producer throws", async () => {
    const { timer, repeat } = manualTimer();
    const stream = sseStream(async (sink) => {
      sink.send({ data: "partial" });
      throw new Error("the store went away");
    }, { repeat });
    const got: string[] = [];
    await expect((async () => {
      for await (const m of readSse(stream)) got.push(m.data);
    })()).rejects.toThrow("the store went away");
    expect(got).toEqual(["partial"]);
    expect(timer.stopped).toBe(1);
  });
});

describe("the planning stream protocol", () => {
  const started: PlanStreamChunk = { type: "event", event: { type: "planning.started", at: "2026-01-01T00:00:00.000Z", data: { goal: "g", source: "offline" } } };
  const failed: PlanStreamChunk = { type: "error", code: "x", message: "m" };

  it("encodes a chunk as one message named by its type", () => {
    expect(encodeChunk(failed)).toBe(`event: error\ndata: ${JSON.stringify(failed)}\n\n`);
    expect(decodeChunk({ event: "error", data: JSON.stringify(failed) })).toEqual({ ok: true, chunk: failed });
  });

  it("reads chunks from a written stream split anywhere, skipping the opening comment and keep-alives, reporting bad data", async () => {
    const { repeat, tick } = manualTimer();
    const stream = sseStream(async (sink) => {
      sink.comment(PLAN_STREAM_OPENING);
      sink.send({ event: "event", data: JSON.stringify(started) });
      tick();
      sink.send({ data: "{nope}" });
      sink.send({ event: "error", data: JSON.stringify(failed) });
    }, { repeat });
    const all = await text(stream);
    expect(all.startsWith(": planning\n\n")).toBe(true);
    expect(all).toContain(": keep-alive\n\n");
    const read = [];
    for await (const r of readPlanStream(pieces(all, 7))) read.push(r);
    expect(read).toEqual([{ ok: true, chunk: started }, { ok: false, data: "{nope}" }, { ok: true, chunk: failed }]);
  });
});
