import { describe, expect, it } from "vitest";
import { fieldOf, parseFieldText, toFieldText } from "./schema-field";

describe("fieldOf", () => {
  it("picks a plain field for scalar types and enums", () => {
    expect(fieldOf({ type: "string" })).toEqual({ kind: "string" });
    expect(fieldOf({ type: "number" })).toEqual({ kind: "number" });
    expect(fieldOf({ type: "integer", minimum: 0 })).toEqual({ kind: "integer" });
    expect(fieldOf({ type: "boolean" })).toEqual({ kind: "boolean" });
    expect(fieldOf({ type: "string", enum: ["low", "high"] })).toEqual({ kind: "enum", options: ["low", "high"] });
  });

  it("falls back to JSON for everything else", () => {
    for (const schema of [{ type: "object" }, { type: "array", items: {} }, { type: ["string", "null"] }, { anyOf: [] }, {}, null, undefined, "string", [1], true]) {
      expect(fieldOf(schema)).toEqual({ kind: "json" });
    }
  });
});

describe("toFieldText", () => {
  it("shows a value as the field's text", () => {
    expect(toFieldText(undefined, { kind: "string" })).toBe("");
    expect(toFieldText("hi", { kind: "string" })).toBe("hi");
    expect(toFieldText(3.5, { kind: "number" })).toBe("3.5");
    expect(toFieldText(false, { kind: "boolean" })).toBe("false");
    expect(toFieldText("low", { kind: "enum", options: ["low"] })).toBe("low");
    expect(toFieldText({ a: [1, "x"] }, { kind: "json" })).toBe('{"a":[1,"x"]}');
    expect(toFieldText("text", { kind: "json" })).toBe('"text"');
    expect(toFieldText(null, { kind: "json" })).toBe("null");
  });

  it("round-trips through parseFieldText", () => {
    const cases: [unknown, unknown][] = [
      [{ type: "string" }, "hello"],
      [{ type: "number" }, -2.5],
      [{ type: "integer" }, 42],
      [{ type: "boolean" }, true],
      [{ type: "boolean" }, false],
      [{ enum: [1, 2, 3] }, 2],
      [{ type: "object" }, { a: 1, b: [true, null] }],
      [{ type: "array", items: { type: "string" } }, ["x", "y"]],
    ];
    for (const [schema, value] of cases) expect(parseFieldText(schema, toFieldText(value, fieldOf(schema)))).toEqual({ value });
  });
});

describe("parseFieldText", () => {
  it("is no value for empty text", () => {
    expect(parseFieldText({ type: "number" }, "")).toEqual({});
    expect(parseFieldText({ type: "string", minLength: 3 }, "")).toEqual({});
  });

  it("keeps text as text for string fields, checked against the schema", () => {
    expect(parseFieldText({ type: "string" }, "42")).toEqual({ value: "42" });
    expect(parseFieldText({ type: "string", minLength: 3 }, "ab")).toEqual({ error: "must have at least 3 characters" });
    expect(parseFieldText({ type: "string", format: "email" }, "nobody").error).toMatch(/nobody/);
  });

  it("reads numbers and checks their bounds and integrality", () => {
    expect(parseFieldText({ type: "number" }, "1e3")).toEqual({ value: 1000 });
    expect(parseFieldText({ type: "integer" }, "7")).toEqual({ value: 7 });
    expect(parseFieldText({ type: "integer" }, "1.5")).toEqual({ error: "expected integer, got number" });
    expect(parseFieldText({ type: "number", maximum: 10 }, "11")).toEqual({ error: "must be ≤ 10" });
  });

  it("refuses text that is not a number", () => {
    for (const text of ["abc", "12abc", " ", "NaN", "Infinity"]) {
      expect(parseFieldText({ type: "number" }, text), text).toEqual({ error: "is not a number" });
      expect(parseFieldText({ type: "integer" }, text), text).toEqual({ error: "is not a number" });
    }
  });

  it("reads booleans from true, anything else is false", () => {
    expect(parseFieldText({ type: "boolean" }, "true")).toEqual({ value: true });
    expect(parseFieldText({ type: "boolean" }, "false")).toEqual({ value: false });
  });

  it("reads enum options by their text, keeping the option's type", () => {
    expect(parseFieldText({ enum: [1, 2] }, "2")).toEqual({ value: 2 });
    expect(parseFieldText({ enum: ["low", "high"] }, "high")).toEqual({ value: "high" });
    expect(parseFieldText({ enum: ["low", "high"] }, "medium")).toEqual({ error: 'must be one of "low", "high"' });
  });

  it("parses JSON fields and names bad JSON", () => {
    expect(parseFieldText({ type: "array", items: { type: "integer" } }, "[1, 2]")).toEqual({ value: [1, 2] });
    expect(parseFieldText({ type: "object" }, "{nope")).toEqual({ error: "is not valid JSON" });
    expect(parseFieldText({ type: "array", items: { type: "integer" } }, '[1, "x"]')).toEqual({ error: "[1]: expected integer, got string" });
    expect(parseFieldText({ type: "object", required: ["a"], properties: { a: { type: "string" } } }, "{}")).toEqual({ error: "a: is required" });
  });
});
