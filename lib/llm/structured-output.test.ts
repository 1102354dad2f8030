import { describe, expect, it } from "vitest";
import { isStrictCompatible, providerSchema, rejectsResponseFormat, weakerMode } from "./structured-output";

describe("structured output", () => {
  it("knows when strict mode can enforce a schema", () => {
    const closed = { type: "object", properties: { a: { type: "string" }, b: { type: "array", items: { type: "integer" } } }, required: ["a", "b"], additionalProperties: false };
    expect(isStrictCompatible(closed)).toBe(true);
    expect(isStrictCompatible({ ...closed, required: ["a"] })).toBe(false);
    expect(isStrictCompatible({ ...closed, additionalProperties: true })).toBe(false);
    expect(isStrictCompatible({ ...closed, properties: { a: {}, b: { type: "string" } } })).toBe(false);
  });

  it("drops keywords strict servers refuse, keeping the ones they accept", () => {
    const sent = providerSchema({ type: "object", properties: { a: { type: "string", minLength: 1, default: "x", description: "d", pattern: "^a" } }, required: ["a"], additionalProperties: false, $schema: "s" });
    expect(sent.schema).toEqual({ type: "object", properties: { a: { type: "string", description: "d", pattern: "^a" } }, required: ["a"], additionalProperties: false });
    expect(sent.strict).toBe(true);
  });

  it("falls back only for refusals of the response format", () => {
    expect(rejectsResponseFormat(400, "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", "response_format", null)).toBe(true);
    expect(rejectsResponseFormat(422, "unknown field", null, null)).toBe(true);
    expect(rejectsResponseFormat(400, "This model's maximum context length is 128000 tokens.", "messages", "context_length_exceeded")).toBe(false);
    expect(rejectsResponseFormat(401, "bad key", null, "invalid_api_key")).toBe(false);
    expect(weakerMode("json_schema")).toBe("json_object");
    expect(weakerMode("json_object")).toBe("text");
    expect(weakerMode("text")).toBeUndefined();
  });
});
