/**
 * The workspace files a retried run inherits: each reused step's action names the files it
 * produced (`files(output)`), and the retry gets exactly those from the run it retries,
 * hard-linked (copied across devices). A file that is gone or no longer has the size the step
 * wrote is not the step's work any more, so that step is not reused but runs again.
 *
 * Links are safe because the file actions never change a file in place: a write goes to a
 * temporary sibling that is renamed over the target, so the earlier run's file stays as it was.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { Action, WrittenFile } from "../core";
import { ARTIFACTS_FOLDER } from "../core/artifact";

/** The files a completed step produced, or null when they are not all there as it wrote them. */
export async function filesOfStep(action: Action | undefined, output: unknown, workspace: string): Promise<WrittenFile[] | null> {
  if (!action?.files) return [];
  let files: WrittenFile[];
  try {
    files = action.files(output as never);
  } catch {
    return null; // an output its action cannot read: do not trust what it says it wrote
  }
  for (const f of files) {
    const abs = inside(workspace, f.path);
    if (!abs) return null;
    const stat = await fs.stat(abs).catch(() => null);
    if (!stat?.isFile() || (f.bytes !== undefined && stat.size !== f.bytes)) return null;
  }
  return files;
}

/** Gives `to` the files of `from` the reused steps produced. */
export async function shareFiles(from: string, to: string, files: readonly WrittenFile[]): Promise<void> {
  for (const f of files) {
    const src = inside(from, f.path), dest = inside(to, f.path);
    if (!src || !dest) continue;
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.rm(dest, { force: true });
    await fs.link(src, dest).catch(() => fs.copyFile(src, dest));
  }
}

/** `rel` inside the workspace `root` as an absolute path; null when it leaves it or names Trellis's artifact folder. */
export function inside(root: string, rel: string): string | null {
  const abs = path.resolve(root, rel);
  const r = path.relative(root, abs);
  if (!r || r.startsWith("..") || path.isAbsolute(r) || r === ARTIFACTS_FOLDER || r.startsWith(`${ARTIFACTS_FOLDER}${path.sep}`)) return null;
  return abs;
}
