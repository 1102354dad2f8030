/**
 * The planning stream's protocol: every SSE message is one chunk of this union, from the
 * server's route to the goal form and the CLI, parsed with the same schema on both ends.
 * Writing and reading chunks is lib/contract/plan-stream.
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
