/**
 * A run's artifact store: large values as files in `<run workspace>/.trellis-artifacts/`,
 * each named by the SHA-256 of its bytes (so the same value is one file, and a file that was
 * changed is caught when it is read). See lib/core/artifact.ts for the reference they leave.
 *
 * `externalize` is THE ONE PLACE where values become references: a step's output before its
 * event is queued, a step's input as it is recorded, a run's outputs. `materialize` is its
 * inverse, for what an action is given. A list is written one JSON value a line, a line at a
 * time, so neither writing nor paging through it needs the whole file as one string.
 */
import { createHash, randomUUID, type Hash } from "node:crypto";
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import { ARTIFACT_THRESHOLD_BYTES, ARTIFACTS_FOLDER, artifactRefsIn, isArtifactRef, isPlainObject, previewOf, TrellisError, type ArtifactMediaType, type ArtifactRef } from "../core";

const EXTENSION: Record<ArtifactMediaType, string> = { "application/x-ndjson": "ndjson", "text/plain; charset=utf-8": "txt", "application/json": "json" };
const WRITE_CHUNK_CHARS = 1 << 20;

export class ArtifactError extends TrellisError {
  static override readonly kind: string = "ArtifactError";
}

export interface ArtifactFile {
  sha256: string;
  mediaType: ArtifactMediaType;
  bytes: number;
  /** absolute path of the file */
  file: string;
  /** the name a download is saved under */
  fileName: string;
}

/** One page of an artifact: items of a list, entries of an object, or characters of a text. */
export type ArtifactPageOf =
  | { kind: "list"; offset: number; next: number | null; items: unknown[] }
  | { kind: "object"; offset: number; next: number | null; entries: { key: string; value: unknown }[] }
  | { kind: "text"; offset: number; next: number | null; text: string };

export class ArtifactStore {
  readonly dir: string;

  constructor(workspaceDir: string, private readonly thresholdBytes = ARTIFACT_THRESHOLD_BYTES) {
    this.dir = path.join(workspaceDir, ARTIFACTS_FOLDER);
  }

  /**
   * The value as it is stored: every part whose JSON is larger than the threshold written
   * to the store and replaced by its reference (a plain object's large properties each; the
   * object itself when what is left is still too large). `value` is in storable form
   * (lib/core toStorable); small values come back as they are.
   */
  async externalize(value: unknown): Promise<unknown> {
    return jsonLargerThan(value, this.thresholdBytes) ? this.split(value) : value;
  }

