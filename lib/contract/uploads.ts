/**
 * Files a person gives a run: uploaded first (POST /api/uploads), then named when the run
 * starts (`files` of StartRunBody), which puts each into the run's workspace at its name,
 * where `files.read`, `data.load_csv` and the other file actions find it.
 */
import { z } from "zod";

/** the largest file one upload takes */
export const MAX_UPLOAD_BYTES = 5_000_000;
/** the most uploaded files one run takes */
export const MAX_RUN_FILES = 20;
/** an upload's JSON body: the file as base64 (4/3 of its size) and room for the name */
export const MAX_UPLOAD_BODY_BYTES = Math.ceil((MAX_UPLOAD_BYTES * 4) / 3) + 16_384;

const SEGMENT = /^[\p{L}\p{N}_][\p{L}\p{N}._ ()+,=@-]*$/u;

/**
 * Where a file goes in the run's workspace: a name, or a short relative path of names
 * ("notes.txt", "in/sales.csv"). No absolute path, no "." or ".." segment, no hidden name
 * (Trellis keeps its own folders there with a leading dot), no backslash or control character.
 */
export const WorkspaceFileName = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => {
    const segments = name.split("/");
    return segments.length <= 4 && segments.every((s) => s.length <= 100 && SEGMENT.test(s) && s.trim() === s);
  }, 'a file name, or a relative path of up to 4 names such as "in/notes.txt": letters, digits, spaces and . _ - ( ) + , = @, not starting with a dot or a space, no ".." or "\\"');

export const UploadId = z.uuid().describe("an upload's id, as POST /api/uploads answered it");

export const UploadBody = z.object({
  name: WorkspaceFileName.describe('where the file goes in the workspace of the runs that name it, e.g. "notes.txt"'),
  /** the file's bytes, base64 */
  contentBase64: z.base64().describe(`the file's bytes as base64, at most ${MAX_UPLOAD_BYTES / 1_000_000} MB once decoded`),
});
export type UploadBody = z.infer<typeof UploadBody>;

export const Uploaded = z.object({
  id: UploadId,
  name: z.string(),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** after this the upload is removed unless a run has taken it */
  expiresAt: z.string(),
});
export type Uploaded = z.infer<typeof Uploaded>;

export const RunFiles = z
  .array(UploadId)
  .max(MAX_RUN_FILES)
  .describe(`uploads (POST /api/uploads) to put into the run's workspace before it starts, each at its name; at most ${MAX_RUN_FILES}, no two with the same name`);
