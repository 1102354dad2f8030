/**
 * Server-Sent Events, both ends: the one writer every streaming route uses and the one reader
 * every client uses (the browser's planning form, the CLI, the tests). Framing follows the
 * HTML standard's event stream format: `id`, `event`, `data` (one line per line of data),
 * `retry` and `:` comments; a blank line ends a message.
 *
 * Pure: no Node or browser I/O beyond the web streams and text codecs both provide.
 */

/** The headers of every event stream Trellis answers with. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // proxies such as nginx would otherwise hold messages back
  "x-accel-buffering": "no",
});

/** How often a quiet stream sends a keep-alive comment, so proxies and clients keep it open. */
export const KEEP_ALIVE_MS = 15_000;

// ---- framing ----

/** One message to send. Every field is optional; a message with none sends nothing. */
export interface SseOutgoing {
  /** the message's id: a client that reconnects sends the last one as Last-Event-ID */
  id?: string | number;
  /** the event name (`message` when absent) */
  event?: string;
  /** the payload; each of its lines becomes a `data:` line */
  data?: string;
  /** how long (ms) a client waits before it reconnects */
  retry?: number;
  /** a comment, ignored by readers (keep-alives, a first byte to open the stream) */
  comment?: string;
}

const LINE_BREAK = /\r\n|\r|\n/;

function singleLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new TypeError(`An SSE ${field} cannot contain a line break.`);
  return value;
}

/** The text of one message, ending with the blank line that dispatches it. */
export function formatSse(message: SseOutgoing): string {
  let out = "";
  if (message.comment !== undefined) for (const line of message.comment.split(LINE_BREAK)) out += line ? `: ${line}\n` : ":\n";
  if (message.retry !== undefined) {
    if (!Number.isInteger(message.retry) || message.retry < 0) throw new TypeError(`An SSE retry is a whole number of milliseconds, not ${message.retry}.`);
    out += `retry: ${message.retry}\n`;
  }
  if (message.id !== undefined) {
    const id = singleLine("id", String(message.id));
    if (id.includes("\0")) throw new TypeError("An SSE id cannot contain a NUL character.");
    out += `id: ${id}\n`;
  }
  if (message.event !== undefined) out += `event: ${singleLine("event name", message.event)}\n`;
  if (message.data !== undefined) for (const line of message.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out ? `${out}\n` : "";
}

// ---- writer ----

/** What a producer writes through. After the stream closes, every call is a no-op that answers false. */
export interface SseSink {
  /** sends one message; false when the stream is closed (stop producing) */
  send(message: SseOutgoing): boolean;
  /** sends a comment */
  comment(text: string): boolean;
  /** aborted when the stream closes: the client went away, the reader cancelled, or the producer finished */
  readonly signal: AbortSignal;
  /** resolves when the stream closes */
  readonly done: Promise<void>;
  readonly open: boolean;
}

/** Runs `tick` every `ms` milliseconds until the returned function is called. */
export type Repeat = (tick: () => void, ms: number) => () => void;

const everyInterval: Repeat = (tick, ms) => {
  const timer = setInterval(tick, ms);
  // A keep-alive never holds a process open on its own (Node); browsers have no unref.
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
};

export interface SseStreamOptions {
  /** the client's abort signal (a request's `signal`): aborting it closes the stream and stops the producer */
  signal?: AbortSignal;
  /** keep-alive comment interval; 0 (or Infinity) turns keep-alives off. Default KEEP_ALIVE_MS. */
  keepAliveMs?: number;
  /** the keep-alive comment's text (default "keep-alive") */
  keepAlive?: string | (() => string);
  /** the timer behind keep-alives; tests pass one they tick by hand */
  repeat?: Repeat;
}

/**
 * An event stream fed by an async producer. The stream closes when the producer returns; a
 * producer that throws errors the stream. The client aborting (`options.signal`) or the
 * reader cancelling closes it too: the producer's `sink.signal` aborts, the keep-alive timer
 * stops, and nothing is enqueued after that.
 */
export function sseStream(produce: (sink: SseSink) => Promise<void> | void, options: SseStreamOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const stop = new AbortController();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let stopTimer = () => {};
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  /** Ends everything once; `how` says what happens to the stream itself. */
  const finish = (how: "close" | "cancelled" | { error: unknown }) => {
    if (stop.signal.aborted) return;
    stopTimer();
    options.signal?.removeEventListener("abort", onClientAbort);
    stop.abort(how === "close" ? undefined : how === "cancelled" ? new Error("The event stream was cancelled.") : how.error);
    resolveDone();
    try {
      if (how === "close") controller.close();
      else if (how !== "cancelled") controller.error(how.error);
    } catch {
      // the stream is already closed or cancelled
    }
  };
  const onClientAbort = () => finish("close");

  const write = (text: string): boolean => {
    if (stop.signal.aborted) return false;
    if (!text) return true;
    try {
      controller.enqueue(encoder.encode(text));
      return true;
    } catch {
      finish("cancelled");
      return false;
    }
  };

  const sink: SseSink = {
    send: (message) => write(formatSse(message)),
    comment: (text) => write(formatSse({ comment: text })),
    signal: stop.signal,
    done,
    get open() {
      return !stop.signal.aborted;
    },
  };

  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (options.signal?.aborted) {
        finish("close");
        return;
      }
      options.signal?.addEventListener("abort", onClientAbort, { once: true });
      const every = options.keepAliveMs ?? KEEP_ALIVE_MS;
      if (Number.isFinite(every) && every > 0) {
        const text = options.keepAlive ?? "keep-alive";
        const cancelRepeat = (options.repeat ?? everyInterval)(() => {
          if (!stop.signal.aborted) sink.comment(typeof text === "function" ? text() : text);
        }, every);
        stopTimer = () => {
          stopTimer = () => {};
          cancelRepeat();
        };
      }
      // Not awaited: the stream is readable while the producer works.
      void (async () => {
        try {
          await produce(sink);
          finish("close");
        } catch (err) {
          finish({ error: err });
        }
      })();
    },
    cancel() {
      finish("cancelled");
    },
  });
}