  /** The value with every reference replaced by what it points to. */
  async materialize(value: unknown): Promise<unknown> {
    if (isArtifactRef(value)) return this.read(value);
    if (!isPlainObject(value)) return value;
    let out: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(value)) {
      const m = await this.materialize(v);
      if (m === v) continue;
      out ??= { ...value };
      setOwn(out, k, m);
    }
    return out ?? value;
  }

  /** What a reference points to, in full. Throws ArtifactError when its file is missing or was changed. */
  async read(ref: ArtifactRef): Promise<unknown> {
    const { sha256, mediaType } = ref.$artifact;
    const file = this.pathOf(sha256, mediaType);
    try {
      if (mediaType === "application/x-ndjson") {
        const items: unknown[] = [];
        const hash = createHash("sha256");
        await this.lines(file, sha256, (line) => { items.push(JSON.parse(line)); return true; }, hash);
        this.verify(hash, sha256);
        return items;
      }
      const bytes = await fs.readFile(file).catch((err: unknown) => { throw this.missing(sha256, err); });
      this.verify(createHash("sha256").update(bytes), sha256);
      const text = bytes.toString("utf8");
      return mediaType === "application/json" ? await this.materialize(JSON.parse(text)) : text;
    } catch (err) {
      // A file that does not parse was changed after it was written (its digest says so too).
      throw ArtifactError.isInstance(err) ? err : this.corrupt(sha256);
    }
  }

  /** The file of an artifact of this run, or null when the store has none with that digest. */
  async find(sha256: string): Promise<ArtifactFile | null> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
    for (const mediaType of Object.keys(EXTENSION) as ArtifactMediaType[]) {
      const file = this.pathOf(sha256, mediaType);
      const stat = await fs.stat(file).catch(() => null);
      if (stat?.isFile()) return { sha256, mediaType, bytes: stat.size, file, fileName: `${sha256.slice(0, 12)}.${EXTENSION[mediaType]}` };
    }
    return null;
  }

  /**
   * One page of an artifact: `limit` items of a list or entries of an object from `offset`,
   * or `limit` characters of a text. A list is read only as far as the page goes.
   */
  async page(found: ArtifactFile, offset: number, limit: number): Promise<ArtifactPageOf> {
    if (found.mediaType === "application/x-ndjson") {
      const items: unknown[] = [];
      let index = 0;
      let more = false;
      await this.lines(found.file, found.sha256, (line) => {
        if (index++ < offset) return true;
        if (items.length === limit) { more = true; return false; }
        items.push(JSON.parse(line));
        return true;
      });
      return { kind: "list", offset, next: more ? offset + items.length : null, items };
    }
    const text = await fs.readFile(found.file, "utf8").catch((err: unknown) => { throw this.missing(found.sha256, err); });
    if (found.mediaType === "text/plain; charset=utf-8") {
      const slice = text.slice(offset, offset + limit);
      return { kind: "text", offset, next: offset + limit < text.length ? offset + limit : null, text: slice };
    }
    const value = JSON.parse(text) as unknown;
    const all = isPlainObject(value) ? Object.entries(value) : [];
    return { kind: "object", offset, next: offset + limit < all.length ? offset + limit : null, entries: all.slice(offset, offset + limit).map(([key, v]) => ({ key, value: v })) };
  }

  /**
   * Makes the artifacts a stored value refers to (and those they refer to) available in
   * `target` too: a retry's reused step keeps its earlier output. Files are linked, else copied.
   */
  async shareInto(target: ArtifactStore, value: unknown): Promise<void> {
    const pending = artifactRefsIn(value);
    const seen = new Set<string>();
    while (pending.length) {
      const ref = pending.pop()!;
      const { sha256, mediaType } = ref.$artifact;
      if (seen.has(sha256)) continue;
      seen.add(sha256);
      const from = this.pathOf(sha256, mediaType);
      const to = target.pathOf(sha256, mediaType);
      await fs.mkdir(target.dir, { recursive: true });
      await fs.link(from, to).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === "EEXIST") return;
        if (err.code === "ENOENT") throw this.missing(sha256, err);
        await fs.copyFile(from, to);
      });
      if (mediaType === "application/json") artifactRefsIn(JSON.parse(await fs.readFile(from, "utf8")), pending);
    }
  }

  private async split(value: unknown): Promise<unknown> {
    if (isArtifactRef(value)) return value;
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) setOwn(out, k, jsonLargerThan(v, this.thresholdBytes) ? await this.split(v) : v);
      // Many parts that are each small enough: the object is one artifact (holding its parts' references).
      return jsonLargerThan(out, this.thresholdBytes) ? this.put(out) : out;
    }
    return this.put(value);
  }

  /** Writes one value as a file named by its digest (to a temporary name first, so a file is whole or absent). */
  private async put(value: unknown): Promise<ArtifactRef> {
    const mediaType: ArtifactMediaType = typeof value === "string" ? "text/plain; charset=utf-8" : Array.isArray(value) ? "application/x-ndjson" : "application/json";
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.tmp-${randomUUID()}`);
    const hash = createHash("sha256");
    let bytes = 0;
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(tmp, "wx");
      const fh = handle;
      const write = async (chunk: string) => {
        const buf = Buffer.from(chunk, "utf8");
        hash.update(buf);
        bytes += buf.length;
        await fh.write(buf);
      };
      if (typeof value === "string") await write(value);
      else if (Array.isArray(value)) {
        let buffered = "";
        for (const item of value) {
          buffered += `${JSON.stringify(item) ?? "null"}\n`;
          if (buffered.length >= WRITE_CHUNK_CHARS) { await write(buffered); buffered = ""; }
        }
        if (buffered) await write(buffered);
      } else await write(JSON.stringify(value));
      await fh.close();
      handle = undefined;
      const sha256 = hash.digest("hex");
      await fs.rename(tmp, this.pathOf(sha256, mediaType));
      return { $artifact: { sha256, bytes, mediaType, preview: previewOf(value) } };
    } catch (err) {
      await handle?.close().catch(() => undefined);
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      const code = (err as NodeJS.ErrnoException).code;
      throw new ArtifactError(500, "artifact_write_failed", `a large value could not be written to the run's artifact store${code ? ` (${code})` : ""}`);
    }
  }

  /** Calls `each` with every line of a list's file until it answers false. */
  private async lines(file: string, sha256: string, each: (line: string) => boolean, hash?: Hash): Promise<void> {
    const stream = createReadStream(file, { highWaterMark: 1 << 20 });
    const decoder = new StringDecoder("utf8");
    let rest = "";
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        hash?.update(chunk);
        const text = rest + decoder.write(chunk);
        let start = 0;
        for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
          if (!each(text.slice(start, nl))) return;
          start = nl + 1;
        }
        rest = text.slice(start);
      }
      rest += decoder.end();
      if (rest) each(rest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") throw this.missing(sha256, err);
      throw err;
    } finally {
      stream.destroy();
    }
  }

  private pathOf(sha256: string, mediaType: ArtifactMediaType): string {
    return path.join(this.dir, `${sha256}.${EXTENSION[mediaType]}`);
  }

  private verify(hash: Hash, sha256: string): void {
    if (hash.digest("hex") !== sha256) throw this.corrupt(sha256);
  }

  private corrupt(sha256: string): ArtifactError {
    return new ArtifactError(500, "artifact_corrupt", `the artifact ${sha256.slice(0, 12)} was changed after it was written; its value cannot be trusted`);
  }

  private missing(sha256: string, err: unknown): ArtifactError {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code && code !== "ENOENT") return new ArtifactError(500, "artifact_unreadable", `the artifact ${sha256.slice(0, 12)} cannot be read (${code})`);
    return new ArtifactError(404, "artifact_missing", `the artifact ${sha256.slice(0, 12)} is not in the run's artifact store`);
  }
}

