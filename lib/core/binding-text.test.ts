import { describe, expect, it } from "vitest";
import { parseBindingText, printBinding, readPath, splitPath } from "./binding-text";

describe("binding text form", () => {
  it("parses references and literals", () => {
    expect(parseBindingText("${inputs.region}")).toEqual({ ok: true, binding: { kind: "input", name: "region" } });
    expect(parseBindingText("${steps.load.output}")).toEqual({ ok: true, binding: { kind: "step", step: "load" } });
    expect(parseBindingText("${ steps.load.output.rows[0].name }")).toEqual({ ok: true, binding: { kind: "step", step: "load", path: ["rows", 0, "name"] } });
    expect(parseBindingText("${steps.load.table}")).toEqual({ ok: true, binding: { kind: "step", step: "load", path: ["table"] } });
    expect(parseBindingText("plain ${not} whole")).toEqual({ ok: true, binding: { kind: "literal", value: "plain ${not} whole" } });
    expect(parseBindingText(42)).toEqual({ ok: true, binding: { kind: "literal", value: 42 } });
  });

  it("rejects malformed references with a reason", () => {
    for (const bad of ["${foo.bar}", "${inputs}", "${steps.a.output[}", "${inputs.a.b}"]) {
      const r = parseBindingText(bad);
      expect(r.ok, bad).toBe(false);
    }
  });

  it("prints what it parses", () => {
    for (const text of ["${inputs.region}", "${steps.load.output}", "${steps.load.output.rows[0][\"a b\"]}"]) {
      const r = parseBindingText(text);
      if (!r.ok) throw new Error(r.error);
      expect(printBinding(r.binding)).toBe(text);
    }
  });

  it("splits and reads paths", () => {
    expect(splitPath("a.b[2]['c d']")).toEqual(["a", "b", 2, "c d"]);
    expect(splitPath("a..b")).toBeNull();
    expect(readPath({ a: [{ b: 1 }, { b: 2 }] }, ["a", 1, "b"])).toBe(2);
    expect(readPath({ a: [1, 2, 3] }, ["a", "length"])).toBe(3);
    expect(readPath({ a: 1 }, ["a", "b"])).toBeUndefined();
  });
});