/** An event stream as a 200 response with SSE_HEADERS. */
export function sseResponse(produce: (sink: SseSink) => Promise<void> | void, options: SseStreamOptions & { headers?: Record<string, string> } = {}): Response {
  return new Response(sseStream(produce, options), { status: 200, headers: { ...SSE_HEADERS, ...options.headers } });
}

// ---- reader ----

/** One message read from a stream. */
export interface SseMessage {
  /** the event name; `message` when the stream named none */
  event: string;
  /** the data lines joined with "\n" */
  data: string;
  /** the last event id the stream set (ids carry over to later messages), if any */
  id?: string;
}

/**
 * The incremental parser: push text as it arrives, in pieces split anywhere (inside a line,
 * between CR and LF); get back each complete message. Comments and messages without data are
 * skipped; unknown fields are ignored; `retry` is kept in `retry`.
 */
export class SseParser {
  /** the last `id` the stream set ("" when none or reset) */
  lastEventId = "";
  /** the reconnection time the stream asked for, if it did */
  retry: number | undefined;
  private line = "";
  private data: string[] = [];
  private event = "";
  private skipLf = false;
  private started = false;

  push(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    if (!this.started && text) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let i = 0;
    if (this.skipLf && text.length) {
      if (text[0] === "\n") i = 1;
      this.skipLf = false;
    }
    while (i < text.length) {
      const cr = text.indexOf("\r", i);
      const lf = text.indexOf("\n", i);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (end < 0) {
        this.line += text.slice(i);
        break;
      }
      const message = this.takeLine(this.line + text.slice(i, end));
      this.line = "";
      if (message) out.push(message);
      i = end + 1;
      if (text[end] === "\r") {
        if (i < text.length) {
          if (text[i] === "\n") i++;
        } else this.skipLf = true;
      }
    }
    return out;
  }

  /** The stream ended: a message without its blank line is dropped, as the standard says. */
  end(): void {
    this.line = "";
    this.data = [];
    this.event = "";
    this.skipLf = false;
  }

  private takeLine(line: string): SseMessage | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id") {
      if (!value.includes("\0")) this.lastEventId = value;
    } else if (field === "retry") {
      if (/^\d+$/.test(value)) this.retry = Number(value);
    }
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = "";
    if (!data.length) return undefined;
    return { event: event || "message", data: data.join("\n"), ...(this.lastEventId ? { id: this.lastEventId } : {}) };
  }
}

/**
 * The messages of a byte stream (a fetch body, or a stream a route returns), as they arrive.
 * Breaking out of the loop cancels the stream.
 */
export async function* readSse(stream: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage, void, undefined> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    parser.end();
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** A message's data as JSON checked by a schema (anything with `safeParse`): the value, or the data that did not fit. */
export function decodeSseJson<T>(message: SseMessage, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }): { ok: true; value: T } | { ok: false; data: string } {
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch {
    return { ok: false, data: message.data };
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, data: message.data };
}
