/**
 * Write-with-undo for workspace files. Before the first write of a step, the previous
 * state of the target (its bytes, or the fact that it did not exist) is saved under
 * UNDO_DIR keyed by the step's idempotency key. A retried attempt keeps that first
 * backup, so undo restores what was there before the step, not before the last attempt.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { ActionError, type ActionContext } from "@/lib/core/action";
import { ARTIFACTS_FOLDER } from "@/lib/core/artifact";
import { resolveWorkspacePath } from "./workspace-path";

export const UNDO_DIR = ".trellis-undo";

interface BackupMeta {
  path: string;
  existed: boolean;
}

function backupDir(ctx: ActionContext, relative: string): string {
  const id = createHash("sha256").update(`${ctx.idempotencyKey}\u0000${relative}`).digest("hex").slice(0, 24);
  return path.join(ctx.workspaceDir, UNDO_DIR, id);
}

async function readMeta(dir: string): Promise<BackupMeta | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, "meta.json"), "utf8")) as BackupMeta;
  } catch {
    return null;
  }
}

export interface WriteResult {
  path: string;
  bytes: number;
  /** true when the file did not exist before this step */
  created: boolean;
}

export async function writeWorkspaceFile(
  ctx: ActionContext,
  relPath: string,
  data: string | Buffer,
  options: { overwrite?: boolean } = {},
): Promise<WriteResult> {
  const target = await resolveWorkspacePath(ctx.workspaceDir, relPath);
  for (const [dir, what] of [[UNDO_DIR, "undo information"], [ARTIFACTS_FOLDER, "the run's large values"]]) {
    if (target.relative === dir || target.relative.startsWith(`${dir}/`)) throw new ActionError("reserved_path", `"${dir}" is reserved for ${what}; write somewhere else.`);
  }
  const stat = await fs.lstat(target.absolute).catch(() => null);
  if (stat?.isDirectory()) throw new ActionError("is_a_directory", `"${target.relative}" is a folder, not a file.`);

  const dir = backupDir(ctx, target.relative);
  let meta = await readMeta(dir);
  if (!meta) {
    meta = { path: target.relative, existed: stat !== null };
    if (meta.existed && options.overwrite === false) {
      throw new ActionError("file_exists", `"${target.relative}" already exists and overwrite is false.`);
    }
    await fs.mkdir(dir, { recursive: true });
    if (meta.existed) await fs.copyFile(target.absolute, path.join(dir, "previous"));
    await fs.writeFile(path.join(dir, "meta.json"), JSON.stringify(meta));
  }
  await fs.mkdir(path.dirname(target.absolute), { recursive: true });
  // Write to a sibling temp file and rename, so a crash never leaves half a file behind.
  const tmp = `${target.absolute}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, target.absolute);
  const bytes = typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
  ctx.log("info", `Wrote ${bytes} bytes to ${target.relative}`);
  return { path: target.relative, bytes, created: !meta.existed };
}

/** Restore the file to its state before the step: previous bytes, or absent. */
export async function undoWorkspaceWrite(ctx: ActionContext, relPath: string, createdHint?: boolean): Promise<void> {
  const target = await resolveWorkspacePath(ctx.workspaceDir, relPath);
  const dir = backupDir(ctx, target.relative);
  const meta = await readMeta(dir);
  const existed = meta ? meta.existed : createdHint === false ? null : false;
  if (existed === null) {
    throw new ActionError("undo_unavailable", `The previous content of "${target.relative}" was not kept, so the write cannot be undone.`);
  }
  if (existed) {
    await fs.copyFile(path.join(dir, "previous"), target.absolute);
    ctx.log("info", `Restored the previous content of ${target.relative}`);
  } else {
    await fs.rm(target.absolute, { force: true });
    ctx.log("info", `Deleted ${target.relative}, which the step had created`);
  }
  await fs.rm(dir, { recursive: true, force: true });
}
