import { describe, expect, it } from "vitest";
import { parseInputLines } from "./input-lines";

describe("parseInputLines", () => {
  it("reads nothing from empty text, blank lines and comments", () => {
    expect(parseInputLines("")).toEqual({ values: {}, errors: [] });
    expect(parseInputLines("\n   \n# region = eu\n\t# note\n")).toEqual({ values: {}, errors: [] });
  });

  it("reads name = value and name: value lines", () => {
    expect(parseInputLines("region = eu\nlimit: 10\n  year=2024  ")).toEqual({ values: { region: "eu", limit: 10, year: 2024 }, errors: [] });
  });

  it("reads JSON values as JSON and anything else as text", () => {
    const { values, errors } = parseInputLines([
      "n = 3.5",
      "flag = true",
      "nothing = null",
      'tags = ["a", "b"]',
      'opts = {"deep": {"x": 1}}',
      'quoted = "with spaces"',
      "single = 'it works'",
      "sentence = write the report to reports/q3.md",
      "broken = [1, 2",
      "mixed = 'half\"",
      "empty =",
      "eq = a = b",
    ].join("\n"));
    expect(errors).toEqual([]);
    expect(values).toEqual({
      n: 3.5, flag: true, nothing: null, tags: ["a", "b"], opts: { deep: { x: 1 } }, quoted: "with spaces", single: "it works",
      sentence: "write the report to reports/q3.md", broken: "[1, 2", mixed: "'half\"", empty: "", eq: "a = b",
    });
  });

  it("accepts Windows line endings", () => {
    expect(parseInputLines("a = 1\r\nb = two\r\n")).toEqual({ values: { a: 1, b: "two" }, errors: [] });
  });

  it("lets a later line win", () => {
    expect(parseInputLines("a = 1\na = 2").values).toEqual({ a: 2 });
  });

  it("names each bad line by its number, counting blank lines and comments", () => {
    const r = parseInputLines("ok = 1\n\n# c\njust text\n9lives = 3\nbad-name = 1\n = 2");
    expect(r.values).toEqual({ ok: 1 });
    expect(r.errors.map((e) => e.split(":")[0])).toEqual(["Line 4", "Line 5", "Line 6", "Line 7"]);
    expect(r.errors[0]).toBe("Line 4: write name = value (a name is letters, digits and _).");
  });

  it("limits a name to 64 characters", () => {
    const long = "a".repeat(64);
    expect(parseInputLines(`${long} = 1`).values).toEqual({ [long]: 1 });
    expect(parseInputLines(`${long}b = 1`).errors).toHaveLength(1);
  });
});
