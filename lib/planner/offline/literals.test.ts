import { describe, expect, it } from "vitest";
import { splitClauses } from "./clauses";
import { extractLiterals } from "./literals";

describe("literals in a goal", () => {
  it("finds quoted text, URLs, file names, e-mails, dates and numbers, each once", () => {
    const goal = "I've got example.mp4 and 'my notes.txt'. Download https://example.com/a.jpg?x=1, visit www.example.org/page, mail ops@acme.io on 2025-03-01 and keep 25 rows. It's 'The quick fox'.";
    const found = extractLiterals(goal).map((l) => [l.kind, l.value]);
    expect(found).toEqual([
      ["video", "example.mp4"],
      ["file", "my notes.txt"],
      ["url", "https://example.com/a.jpg?x=1"],
      ["url", "https://www.example.org/page"],
      ["email", "ops@acme.io"],
      ["date", "2025-03-01"],
      ["number", 25],
      ["text", "The quick fox"],
    ]);
  });

  it("does not take apostrophes for quotes", () => {
    expect(extractLiterals("I've found the speaker's notes, it's fine").map((l) => l.text)).toEqual([]);
  });
});

describe("clauses of a goal", () => {
  it("cuts at sentences, commas and sequencing words, without breaking file names", () => {
    const goal = "I have a video example.mp4. Extract its audio, then transcribe it and finally translate the text.";
    const clauses = splitClauses(goal, extractLiterals(goal));
    expect(clauses.map((c) => [c.text, c.sequential, c.request])).toEqual([
      ["I have a video example.mp4", false, false],
      ["Extract its audio", false, true],
      ["transcribe it", true, true],
      ["translate the text", true, true],
    ]);
    expect(clauses[0].literals).toEqual([0]);
  });
});
