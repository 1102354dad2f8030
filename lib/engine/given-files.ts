/**
 * Files a person gives a run before it starts (uploads, lib/server/uploads): each is copied
 * into the run's workspace at its path, before the run is stored, so its first step already
 * finds them. A copy, not a link: whatever writes into the workspace (an MCP server pointed at
 * it, say) cannot change the upload that later runs get.
 */
import { constants, promises as fs } from "node:fs";
import path from "node:path";
import { inside } from "./reused-files";

export interface GivenFile {
  /** where it goes, relative to the run's workspace */
  path: string;
  /** where its bytes are now (an absolute path) */
  source: string;
}

/** Puts the files into `workspace`; a path that would leave it is refused, naming it. */
export async function placeGivenFiles(workspace: string, files: readonly GivenFile[]): Promise<void> {
  for (const f of files) {
    const dest = inside(workspace, f.path);
    if (!dest) throw new Error(`"${f.path}" is not a path inside the run's workspace`);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.rm(dest, { force: true });
    await fs.copyFile(f.source, dest, constants.COPYFILE_FICLONE);
  }
}
