import { describe, expect, it } from "vitest";
import { isAssignable, schemaAtPath } from "./type-compat";

const ok = (s: unknown, t: unknown) => isAssignable(s, t).ok;

describe("isAssignable", () => {
  it("handles primitives, integer into number and any", () => {
    expect(ok({ type: "string" }, { type: "string" })).toBe(true);
    expect(ok({ type: "integer" }, { type: "number" })).toBe(true);
    expect(ok({ type: "number" }, { type: "integer" })).toBe(false);
    expect(ok({ type: "string" }, { type: "number" })).toBe(false);
    expect(ok({}, { type: "number" })).toBe(true);
    expect(ok({ type: "number" }, {})).toBe(true);
  });

  it("checks string formats (media kinds, URLs)", () => {
    expect(ok({ type: "string", format: "image" }, { type: "string", format: "image" })).toBe(true);
    expect(ok({ type: "string", format: "audio" }, { type: "string", format: "video" })).toBe(false);
    expect(ok({ type: "string" }, { type: "string", format: "uri" })).toBe(false);
    expect(ok({ type: "string", format: "uri" }, { type: "string" })).toBe(true);
    expect(ok({ type: "string", format: "audio" }, { type: "string" })).toBe(false);
  });

  it("handles objects with required and optional properties", () => {
    const target = { type: "object", properties: { a: { type: "number" }, b: { type: "string" } }, required: ["a"] };
    expect(ok({ type: "object", properties: { a: { type: "integer" }, c: { type: "boolean" } }, required: ["a"] }, target)).toBe(true);
    expect(ok({ type: "object", properties: { a: { type: "integer" } } }, target)).toBe(false);
    expect(ok({ type: "object", properties: { b: { type: "string" } }, required: ["b"] }, target)).toBe(false);
    expect(ok({ type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] }, target)).toBe(false);
  });

  it("handles arrays, records, enums, consts, unions and nullable", () => {
    expect(ok({ type: "array", items: { type: "integer" } }, { type: "array", items: { type: "number" } })).toBe(true);
    expect(ok({ type: "array", items: { type: "string" } }, { type: "array", items: { type: "number" } })).toBe(false);
    expect(ok({ enum: ["a", "b"] }, { type: "string" })).toBe(true);
    expect(ok({ enum: ["a", "b"] }, { enum: ["a", "b", "c"] })).toBe(true);
    expect(ok({ enum: ["a", "z"] }, { enum: ["a", "b"] })).toBe(false);
    expect(ok({ type: "string" }, { enum: ["a"] })).toBe(false);
    expect(ok({ const: 3 }, { type: "integer" })).toBe(true);
    expect(ok({ anyOf: [{ type: "string" }, { type: "number" }] }, { type: "string" })).toBe(false);
    expect(ok({ type: "string" }, { anyOf: [{ type: "string" }, { type: "number" }] })).toBe(true);
    expect(ok({ type: ["string", "null"] }, { type: "string" })).toBe(false);
    expect(ok({ type: "string" }, { type: ["string", "null"] })).toBe(true);
    expect(ok({ type: "string", nullable: true }, { type: "string" })).toBe(false);
    const rec = { type: "object", additionalProperties: { type: "number" } };
    expect(ok({ type: "object", properties: { x: { type: "integer" } }, required: ["x"] }, rec)).toBe(true);
    expect(ok({ type: "object", properties: { x: { type: "string" } }, required: ["x"] }, rec)).toBe(false);
  });

  it("explains why a source does not fit", () => {
    const r = isAssignable({ type: "object", properties: { a: { type: "string" } }, required: ["a"] }, { type: "object", properties: { a: { type: "number" } }, required: ["a"] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('property "a"');
  });
});

describe("schemaAtPath", () => {
  const s = { type: "object", properties: { rows: { type: "array", items: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] } } }, required: ["rows"] };
  it("walks properties and items", () => {
    expect(schemaAtPath(s, ["rows", 0, "id"])?.schema).toEqual({ type: "integer" });
    expect(schemaAtPath(s, ["rows", "length"])?.schema).toEqual({ type: "integer" });
    expect(schemaAtPath(s, ["nope"])).toBeUndefined();
    expect(schemaAtPath(s, ["rows", 0, "id", "x"])).toBeUndefined();
  });
});
