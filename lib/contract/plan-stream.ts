/**
 * The planning stream's protocol (POST /api/plans/stream): every SSE message is one
 * PlanStreamChunk, named by its type (`event`, `done`, `error`), its data the chunk as JSON.
 * The route writes chunks with `encodeChunk`; the goal form and the CLI read them with
 * `readPlanStream`, parsed with the same schema.
 */
import { PlanStreamChunk } from "../planner/stream";
import { decodeSseJson, formatSse, readSse, type SseMessage } from "./sse";

export { PlanStreamChunk };

/** The stream's first comment: it opens the response before planning has anything to say. */
export const PLAN_STREAM_OPENING = "planning";

/** One chunk as an SSE message. */
export function chunkMessage(chunk: PlanStreamChunk): { event: string; data: string } {
  return { event: chunk.type, data: JSON.stringify(chunk) };
}

/** One chunk as SSE text: `event: <type>`, `data: <json>`, a blank line. */
export function encodeChunk(chunk: PlanStreamChunk): string {
  return formatSse(chunkMessage(chunk));
}

/** A message read back as a chunk, or its data when it is not one. */
export function decodeChunk(message: SseMessage): { ok: true; chunk: PlanStreamChunk } | { ok: false; data: string } {
  const r = decodeSseJson(message, PlanStreamChunk);
  return r.ok ? { ok: true, chunk: r.value } : r;
}

/** The chunks of a planning stream as they arrive; data that is not a chunk is reported, not thrown. */
export async function* readPlanStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<{ ok: true; chunk: PlanStreamChunk } | { ok: false; data: string }, void, undefined> {
  for await (const message of readSse(stream)) yield decodeChunk(message);
}
