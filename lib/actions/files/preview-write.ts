/**
 * A dry run's preview of a workspace file write: the same path checks as the write, then
 * the path, the size and a diff against the file that is there now. Nothing is written.
 */
import { promises as fs } from "node:fs";
import type { ActionContext, ActionPreview } from "@/lib/core/action";
import { ActionError } from "@/lib/core/action";
import { ARTIFACTS_FOLDER } from "@/lib/core/artifact";
import { unifiedDiff } from "./line-diff";
import { UNDO_DIR, type WriteResult } from "./undo-backup";
import { resolveWorkspacePath } from "./workspace-path";

export async function previewWorkspaceWrite(
  ctx: ActionContext,
  relPath: string,
  data: string | Buffer,
  options: { overwrite?: boolean } = {},
): Promise<ActionPreview<WriteResult>> {
  const target = await resolveWorkspacePath(ctx.workspaceDir, relPath);
  for (const dir of [UNDO_DIR, ARTIFACTS_FOLDER]) {
    if (target.relative === dir || target.relative.startsWith(`${dir}/`)) throw new ActionError("reserved_path", `"${dir}" is reserved; write somewhere else.`);
  }
  const stat = await fs.lstat(target.absolute).catch(() => null);
  if (stat?.isDirectory()) throw new ActionError("is_a_directory", `"${target.relative}" is a folder, not a file.`);
  if (stat && options.overwrite === false) throw new ActionError("file_exists", `"${target.relative}" already exists and overwrite is false.`);
  const next = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const before = stat ? await fs.readFile(target.absolute) : Buffer.alloc(0);
  const beforeText = textOf(before), afterText = textOf(next);
  const binary = beforeText === null || afterText === null;
  const diff = binary ? undefined : unifiedDiff(beforeText, afterText, { from: stat ? `a/${target.relative}` : "/dev/null", to: `b/${target.relative}` });
  return {
    effect: {
      kind: "file",
      path: target.relative,
      bytes: next.byteLength,
      exists: stat !== null,
      ...(stat ? { previousBytes: before.byteLength } : {}),
      ...(binary ? { binary: true, ...(stat && before.equals(next) ? { diff: "" } : {}) } : { diff: diff!.text, ...(diff!.truncated ? { diffTruncated: true } : {}) }),
    },
    output: { path: target.relative, bytes: next.byteLength, created: stat === null },
  };
}

function textOf(buf: Buffer): string | null {
  if (buf.includes(0)) return null;
  const text = buf.toString("utf8");
  return Buffer.from(text, "utf8").equals(buf) ? text : null;
}
