/**
 * TaskBench type names to JSON Schema, the convention the validator understands: media values
 * are strings with a `format`; text is a plain string; unknown type names accept anything.
 */
import type { JsonSchema } from "../core/json-schema";

/** `"Image"` → `"image"`: TaskBench writes some type names capitalised. */
export function normalizeTypeName(type: unknown): string {
  return typeof type === "string" ? type.trim().toLowerCase() : "";
}

export function schemaForType(type: unknown): JsonSchema {
  switch (normalizeTypeName(type)) {
    case "text":
    case "string":
      return { type: "string" };
    case "image":
    case "audio":
    case "video":
      return { type: "string", format: normalizeTypeName(type) };
    case "url":
    case "uri":
      return { type: "string", format: "uri" };
    case "date":
      return { type: "string", format: "date" };
    default:
      return {};
  }
}

/** An identifier-like slug: `Image Search (by Image)` → `image_search_by_image`. */
export function slugify(name: string): string {
  let s = name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (!s) s = "tool";
  if (/^[0-9]/.test(s)) s = `t_${s}`;
  return s;
}

/** Names for a list of items, de-duplicated in order: `text`, `text_2`, `text_3`. */
export function dedupeNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  const used = new Set<string>();
  return names.map((n) => {
    const count = (seen.get(n) ?? 0) + 1;
    seen.set(n, count);
    let name = count === 1 ? n : `${n}_${count}`;
    while (used.has(name)) name = `${name}_`;
    used.add(name);
    return name;
  });
}
