/**
 * The planning stream's protocol: every SSE message is one chunk of this union, from the
 * server's route to the goal form, parsed with the same schema on both ends.
 */
import { z } from "zod";
import { PlanningEvent } from "../core/events";
import { PlanStatus } from "./request";

export const PlanStreamChunk = z.discriminatedUnion("type", [
  z.object({ type: z.literal("event"), event: PlanningEvent }),
  z.object({
    type: z.literal("done"),
    planId: z.string(),
    versionId: z.string(),
    version: z.number().int(),
    url: z.string(),
    status: PlanStatus,
    valid: z.boolean(),
    errors: z.number().int(),
    missingInputs: z.array(z.string()),
  }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type PlanStreamChunk = z.infer<typeof PlanStreamChunk>;

/** One SSE message for a chunk. */
export function encodeChunk(chunk: PlanStreamChunk): string {
  return `event: ${chunk.type}\ndata: ${JSON.stringify(chunk)}\n\n`;
}

/**
 * Reads SSE text as it arrives: feed it pieces, get back the complete chunks. Lines that are
 * not data (comments, keep-alives) are skipped; data that does not parse is reported, not thrown.
 */
export class PlanStreamReader {
  private buffer = "";

  push(text: string): { chunks: PlanStreamChunk[]; bad: string[] } {
    this.buffer += text.replace(/\r\n/g, "\n");
    const chunks: PlanStreamChunk[] = [];
    const bad: string[] = [];
    let end = this.buffer.indexOf("\n\n");
    while (end >= 0) {
      const frame = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = frame.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).replace(/^ /, "")).join("\n");
      if (data) {
        let value: unknown;
        try {
          value = JSON.parse(data);
        } catch {
          value = undefined;
        }
        const parsed = PlanStreamChunk.safeParse(value);
        if (parsed.success) chunks.push(parsed.data);
        else bad.push(data);
      }
      end = this.buffer.indexOf("\n\n");
    }
    return { chunks, bad };
  }
}
