/**
 * Turning a user- or LLM-supplied path into one that is provably inside the run's
 * workspace. Refuses absolute paths and any `..` segment outright (a clear rule beats
 * clever normalisation), then resolves symlinks so a link pointing outside is caught too.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { ActionError } from "@/lib/core/action";

export interface WorkspacePath {
  /** the absolute path on disk (symlinks in existing parents resolved) */
  absolute: string;
  /** the path relative to the workspace, with forward slashes */
  relative: string;
}

function refuse(message: string): never {
  throw new ActionError("path_outside_workspace", message);
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

async function realpathOrNull(p: string): Promise<string | null> {
  try {
    return await fs.realpath(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Resolve `relPath` inside `workspaceDir`. The target itself need not exist (for writes). */
export async function resolveWorkspacePath(workspaceDir: string, relPath: string): Promise<WorkspacePath> {
  if (relPath.includes("\0")) refuse("The path contains a NUL character.");
  const cleaned = relPath.trim();
  if (cleaned === "") refuse("The path is empty. Give a path relative to the run's workspace, such as \"out/report.md\".");
  if (path.isAbsolute(cleaned) || path.win32.isAbsolute(cleaned) || /^[A-Za-z]:/.test(cleaned)) {
    refuse(`"${relPath}" is an absolute path. Use a path relative to the run's workspace, such as "out/report.md".`);
  }
  const segments = cleaned.split(/[\\/]+/);
  if (segments.includes("..")) refuse(`"${relPath}" uses "..", which could leave the run's workspace. Use a path inside it.`);

  await fs.mkdir(workspaceDir, { recursive: true });
  const root = await fs.realpath(workspaceDir);
  const lexical = path.resolve(root, ...segments.filter((s) => s !== "" && s !== "."));

  // Walk up to the deepest part that exists and resolve its links; the rest is created later.
  let existing = lexical;
  const pending: string[] = [];
  let real = await realpathOrNull(existing);
  while (real === null) {
    // A dangling symlink resolves to nothing but must still be inspected.
    const stat = await fs.lstat(existing).catch(() => null);
    if (stat?.isSymbolicLink()) {
      const target = path.resolve(path.dirname(existing), await fs.readlink(existing));
      if (!isInside(root, target)) refuse(`"${relPath}" is a symbolic link that points outside the run's workspace.`);
    }
    pending.unshift(path.basename(existing));
    existing = path.dirname(existing);
    real = await realpathOrNull(existing);
  }
  const absolute = path.join(/*turbopackIgnore: true*/ real, ...pending);
  if (!isInside(root, absolute)) {
    refuse(`"${relPath}" goes through a symbolic link that points outside the run's workspace.`);
  }
  return { absolute, relative: path.relative(root, absolute).split(path.sep).join("/") || "." };
}
