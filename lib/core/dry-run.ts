/**
 * What a step of a dry run says it would do: the typed preview a `write` action gives
 * instead of acting (a file's path, size and a diff against what is there now; for other
 * effects a sentence). Stored in the step's `step.skipped` event and shown by every viewer.
 */
import { z } from "zod";

export const DryRunPreview = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("file"),
    /** the workspace-relative path that would be written */
    path: z.string(),
    /** the size the file would have */
    bytes: z.number().int().min(0),
    /** whether a file is there now */
    exists: z.boolean(),
    /** its size now, when it exists */
    previousBytes: z.number().int().min(0).optional(),
    /** a unified diff (text files) from the file there now to what would be written; "" when unchanged */
    diff: z.string().optional(),
    /** true when the diff was cut to keep the event small */
    diffTruncated: z.boolean().optional(),
    /** true when either side is not UTF-8 text (no line diff then) */
    binary: z.boolean().optional(),
  }),
  z.object({ kind: z.literal("description"), text: z.string() }),
]);
export type DryRunPreview = z.infer<typeof DryRunPreview>;

/** A short line for lists and terminals. */
export function describePreview(p: DryRunPreview): string {
  if (p.kind === "description") return p.text;
  const change = !p.exists ? "create" : p.diff === "" ? "leave unchanged" : "replace";
  return `would ${change} ${p.path} (${p.bytes} bytes${p.exists && p.previousBytes !== undefined && p.previousBytes !== p.bytes ? `, now ${p.previousBytes}` : ""})`;
}
