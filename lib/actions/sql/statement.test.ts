import { describe, expect, it } from "vitest";
import { ActionError } from "@/lib/core/action";
import { firstKeyword, singleStatement, splitStatements } from "./statement";

describe("statement splitting", () => {
  it("ignores semicolons inside strings, quoted names, comments and dollar quotes", () => {
    expect(splitStatements(`SELECT ';' AS "a;b", $$x;y$$, $t$;$t$ -- ; here\n/* ; /* nested ; */ */ FROM t;`)).toHaveLength(1);
    expect(splitStatements(`SELECT E'it\\'s;' ;`)).toHaveLength(1);
    expect(splitStatements("SELECT 'it''s'; DELETE FROM t")).toHaveLength(2);
  });

  it("allows a trailing semicolon and strips it", () => {
    expect(singleStatement("  select 1 ;\n ")).toEqual({ text: "  select 1", keyword: "SELECT" });
  });

  it("refuses several statements and transaction control", () => {
    expect(() => singleStatement("SELECT 1; DELETE FROM orders")).toThrowError(expect.objectContaining({ code: "multiple_statements" }));
    expect(() => singleStatement("COMMIT")).toThrowError(ActionError);
    expect(() => singleStatement(" ;; ")).toThrowError(expect.objectContaining({ code: "empty_query" }));
  });

  it("finds the first keyword past comments and parentheses", () => {
    expect(firstKeyword("-- top\n/* x */ (select 1)")).toBe("SELECT");
    expect(firstKeyword("with x as (select 1) select * from x")).toBe("WITH");
  });
});
