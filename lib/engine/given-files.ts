/**
 * Files a person gives a run before it starts (uploads, lib/server/uploads): each is copied
 * into the run's workspace at its path, before the run is stored, so its first step already
 * finds them. A copy, not a link: whatever writes into the workspace (an MCP server pointed at
 * it, say) cannot change the upload that later runs get.
 *
 * The run also keeps each as it was given, by its SHA-256, in its artifact folder, with a list
 * of them (`given-files.json`): a retry of the run gets them again as they were given, even
 * when a step changed the workspace's copy or the upload has expired.
 */
import { createHash } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ARTIFACTS_FOLDER } from "../core/artifact";
import { inside } from "./reused-files";

export interface GivenFile {
  /** where it goes, relative to the run's workspace */
  path: string;
  /** where its bytes are now (an absolute path) */
  source: string;
}

const GivenList = z.array(z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }));

const listFile = (workspace: string) => path.join(workspace, ARTIFACTS_FOLDER, "given-files.json");
const keptFile = (workspace: string, sha256: string) => path.join(workspace, ARTIFACTS_FOLDER, "given", sha256);

/** Puts the files into `workspace`; a path that would leave it is refused, naming it. */
export async function placeGivenFiles(workspace: string, files: readonly GivenFile[]): Promise<void> {
  const list: z.infer<typeof GivenList> = [];
  for (const f of files) {
    const dest = inside(workspace, f.path);
    if (!dest) throw new Error(`"${f.path}" is not a path inside the run's workspace`);
    const sha256 = createHash("sha256").update(await fs.readFile(f.source)).digest("hex");
    const kept = keptFile(workspace, sha256);
    await fs.mkdir(path.dirname(kept), { recursive: true });
    await fs.copyFile(f.source, kept, constants.COPYFILE_FICLONE);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.rm(dest, { force: true });
    await fs.copyFile(kept, dest, constants.COPYFILE_FICLONE);
    list.push({ path: f.path, sha256 });
  }
  if (list.length) await fs.writeFile(listFile(workspace), JSON.stringify(list));
}

/** The files a run was given, as they were given (for a retry of it); none when it was given none. */
export async function givenFilesOf(workspace: string): Promise<GivenFile[]> {
  const text = await fs.readFile(listFile(workspace), "utf8").catch(() => null);
  if (text === null) return [];
  let parsed;
  try {
    parsed = GivenList.safeParse(JSON.parse(text));
  } catch {
    return [];
  }
  if (!parsed.success) return [];
  const out: GivenFile[] = [];
  for (const g of parsed.data) {
    const source = keptFile(workspace, g.sha256);
    if ((await fs.stat(source).catch(() => null))?.isFile()) out.push({ path: g.path, source });
  }
  return out;
}
