import { describe, expect, it } from "vitest";
import { normalizeWord, stem, terms, words } from "./tokens";

describe("terms for retrieval", () => {
  it("keeps words whose final s is not a plural", () => {
    expect(stem("news")).toBe("news");
    expect(normalizeWord("news")).not.toBe(normalizeWord("new"));
    expect(stem("series")).toBe("series");
    expect(stem("tables")).toBe(stem("table"));
  });

  it("lets agent nouns meet their verbs without a list of tool names", () => {
    expect(stem("colorizer")).toBe(stem("colorize"));
    expect(stem("stabilizer")).toBe(stem("stabilize"));
    expect(stem("translator")).toBe(stem("translate"));
    expect(normalizeWord("splicer")).toBe(normalizeWord("splice"));
  });

  it("drops naming verbs, which say nothing about what to do", () => {
    expect(terms("a photo dubbed 'beach.jpg'")).toEqual([normalizeWord("photo"), "beach", "jpg"]);
  });

  it("splits camelCase words but keeps names that start with one lower-case letter", () => {
    expect(words("getWeather forCity")).toEqual(["get", "weather", "for", "city"]);
    expect(words("sell it on eBay, or my iPhone")).toEqual(["sell", "it", "on", "ebay", "or", "my", "iphone"]);
  });

  it("drops the tails of contractions", () => {
    expect(terms("I've been working; we'll see; they're late")).toEqual(["work", "see", "late"]);
  });
});
