/**
 * `--file PATH` (or `--file NAME=PATH`): a file of this machine put into the run's workspace,
 * at its own name (or at NAME), where the plan's file steps read it. Each is checked here
 * (exists, size, a safe name) before anything is uploaded, then uploaded (POST /api/uploads)
 * and its id handed to the run.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { MAX_RUN_FILES, MAX_UPLOAD_BYTES, WorkspaceFileName } from "../contract/uploads";
import { resolvePath, type Context } from "./context";
import { usageError } from "./exit-codes";

export const FILE_OPTIONS = { file: { type: "string", multiple: true } } as const;
export const FILE_HELP = [
  "--file PATH      put a file into the run's workspace at its name (repeat for more; NAME=PATH puts it at NAME,",
  `                 e.g. --file in/notes.txt=./notes.txt); at most ${MAX_RUN_FILES} files of ${MAX_UPLOAD_BYTES / 1_000_000} MB each`,
];

interface LocalFile {
  name: string;
  file: string;
}

/** Reads the `--file` values into where each goes and where it is, refusing what cannot be uploaded. */
export async function readFileOptions(ctx: Context, values: readonly string[] | undefined): Promise<LocalFile[]> {
  const given = values ?? [];
  if (given.length > MAX_RUN_FILES) throw usageError(`A run takes at most ${MAX_RUN_FILES} files; ${given.length} were given with --file.`);
  const out: LocalFile[] = [];
  for (const value of given) {
    const eq = value.indexOf("=");
    const named = eq > 0 && !(await isFile(resolvePath(ctx, value)));
    const file = resolvePath(ctx, named ? value.slice(eq + 1) : value);
    const name = named ? value.slice(0, eq) : path.basename(file);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) throw usageError(`--file ${value}: there is no file ${file}.`);
    if (stat.size > MAX_UPLOAD_BYTES) throw usageError(`--file ${value}: the file has ${stat.size} bytes; a run's file may have at most ${MAX_UPLOAD_BYTES / 1_000_000} MB.`);
    const checked = WorkspaceFileName.safeParse(name);
    if (!checked.success) throw usageError(`--file ${value}: "${name}" cannot be a name in the run's workspace (${checked.error.issues[0].message}). Give another with NAME=PATH.`);
    if (out.some((f) => f.name === name)) throw usageError(`--file ${value}: another file already goes to "${name}".`);
    out.push({ name, file });
  }
  return out;
}

/** Uploads the files and answers their ids for the run. */
export async function uploadFiles(ctx: Context, files: readonly LocalFile[]): Promise<string[]> {
  const ids: string[] = [];
  for (const f of files) {
    const bytes = await fs.readFile(f.file);
    const uploaded = await ctx.client().uploadFile(f.name, bytes.toString("base64"));
    ctx.out.progress(ctx.out.c.dim(`Uploaded ${f.name} (${uploaded.bytes} bytes).`));
    ids.push(uploaded.id);
  }
  return ids;
}

async function isFile(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null))?.isFile() ?? false;
}
