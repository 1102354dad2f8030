/**
 * text.count_words: how many words a text has, and how often each occurs, as a table that
 * the data actions take (sort it, keep the top rows, chart it, write it as CSV or JSON).
 */
import { z } from "zod";
import { defineAction } from "@/lib/core/action";

/** Letters and digits, with inner apostrophes and hyphens ("don't", "well-known"). */
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export const countWordsAction = defineAction({
  id: "text.count_words",
  title: "Count words",
  description:
    "Count the words of a text: the total, the number of distinct words, and a table of each word with how often it occurs (most frequent first, then alphabetical). " +
    "Words are letters and digits (inner apostrophes and hyphens kept); case is ignored unless caseSensitive. Returns { total, distinct, table } with table columns word, count.",
  flows: ["text"],
  effect: "pure",
  inlineSafe: () => true,
  input: z.object({
    text: z.string().describe("The text whose words to count"),
    caseSensitive: z.boolean().default(false).describe("Count Word and word apart (default false)"),
    minLength: z.number().int().min(1).max(100).default(1).describe("Ignore words shorter than this (default 1)"),
    top: z.number().int().min(1).max(100_000).optional().describe("Keep only the most frequent words in the table (optional)"),
  }),
  output: z.object({
    total: z.number().int().describe("Number of words"),
    distinct: z.number().int().describe("Number of different words"),
    table: z
      .object({
        columns: z.array(z.string()).describe("Column names in display order"),
        rows: z.array(z.record(z.string(), z.unknown())).describe("The rows; each is an object keyed by column name"),
      })
      .describe("Each word with its count: columns word, count"),
  }),
  run(input) {
    const counts = new Map<string, number>();
    let total = 0;
    for (const m of input.text.matchAll(WORD)) {
      const w = input.caseSensitive ? m[0] : m[0].toLocaleLowerCase();
      if ([...w].length < input.minLength) continue;
      total++;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const kept = input.top !== undefined ? sorted.slice(0, input.top) : sorted;
    return { total, distinct: counts.size, table: { columns: ["word", "count"], rows: kept.map(([word, count]) => ({ word, count })) } };
  },
});
