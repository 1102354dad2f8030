import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";
import { ARTIFACTS_FOLDER } from "@/lib/core/artifact";
import { globToRegExp } from "./glob";
import { UNDO_DIR } from "./undo-backup";
import { resolveWorkspacePath } from "./workspace-path";

const MAX_ENTRIES = 5000;

const Entry = z.object({
  path: z.string().describe("Path relative to the workspace, with forward slashes"),
  type: z.enum(["file", "directory", "symlink"]).describe("Entry kind (symlinks are listed but not followed)"),
  bytes: z.number().int().describe("Size in bytes (0 for folders)"),
  modifiedAt: z.string().describe("Last modification time, ISO 8601"),
});

export const listFilesAction = defineAction({
  id: "files.list",
  title: "List files",
  description:
    "List files and folders in the run's workspace folder, or in a subfolder of it; optionally recursive and filtered by a glob on the relative path " +
    '(e.g. "*.csv", "**/*.md"). Returns { entries: [{ path, type, bytes, modifiedAt }], count, truncated } sorted by path.',
  flows: ["files"],
  effect: "read",
  input: z.object({
    path: z.string().default(".").describe('Folder relative to the workspace (default ".", the workspace itself)'),
    recursive: z.boolean().default(false).describe("Include the contents of subfolders (default false)"),
    pattern: z.string().optional().describe('Glob matched against each entry\'s relative path, e.g. "**/*.csv" (optional)'),
  }),
  output: z.object({
    entries: z.array(Entry).describe("The entries found"),
    count: z.number().int().describe("Number of entries returned"),
    truncated: z.boolean().describe(`True when more than ${MAX_ENTRIES} entries exist and the rest were left out`),
  }),
  async run(input, ctx) {
    const root = await resolveWorkspacePath(ctx.workspaceDir, input.path);
    const base = await resolveWorkspacePath(ctx.workspaceDir, ".");
    const stat = await fs.stat(root.absolute).catch(() => null);
    if (!stat) throw new ActionError("folder_not_found", `No folder "${root.relative}" in the run's workspace.`);
    if (!stat.isDirectory()) throw new ActionError("not_a_folder", `"${root.relative}" is a file; use files.read to read it.`);
    const glob = input.pattern ? globToRegExp(input.pattern) : null;
    const entries: z.infer<typeof Entry>[] = [];
    let truncated = false;

    const walk = async (dir: string): Promise<void> => {
      ctx.signal.throwIfAborted();
      const items = await fs.readdir(dir, { withFileTypes: true });
      items.sort((a, b) => a.name.localeCompare(b.name));
      for (const item of items) {
        const abs = path.join(dir, item.name);
        const rel = path.relative(base.absolute, abs).split(path.sep).join("/");
        if (rel === UNDO_DIR || rel === ARTIFACTS_FOLDER) continue;
        const type = item.isSymbolicLink() ? "symlink" : item.isDirectory() ? "directory" : "file";
        if (!glob || glob.test(rel)) {
          if (entries.length >= MAX_ENTRIES) {
            truncated = true;
            return;
          }
          const st = await fs.lstat(abs);
          entries.push({ path: rel, type, bytes: type === "file" ? st.size : 0, modifiedAt: st.mtime.toISOString() });
        }
        if (input.recursive && type === "directory") await walk(abs);
        if (truncated) return;
      }
    };
    await walk(root.absolute);
    entries.sort((a, b) => a.path.localeCompare(b.path));
    return { entries, count: entries.length, truncated };
  },
});
