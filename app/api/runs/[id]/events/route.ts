import { OPERATIONS } from "@/lib/contract/operations";
import { SSE_HEADERS } from "@/lib/contract/sse";
import { route } from "@/lib/server/route";
import { lastEventId, runEventStream, runEventsAfter } from "@/lib/server/runs";

export const dynamic = "force-dynamic";

export const GET = route(OPERATIONS.runEvents, async ({ params, query, request }) => {
  const after = lastEventId(request.headers.get("last-event-id") ?? query.lastEventId);
  // ?format=json: the stored events as one JSON document, for scripts.
  if (query.format === "json") return { events: await runEventsAfter(params.id, after) };
  const stream = await runEventStream(params.id, after, request.signal);
  return new Response(stream, { headers: SSE_HEADERS });
});
