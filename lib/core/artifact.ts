/**
 * A reference to a large value kept in the run's artifact store (lib/engine/artifact-store.ts)
 * instead of in the database. Step outputs and inputs, events and run outputs carry it in the
 * value's place: `{ $artifact: { sha256, bytes, mediaType, preview } }`. The engine reads it
 * back whenever a step needs the value; the API and the run page show its preview and page
 * through the rest.
 *
 * Where a value is split: a value whose JSON is larger than ARTIFACT_THRESHOLD_BYTES becomes
 * one reference, except a plain object, whose large properties become references instead (a
 * table keeps its `columns` inline and its `rows` in the store). References therefore sit only
 * under plain objects, never inside arrays.
 */
import { z } from "zod";
import { truncateText } from "./storable";

/** The folder of a run's workspace that holds its artifacts: reserved, actions do not write or list it. */
export const ARTIFACTS_FOLDER = ".trellis-artifacts";

/** Values whose JSON is larger than this (UTF-8 bytes) are kept as artifacts. */
export const ARTIFACT_THRESHOLD_BYTES = 256 * 1024;

/** What a preview holds at most: the first rows whose JSON fits in this many bytes, the first characters of a text. */
export const PREVIEW_MAX_BYTES = 8 * 1024;
export const PREVIEW_MAX_ITEMS = 20;
export const PREVIEW_MAX_KEYS = 50;

/**
 * How an artifact's file holds its value: a list as one JSON value a line (so it is read and
 * paged a line at a time), a text as itself, anything else as one JSON document.
 */
export const ArtifactMediaType = z.enum(["application/x-ndjson", "text/plain; charset=utf-8", "application/json"]);
export type ArtifactMediaType = z.infer<typeof ArtifactMediaType>;

export const ArtifactPreview = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("list"), count: z.number().int().min(0).describe("items in the list"), items: z.array(z.unknown()).describe("the first items") }),
  z.object({ kind: z.literal("text"), chars: z.number().int().min(0).describe("length of the text"), head: z.string().describe("its beginning") }),
  z.object({ kind: z.literal("object"), keys: z.number().int().min(0).describe("properties of the object"), names: z.array(z.string()).describe("the first property names") }),
]);
export type ArtifactPreview = z.infer<typeof ArtifactPreview>;

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 digest: 64 lowercase hex digits");

export const ArtifactRef = z
  .object({
    $artifact: z
      .object({
        sha256: Sha256.describe("SHA-256 of the file's bytes: its name in the run's artifact store"),
        bytes: z.number().int().min(0).describe("size of the file"),
        mediaType: ArtifactMediaType,
        preview: ArtifactPreview,
      })
      .strict(),
  })
  .strict()
  .describe("A value kept in the run's artifact store, with a preview");
export type ArtifactRef = z.infer<typeof ArtifactRef>;

/** A reference, told apart from other values without parsing every object in a large value. */
export function isArtifactRef(value: unknown): value is ArtifactRef {
  if (typeof value !== "object" || value === null || Array.isArray(value) || !("$artifact" in value)) return false;
  return ArtifactRef.safeParse(value).success;
}

/** A preview of a value that is about to become an artifact: small enough for every event that carries it. */
export function previewOf(value: unknown): ArtifactPreview {
  if (typeof value === "string") return { kind: "text", chars: value.length, head: truncateText(value, PREVIEW_MAX_BYTES / 4) };
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    let bytes = 0;
    for (const item of value) {
      if (items.length >= PREVIEW_MAX_ITEMS) break;
      bytes += (JSON.stringify(item) ?? "null").length + 1;
      if (bytes > PREVIEW_MAX_BYTES) break;
      items.push(item);
    }
    return { kind: "list", count: value.length, items };
  }
  const keys = value !== null && typeof value === "object" ? Object.keys(value) : [];
  const names: string[] = [];
  let chars = 0;
  for (const k of keys.slice(0, PREVIEW_MAX_KEYS)) {
    const name = truncateText(k, 100);
    chars += name.length + 3;
    if (chars > PREVIEW_MAX_BYTES / 4) break;
    names.push(name);
  }
  return { kind: "object", keys: keys.length, names };
}

/** Every reference in a value in its stored form (they sit under plain objects only). */
export function artifactRefsIn(value: unknown, into: ArtifactRef[] = []): ArtifactRef[] {
  if (isArtifactRef(value)) into.push(value);
  else if (isPlainObject(value)) for (const v of Object.values(value)) artifactRefsIn(v, into);
  return into;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

