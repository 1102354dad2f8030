import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { previewWorkspaceWrite } from "./preview-write";
import { undoWorkspaceWrite, writeWorkspaceFile } from "./undo-backup";

export const writeFileAction = defineAction({
  id: "files.write",
  title: "Write a file",
  description:
    "Write text (or base64-decoded bytes) to a file in the run's workspace folder, creating parent folders. Paths are relative to the workspace; " +
    "absolute paths, \"..\" and symlinks leading outside are refused. Replaces an existing file unless overwrite is false; undo restores the previous " +
    "content or deletes the file if the step created it. Good for saving reports (.md), charts (.svg) or any text. Returns { path, bytes, created }.",
  flows: ["files"],
  effect: "write",
  input: z.object({
    path: z.string().min(1).describe('Path relative to the run\'s workspace, e.g. "out/report.md"'),
    content: z.string().describe("The text to write (or base64 when encoding is base64)"),
    encoding: z.enum(["utf8", "base64"]).default("utf8").describe('"utf8" (default) or "base64" for binary data'),
    overwrite: z.boolean().default(true).describe("Replace an existing file (default true)"),
  }),
  output: z.object({
    path: z.string().describe("The workspace-relative path written"),
    bytes: z.number().int().describe("Bytes written"),
    created: z.boolean().describe("True when the file did not exist before"),
  }),
  async run(input, ctx) {
    return writeWorkspaceFile(ctx, input.path, contentOf(input), { overwrite: input.overwrite });
  },
  preview(input, ctx) {
    return previewWorkspaceWrite(ctx, input.path, contentOf(input), { overwrite: input.overwrite });
  },
  files: (output) => [{ path: output.path, bytes: output.bytes }],
  async undo(input, output, ctx) {
    await undoWorkspaceWrite(ctx, output.path, output.created);
  },
});

function contentOf(input: { content: string; encoding: "utf8" | "base64" }): string | Buffer {
  return input.encoding === "base64" ? Buffer.from(input.content, "base64") : input.content;
}
