/** A Server-Sent Events response fed by an async producer; keep-alive comments while it works. */
const HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};

const KEEP_ALIVE_MS = 15_000;

export function sseResponse(produce: (send: (message: string) => void, signal: AbortSignal) => Promise<void>, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      let open = true;
      const send = (message: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(message));
        } catch {
          open = false;
        }
      };
      const ping = setInterval(() => send(": keep-alive\n\n"), KEEP_ALIVE_MS);
      try {
        send(": planning\n\n");
        await produce(send, signal);
      } finally {
        clearInterval(ping);
        open = false;
        try {
          controller.close();
        } catch {
          // already closed by a client that went away
        }
      }
    },
  });
  return new Response(stream, { status: 200, headers: HEADERS });
}
