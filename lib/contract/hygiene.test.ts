import { describe, expect, it } from "vitest";
import { MAX_DEPTH, findUnsafeValue, unsafeText } from "./hygiene";

const nest = (depth: number): unknown => {
  let v: unknown = "leaf";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { v };
  return v;
};

describe("request hygiene", () => {
  it("accepts ordinary text, including emoji (surrogate pairs) and every other control character", () => {
    expect(unsafeText("plain, ünïcødé, 😀, tab\tnewline\n")).toBeUndefined();
    expect(findUnsafeValue({ goal: "Chart revenue 📈", steps: [{ id: "a", inputs: { x: { kind: "literal", value: [1, "two", null, true] } } }] })).toBeUndefined();
  });

  it("refuses a NUL character and names where it is", () => {
    expect(findUnsafeValue({ plan: { steps: [{ inputs: { text: { value: "a\u0000b" } } }] } })).toEqual({ path: "plan.steps.0.inputs.text.value", problem: expect.stringContaining("NUL") });
    expect(findUnsafeValue("\u0000")?.path).toBe("(value)");
  });

  it("refuses lone surrogates, leading or trailing, but not pairs", () => {
    expect(unsafeText("\ud800")).toMatch(/surrogate/);
    expect(unsafeText("x\udc00")).toMatch(/surrogate/);
    expect(unsafeText("\ud83d\ude00")).toBeUndefined();
    expect(unsafeText("\ude00\ud83d")).toMatch(/surrogate/);
  });

  it("refuses bad text in keys too", () => {
    expect(findUnsafeValue({ inputs: { "a\u0000": 1 } })?.problem).toMatch(/key/);
  });

  it("refuses nesting past the limit without overflowing the stack, however deep", () => {
    expect(findUnsafeValue(nest(MAX_DEPTH - 1))).toBeUndefined();
    expect(findUnsafeValue(nest(MAX_DEPTH + 1))?.problem).toMatch(/deeper than 64/);
    expect(findUnsafeValue(JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`))?.problem).toMatch(/deeper/);
  });
});
