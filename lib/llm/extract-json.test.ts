import { describe, expect, it } from "vitest";
import { extractJson } from "./extract-json";

describe("extractJson", () => {
  it("reads a whole JSON answer", () => {
    expect(extractJson(' {"a": 1} ')).toMatchObject({ ok: true, value: { a: 1 }, how: "whole" });
  });

  it("reads a fenced block inside prose", () => {
    const r = extractJson('Sure! Here is the plan:\n```json\n{"steps": []}\n```\nLet me know.');
    expect(r).toMatchObject({ ok: true, value: { steps: [] }, how: "fence" });
  });

  it("finds the first balanced object in free text, braces inside strings included", () => {
    const r = extractJson('The answer is {"text": "a } b", "n": [1, {"x": 2}]} and that is all.');
    expect(r).toMatchObject({ ok: true, value: { text: "a } b", n: [1, { x: 2 }] }, how: "embedded" });
  });

  it("keeps the raw text when there is no JSON, and says when the JSON was cut off", () => {
    const none = extractJson("I cannot help with that.");
    expect(none).toMatchObject({ ok: false, raw: "I cannot help with that." });
    const cut = extractJson('{"steps": [{"id": "a", "action": "x"');
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.error).toContain("cut off");
    expect(extractJson("   ")).toMatchObject({ ok: false, error: "the answer is empty" });
  });
});