/** Links the artifacts that stored values refer to from one run's workspace into another's. */
export async function shareArtifacts(fromWorkspace: string, toWorkspace: string, values: unknown[]): Promise<void> {
  const from = new ArtifactStore(fromWorkspace);
  const to = new ArtifactStore(toWorkspace);
  for (const value of values) await from.shareInto(to, value);
}

/**
 * Whether the JSON text of a value is longer than `limit` UTF-8 bytes, found without writing
 * it: the walk stops as soon as the count passes the limit. Escapes in text are not counted.
 */
export function jsonLargerThan(value: unknown, limit: number): boolean {
  let budget = limit;
  const walk = (v: unknown): boolean => {
    switch (typeof v) {
      case "string":
        budget -= (v.length > budget ? v.length : Buffer.byteLength(v, "utf8")) + 2;
        return budget < 0;
      case "number":
        budget -= 8;
        return budget < 0;
      case "boolean":
        budget -= 5;
        return budget < 0;
      case "object":
        if (v === null) { budget -= 4; return budget < 0; }
        budget -= 2;
        if (Array.isArray(v)) {
          for (const item of v) { budget -= 1; if (walk(item)) return true; }
          return budget < 0;
        }
        for (const [k, item] of Object.entries(v)) {
          if (item === undefined) continue;
          budget -= k.length + 4;
          if (walk(item)) return true;
        }
        return budget < 0;
      default:
        return false;
    }
  };
  return walk(value);
}

/** `__proto__` as an own property, like JSON.parse makes it. */
function setOwn(o: Record<string, unknown>, k: string, value: unknown) {
  if (k === "__proto__") Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}
