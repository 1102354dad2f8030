import { describe, expect, it } from "vitest";
import { httpHeaderNamePattern, namesHeaderOrQuery } from "./api-key-auth";

describe("api key auth rules", () => {
  it("a header name is an HTTP token, of at most the length given", () => {
    for (const ok of ["X-Api-Key", "x_key", "A!#$%&'*+.^_`|~-9"]) expect(httpHeaderNamePattern().test(ok), ok).toBe(true);
    for (const bad of ["", "X Key", "X:Key", "Ключ", "X-Key\n"]) expect(httpHeaderNamePattern().test(bad), JSON.stringify(bad)).toBe(false);
    expect(httpHeaderNamePattern(128).test("k".repeat(128))).toBe(true);
    expect(httpHeaderNamePattern(128).test("k".repeat(129))).toBe(false);
    expect(httpHeaderNamePattern().test("k".repeat(129))).toBe(true);
  });

  it("a key goes in a header or in the query, exactly one", () => {
    expect(namesHeaderOrQuery({ header: "X-Api-Key" })).toBe(true);
    expect(namesHeaderOrQuery({ query: "api_key" })).toBe(true);
    expect(namesHeaderOrQuery({})).toBe(false);
    expect(namesHeaderOrQuery({ header: "X-Api-Key", query: "api_key" })).toBe(false);
  });
});
