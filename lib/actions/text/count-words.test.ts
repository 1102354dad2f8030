import { describe, expect, it } from "vitest";
import { runAction } from "../../../tests/support/action-context";
import { countWordsAction } from "./count-words";

describe("text.count_words", () => {
  it("counts words case-insensitively, most frequent first, as a table", async () => {
    const out = await runAction(countWordsAction, { text: "The cat and the hat.\nThe END, don't stop; well-known cat!" });
    expect(out.total).toBe(11);
    expect(out.distinct).toBe(8);
    expect(out.table.columns).toEqual(["word", "count"]);
    expect(out.table.rows.slice(0, 2)).toEqual([{ word: "the", count: 3 }, { word: "cat", count: 2 }]);
    expect(out.table.rows.map((r) => r.word)).toContain("don't");
    expect(out.table.rows.map((r) => r.word)).toContain("well-known");
  });

  it("keeps case apart when asked, drops short words and keeps the top ones", async () => {
    const out = await runAction(countWordsAction, { text: "a A b Bb bb bb", caseSensitive: true, minLength: 2, top: 1 });
    expect(out).toEqual({ total: 3, distinct: 2, table: { columns: ["word", "count"], rows: [{ word: "bb", count: 2 }] } });
    expect(await runAction(countWordsAction, { text: "  \n " })).toEqual({ total: 0, distinct: 0, table: { columns: ["word", "count"], rows: [] } });
  });
});
