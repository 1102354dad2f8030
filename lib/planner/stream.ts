/**
 * The planning stream's protocol: every SSE message is one chunk of this union, from the
 * server's route to the goal form and the CLI, parsed with the same schema on both ends.
 * Writing and reading chunks is lib/contract/plan-stream.
 */
import { z } from "zod";
import { PlanningEvent } from "../core/events";
import { Coverage } from "../core/coverage";
import { PlanHelp, PlanStatus } from "./request";

export const PlanStreamChunk = z.discriminatedUnion("type", [
  z.object({ type: z.literal("event"), event: PlanningEvent }),
  z.object({
    type: z.literal("done"),
    /** null when nothing in the catalog fits the goal (status no_plan): nothing was stored */
    planId: z.string().nullable(),
    versionId: z.string().nullable(),
    version: z.number().int().nullable(),
    url: z.string().nullable(),
    status: PlanStatus,
    valid: z.boolean(),
    errors: z.number().int(),
    missingInputs: z.array(z.string()),
    coverage: Coverage,
    help: PlanHelp.optional(),
  }),
  z.object({ type: z.literal("error"), code: z.string(), message: z.string() }),
]);
export type PlanStreamChunk = z.infer<typeof PlanStreamChunk>;
