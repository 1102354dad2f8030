import { describe, expect, it } from "vitest";
import { findUnstorable, MAX_VALUE_DEPTH, repairForStorage, repairValue, storableText, textProblem, toStorable, truncateText } from "./storable";

const nest = (n: number, leaf: unknown = 1) => {
  let v: unknown = leaf;
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

describe("storable values", () => {
  it("finds NUL characters and unpaired surrogates in text, and leaves paired ones alone", () => {
    expect(textProblem("plain")).toBeNull();
    expect(textProblem("emoji 😀 ok")).toBeNull();
    expect(textProblem("a\u0000b")).toEqual({ reason: "nul", unit: "\\u0000" });
    expect(textProblem("a\ud800b")).toEqual({ reason: "lone_surrogate", unit: "\\ud800" });
    expect(textProblem("x\udc00")).toEqual({ reason: "lone_surrogate", unit: "\\udc00" });
    expect(textProblem("\ud83d")).toEqual({ reason: "lone_surrogate", unit: "\\ud83d" });
    // the first problem in the text is the one named
    expect(textProblem("\udc00 then \u0000")?.reason).toBe("lone_surrogate");
    // text that says \u0000 (a backslash and five characters) is fine
    expect(textProblem("a\\u0000b")).toBeNull();
  });

  it("repairs text with U+FFFD and cuts text without splitting a character", () => {
    expect(storableText("a\u0000b\ud800c\udc00😀")).toBe("a\ufffdb\ufffdc\ufffd😀");
    const same = "nothing to do";
    expect(storableText(same)).toBe(same);
    expect(truncateText("ab😀", 3)).toBe("ab");
    expect(truncateText("ab😀", 4)).toBe("ab😀");
    expect(truncateText("abc", 2)).toBe("ab");
  });

  it("names where a value cannot be stored, with a path people read", () => {
    expect(findUnstorable({ body: "x\u0000" }, "output")?.message).toBe("it holds a NUL character at output.body (text cannot contain \\u0000)");
    expect(findUnstorable({ items: ["ok", "\ud83d"] }, "output")?.message).toBe("it holds an unpaired surrogate (\\ud83d) at output.items[1] (text must be well-formed Unicode)");
    expect(findUnstorable({ a: { "key\u0000": 1 } }, "output")).toEqual({ reason: "nul", path: 'output.a["key\\u0000"]', inKey: true, message: 'it holds a NUL character in the key at output.a["key\\u0000"] (text cannot contain \\u0000)' });
    expect(findUnstorable({ "two words": "\u0000" }, "output")?.path).toBe('output["two words"]');
    expect(findUnstorable({ n: 1n }, "output")?.message).toBe("it holds a BigInt at output.n (JSON numbers cannot hold it; return a number or a string)");
    const loop: Record<string, unknown> = {};
    loop.me = loop;
    expect(findUnstorable(loop, "output")?.message).toBe("it refers to itself at output.me (a circular structure is not JSON)");
    const deep = findUnstorable(nest(MAX_VALUE_DEPTH + 1), "output");
    expect(deep?.reason).toBe("too_deep");
    expect(deep?.message).toMatch(/^it nests deeper than 100 levels at output\[0\]\[0\].*….*\[0\]$/);
    expect(deep!.path.length).toBeLessThanOrEqual(241);
    expect(findUnstorable(nest(MAX_VALUE_DEPTH), "output")).toBeNull();
    expect(findUnstorable({ toJSON() { throw new Error("no \u0000 way"); } }, "output")?.message).toBe("its toJSON() failed at output: no \ufffd way");
    // the message itself can always be stored
    expect(textProblem(findUnstorable({ "\ud800": "\u0000" }, "output")!.message)).toBeNull();
  });

  it("gives the form JSON stores, copying only what changes", () => {
    const plain = { a: [1, "two", { three: true }], b: null };
    const r = toStorable(plain, "output");
    expect(r).toEqual({ ok: true, value: plain });
    expect(r.ok && r.value).toBe(plain);
    const when = new Date(Date.UTC(2024, 0, 2));
    const odd = { when, gone: undefined, fn: () => 1, nan: Number.NaN, inf: -Infinity, list: [undefined, () => 1, 2], boxed: new String("s"), kept: { x: 1 } };
    const stored = toStorable(odd, "output");
    expect(stored).toEqual({ ok: true, value: JSON.parse(JSON.stringify(odd)) });
    expect(stored.ok && (stored.value as { kept: unknown }).kept).toBe(odd.kept);
    class Point { constructor(readonly x: number, readonly y: number) {} get sum() { return this.x + this.y; } }
    const p = toStorable({ p: new Point(1, 2), m: new Map([[1, 2]]) }, "output");
    expect(p).toEqual({ ok: true, value: { p: { x: 1, y: 2 }, m: {} } });
    expect(Object.getPrototypeOf((p as { value: { p: object } }).value.p)).toBe(Object.prototype);
    // `__proto__` stays a property, as JSON.parse makes it
    const src = JSON.parse('{"__proto__": {"polluted": true}}');
    src.x = undefined; // forces a copy
    const proto = toStorable(src, "output");
    expect(proto.ok && Object.keys(proto.value as object)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(toStorable(undefined, "output")).toEqual({ ok: true, value: undefined });
  });

  it("repairs what only describes, and leaves an event alone when it can be stored", () => {
    const loop: Record<string, unknown> = { ok: "\u0000" };
    loop.me = loop;
    expect(repairValue({ "k\u0000": ["\ud800", 2n, loop], deep: nest(MAX_VALUE_DEPTH + 5) })).toEqual({
      "k\ufffd": ["\ufffd", "2", { ok: "\ufffd", me: "[circular]" }],
      deep: nest(MAX_VALUE_DEPTH - 1, "[nested deeper than 100 levels]"),
    });
    const event = { type: "step.log", data: { level: "info", message: "fine", data: { x: [1, 2] } } };
    expect(repairForStorage(event)).toBe(event);
    const bad = { type: "step.log", data: { level: "info", message: "NUL \u0000" } };
    expect(repairForStorage(bad)).toEqual({ type: "step.log", data: { level: "info", message: "NUL \ufffd" } });
    expect(bad.data.message).toBe("NUL \u0000");
  });
});
