import { promises as fs } from "node:fs";
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { resolveWorkspacePath } from "./workspace-path";

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

export const readFileAction = defineAction({
  id: "files.read",
  title: "Read a file",
  description:
    "Read a file from the run's workspace folder (paths are relative to it; absolute paths, \"..\" and symlinks leading outside are refused). " +
    'Returns { path, content, bytes, encoding }: text as UTF-8 by default, or base64 for binary files with encoding "base64".',
  flows: ["files"],
  effect: "read",
  input: z.object({
    path: z.string().min(1).describe('Path relative to the run\'s workspace, e.g. "notes/todo.md"'),
    encoding: z.enum(["utf8", "base64"]).default("utf8").describe('"utf8" (default) for text, "base64" for binary content'),
    maxBytes: z.number().int().positive().max(100 * 1024 * 1024).default(DEFAULT_MAX_BYTES).describe("Refuse files larger than this (default 10 MiB)"),
  }),
  output: z.object({
    path: z.string().describe("The workspace-relative path read"),
    content: z.string().describe("The file content, as text or base64"),
    bytes: z.number().int().describe("Size in bytes"),
    encoding: z.enum(["utf8", "base64"]).describe("Encoding of content"),
  }),
  async run(input, ctx) {
    const target = await resolveWorkspacePath(ctx.workspaceDir, input.path);
    const stat = await fs.stat(target.absolute).catch(() => null);
    if (!stat) throw new ActionError("file_not_found", `No file "${target.relative}" in the run's workspace.`);
    if (!stat.isFile()) throw new ActionError("not_a_file", `"${target.relative}" is a folder, not a file; use files.list to see its contents.`);
    if (stat.size > input.maxBytes) {
      throw new ActionError("file_too_large", `"${target.relative}" is ${stat.size} bytes, more than the ${input.maxBytes}-byte limit.`);
    }
    const buf = await fs.readFile(target.absolute);
    return { path: target.relative, content: buf.toString(input.encoding), bytes: buf.byteLength, encoding: input.encoding };
  },
});
