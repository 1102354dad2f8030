/**
 * Files uploaded for runs, kept under `<data dir>/uploads/<id>/` (the bytes in `file`, what
 * they are in `meta.json`) for a day. Starting a run with their ids copies them into the run's
 * workspace (lib/engine: `StartRequest.files`), so nothing a run does changes an upload.
 */
import { createHash, randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Actor } from "../contract/access";
import { MAX_RUN_FILES, MAX_UPLOAD_BYTES, UploadId, type UploadBody, type Uploaded } from "../contract/uploads";
import { RequestError, badRequest } from "../core/errors";
import { config } from "./env";

const KEEP_MS = 24 * 60 * 60 * 1000;

const UploadMeta = z.object({ id: z.string(), name: z.string(), bytes: z.number(), sha256: z.string(), owner: z.string(), createdAt: z.string() });
type UploadMeta = z.infer<typeof UploadMeta>;

/** A file for a run: where it goes in the workspace and where its bytes are now. */
export interface RunFile {
  path: string;
  source: string;
}

export function uploadsFolder(dataDir = config().dataDir): string {
  return path.join(dataDir, "uploads");
}

/** Whose upload it is: a person's, or the one local user's. */
function ownerOf(actor: Actor): string {
  return actor.kind === "person" ? `user:${actor.userId}` : "local";
}

export async function saveUpload(body: UploadBody, actor: Actor, dataDir = config().dataDir): Promise<Uploaded> {
  const bytes = Buffer.from(body.contentBase64, "base64");
  if (bytes.length > MAX_UPLOAD_BYTES) throw new RequestError(413, "too_large", `"${body.name}" has ${bytes.length} bytes; a file may have at most ${MAX_UPLOAD_BYTES / 1_000_000} MB.`);
  const root = uploadsFolder(dataDir);
  await removeExpired(root);
  const id = randomUUID();
  const folder = path.join(root, id);
  await fs.mkdir(folder, { recursive: true });
  const createdAt = new Date();
  const meta: UploadMeta = { id, name: body.name, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex"), owner: ownerOf(actor), createdAt: createdAt.toISOString() };
  await fs.writeFile(path.join(folder, "file"), bytes, { mode: 0o600 });
  // The meta is written last: an upload without one is incomplete and never handed out.
  await fs.writeFile(path.join(folder, "meta.json"), JSON.stringify(meta), { mode: 0o600 });
  return { id, name: meta.name, bytes: meta.bytes, sha256: meta.sha256, expiresAt: new Date(createdAt.getTime() + KEEP_MS).toISOString() };
}

/**
 * The uploads a run asks for, checked: each exists, has not expired, is the caller's, and no
 * two go to the same name. Anything else is a 400 that names the upload.
 */
export async function uploadsForRun(ids: readonly string[], actor: Actor, dataDir = config().dataDir): Promise<RunFile[]> {
  if (ids.length > MAX_RUN_FILES) throw badRequest(`A run takes at most ${MAX_RUN_FILES} files; ${ids.length} were given.`);
  const root = uploadsFolder(dataDir);
  const files: RunFile[] = [];
  const byName = new Map<string, string>();
  for (const id of new Set(ids)) {
    const meta = UploadId.safeParse(id).success ? await readMeta(path.join(root, id)) : null;
    if (!meta || expired(meta) || meta.owner !== ownerOf(actor)) throw new RequestError(400, "upload_not_found", `There is no upload ${id} of yours (uploads are kept for 24 hours): upload the file again.`);
    const other = byName.get(meta.name);
    if (other) throw new RequestError(400, "duplicate_file_name", `Uploads ${other} and ${id} both go to "${meta.name}"; give the run one file per name.`);
    byName.set(meta.name, id);
    files.push({ path: meta.name, source: path.join(root, id, "file") });
  }
  return files;
}

async function readMeta(folder: string): Promise<UploadMeta | null> {
  const text = await fs.readFile(path.join(folder, "meta.json"), "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const parsed = UploadMeta.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const expired = (meta: UploadMeta, now = Date.now()) => now - Date.parse(meta.createdAt) > KEEP_MS;

/** Removes uploads older than a day (and folders an upload left without its meta, once as old). */
async function removeExpired(root: string): Promise<void> {
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  const now = Date.now();
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const folder = path.join(root, e.name);
    const meta = await readMeta(folder);
    const old = meta ? expired(meta, now) : now - (await fs.stat(folder).then((s) => s.mtimeMs, () => now)) > KEEP_MS;
    if (old) await fs.rm(folder, { recursive: true, force: true });
  }
}
