import { describe, expect, it } from "vitest";
import { approvalFields, editedInput, LONG_TEXT } from "./approval-fields";

const WRITE = {
  type: "object",
  properties: {
    path: { type: "string", minLength: 1 },
    content: { type: "string" },
    encoding: { type: "string", enum: ["utf8", "base64"] },
    overwrite: { type: "boolean" },
    rows: { type: "array", items: { type: "integer" } },
  },
  required: ["path", "content"],
};

describe("approval fields", () => {
  const input = { path: "out/report.md", content: "# Report\n\nNorth 1,200", encoding: "utf8", overwrite: true, rows: [1, 2] };

  it("a typed field per input, as the run form has, a text area for text on several lines", () => {
    const fields = approvalFields(input, WRITE)!;
    expect(fields.map((f) => [f.name, f.field.kind, f.multiline])).toEqual([
      ["path", "string", false], ["content", "string", true], ["encoding", "enum", false], ["overwrite", "boolean", false], ["rows", "json", true],
    ]);
    expect(fields.find((f) => f.name === "rows")!.text).toBe("[\n  1,\n  2\n]");
  });

  it("approves with exactly the input shown, the one field changed read as its schema says", () => {
    const fields = approvalFields(input, WRITE)!;
    const texts = Object.fromEntries(fields.map((f) => [f.name, f.text]));
    expect(editedInput(input, fields, texts)).toEqual({ ok: true, input, changed: false });
    const r = editedInput(input, fields, { ...texts, path: "out/final.md", overwrite: "false" });
    expect(r).toEqual({ ok: true, changed: true, input: { ...input, path: "out/final.md", overwrite: false } });
    expect(editedInput(input, fields, { ...texts, rows: "[1, \"x\"]" })).toMatchObject({ ok: false, error: expect.stringContaining('"rows"') });
    expect(editedInput(input, fields, { ...texts, rows: "[1," })).toEqual({ ok: false, error: '"rows" is not valid JSON' });
  });

  it("keeps what is too large to edit here as it is: a stored artifact, a base64 chart", () => {
    const ref = { $artifact: { sha256: "a".repeat(64), bytes: 300_000, mediaType: "text/plain; charset=utf-8", preview: { kind: "text", chars: 300_000, head: "…" } } };
    const big = { path: "c.png", content: "A".repeat(LONG_TEXT + 1), rows: ref };
    const fields = approvalFields(big, WRITE)!;
    expect(fields.map((f) => [f.name, f.large, f.stored])).toEqual([["path", false, false], ["content", true, false], ["rows", true, true], ["encoding", false, false], ["overwrite", false, false]]);
    const texts = Object.fromEntries(fields.map((f) => [f.name, f.text]));
    expect(editedInput(big, fields, { ...texts, path: "d.png" })).toEqual({ ok: true, changed: true, input: { ...big, path: "d.png" } });
  });

  it("no fields when the schema does not name the inputs: the raw JSON fallback", () => {
    expect(approvalFields({ a: 1 }, { type: "object" })).toBeNull();
    expect(approvalFields("text", WRITE)).toBeNull();
    expect(approvalFields({ a: 1 }, undefined)).toBeNull();
  });
});
