import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { regexExtractAction } from "./regex-extract";

const text = "Invoice INV-2025-0042 issued 2025-03-14, due 2025-04-13. Contact: billing@acme.example or Sales@Acme.example.";

describe("text.regex_extract", () => {
  it("returns every match with positional and named groups", async () => {
    const out = await runAction(regexExtractAction, { text, pattern: "(?<y>\\d{4})-(?<m>\\d{2})-(?<d>\\d{2})" });
    expect(out.count).toBe(2);
    expect(out.matches[0]).toEqual({ match: "2025-03-14", index: text.indexOf("2025-03-14"), groups: ["2025", "03", "14"], named: { y: "2025", m: "03", d: "14" } });
    expect(out.values).toEqual(["2025-03-14", "2025-04-13"]);
  });

  it("applies flags and selects a group for values", async () => {
    const out = await runAction(regexExtractAction, { text, pattern: "([a-z]+)@acme\\.example", flags: "i", group: 1 });
    expect(out.values).toEqual(["billing", "Sales"]);
    const named = await runAction(regexExtractAction, { text, pattern: "INV-(?<year>\\d+)-(?<n>\\d+)", group: "n" });
    expect(named.values).toEqual(["0042"]);
  });

  it("stops at maxMatches and copes with optional groups and no matches", async () => {
    const many = await runAction(regexExtractAction, { text: "a1 a2 a3 a4", pattern: "a(\\d)(x)?", maxMatches: 2 });
    expect(many).toMatchObject({ count: 2, truncated: true });
    expect(many.matches[0].groups).toEqual(["1", null]);
    const none = await runAction(regexExtractAction, { text: "abc", pattern: "\\d+" });
    expect(none).toEqual({ matches: [], count: 0, values: [], truncated: false });
  });

  it("explains an invalid pattern, bad flags and missing groups", async () => {
    await expect(runAction(regexExtractAction, { text, pattern: "(unclosed" })).rejects.toThrow(/"\(unclosed" is not a valid regular expression/);
    await expect(runAction(regexExtractAction, { text, pattern: "a", flags: "x" })).rejects.toMatchObject({ code: "invalid_regex" });
    await expect(runAction(regexExtractAction, { text, pattern: "(\\d)", group: 2 })).rejects.toMatchObject({ code: "invalid_group" });
  });
});
