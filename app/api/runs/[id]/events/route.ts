import { handle } from "@/lib/server/http";
import { runEventStream, runEventsAfter } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

export const GET = handle(async (req: Request, { params }: { params: Promise<{ id: string }> }) => {
  const { id } = await params;
  const header = req.headers.get("last-event-id") ?? new URL(req.url).searchParams.get("lastEventId") ?? "0";
  const after = Number.isInteger(Number(header)) && Number(header) >= 0 ? Number(header) : 0;
  // ?format=json: the stored events as one JSON document, for scripts.
  if (new URL(req.url).searchParams.get("format") === "json") return { events: await runEventsAfter(id, after) };
  const stream = await runEventStream(id, after, req.signal);
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" },
  });
});
