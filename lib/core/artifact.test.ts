import { describe, expect, it } from "vitest";
import { ArtifactRef, artifactRefsIn, isArtifactRef, PREVIEW_MAX_BYTES, PREVIEW_MAX_ITEMS, previewOf } from "./artifact";

const ref = (sha: string): ArtifactRef => ({ $artifact: { sha256: sha.repeat(64), bytes: 10, mediaType: "application/x-ndjson", preview: { kind: "list", count: 1, items: [1] } } });

describe("artifact references", () => {
  it("are told apart from values that only look alike", () => {
    expect(isArtifactRef(ref("a"))).toBe(true);
    expect(isArtifactRef({ $artifact: { sha256: "a".repeat(64) } })).toBe(false);
    expect(isArtifactRef({ ...ref("a"), extra: 1 })).toBe(false);
    expect(isArtifactRef({ $artifact: { ...ref("a").$artifact, sha256: "../etc/passwd" } })).toBe(false);
    expect(isArtifactRef([ref("a")])).toBe(false);
  });

  it("are found under plain objects", () => {
    expect(artifactRefsIn({ a: ref("a"), b: { c: ref("b"), d: [ref("c")] } }).map((r) => r.$artifact.sha256[0])).toEqual(["a", "b"]);
  });

  it("carry a small preview whatever the value", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ i, text: "x".repeat(i % 5 ? 10 : 3000) }));
    const list = previewOf(rows);
    expect(list).toMatchObject({ kind: "list", count: 10_000 });
    expect(list.kind === "list" && list.items.length).toBeLessThanOrEqual(PREVIEW_MAX_ITEMS);
    expect(JSON.stringify(list).length).toBeLessThan(PREVIEW_MAX_BYTES + 100);
    const text = previewOf("é".repeat(1_000_000));
    expect(text).toMatchObject({ kind: "text", chars: 1_000_000 });
    expect(text.kind === "text" && text.head.length).toBeLessThan(PREVIEW_MAX_BYTES);
    // a surrogate pair is never cut in half
    expect(previewOf("😀".repeat(5000)).kind === "text" && (previewOf("😀".repeat(5000)) as { head: string }).head.length % 2).toBe(0);
    const obj = previewOf(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`${"k".repeat(300)}${i}`, i])));
    expect(obj).toMatchObject({ kind: "object", keys: 500 });
    expect(JSON.stringify(obj).length).toBeLessThan(PREVIEW_MAX_BYTES);
  });
});
