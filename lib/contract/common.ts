/** Shapes every part of the API shares: dates as text, the error answer, plain acknowledgements. */
import { z } from "zod";

/** Dates travel as ISO 8601 text. */
export const IsoDate = z.string().describe("ISO 8601 date and time");

export const ApiError = z.object({
  error: z.object({
    code: z.string().describe("machine-readable, e.g. bad_request, not_found, invalid_plan"),
    message: z.string().describe("what is wrong, for a person"),
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

export const Ok = z.object({ ok: z.literal(true) });
export type Ok = z.infer<typeof Ok>;

/** A path segment naming a thing: text, at most 200 characters. */
export const PathId = z.string().min(1).max(200);
