import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";

const Match = z.object({
  match: z.string().describe("The whole matched text"),
  index: z.number().int().describe("Character offset of the match in the text"),
  groups: z.array(z.string().nullable()).describe("Numbered capture groups 1..n (null when a group did not take part)"),
  named: z.record(z.string(), z.string().nullable()).describe("Named capture groups, (?<name>…)"),
});

export function compileRegex(pattern: string, flags: string): RegExp {
  const bad = [...flags].find((f) => !"dgimsuyv".includes(f));
  if (bad) throw new ActionError("invalid_regex", `"${bad}" is not a regular-expression flag; use any of i, m, s, u (g is implied).`);
  const withGlobal = flags.includes("g") ? flags : `${flags}g`;
  try {
    return new RegExp(pattern, withGlobal);
  } catch (err) {
    throw new ActionError("invalid_regex", `The pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, "")}.`, {
      cause: err,
    });
  }
}

export const regexExtractAction = defineAction({
  id: "text.regex_extract",
  title: "Extract with a regular expression",
  description:
    "Find every match of a JavaScript regular expression in a text and return each with its position and capture groups (numbered and named). " +
    'Flags: i (ignore case), m (multiline ^$), s (dot matches newline), u (unicode); all matches are always returned. Example: { "text": …, "pattern": "(\\\\d{4})-(\\\\d{2})-(\\\\d{2})" }. ' +
    "Returns { matches: [{ match, index, groups, named }], count, values (the chosen group, or the whole match, of each match) }. An invalid pattern is a clear error.",
  flows: ["text"],
  effect: "pure",
  input: z.object({
    text: z.string().describe("The text to search"),
    pattern: z.string().min(1).describe("The regular expression, without surrounding slashes"),
    flags: z.string().default("").describe('Flags such as "i" or "im" (default none; global matching is implied)'),
    group: z.union([z.number().int().min(0), z.string()]).default(0).describe("Which group `values` lists: 0 for the whole match (default), a group number or a group name"),
    maxMatches: z.number().int().min(1).max(100_000).default(1000).describe("Stop after this many matches (default 1000)"),
  }),
  output: z.object({
    matches: z.array(Match).describe("The matches in order"),
    count: z.number().int().describe("Number of matches returned"),
    values: z.array(z.string()).describe("For each match, the selected group's text (matches where it did not take part are skipped)"),
    truncated: z.boolean().describe("True when maxMatches stopped the search early"),
  }),
  run(input, ctx) {
    const re = compileRegex(input.pattern, input.flags);
    const matches: z.infer<typeof Match>[] = [];
    const values: string[] = [];
    let truncated = false;
    for (const m of input.text.matchAll(re)) {
      if (matches.length >= input.maxMatches) {
        truncated = true;
        break;
      }
      if (matches.length % 1000 === 0) ctx.signal.throwIfAborted();
      const named: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(m.groups ?? {})) named[k] = v ?? null;
      matches.push({ match: m[0], index: m.index ?? 0, groups: m.slice(1).map((g) => g ?? null), named });
      if (typeof input.group === "number" && input.group > m.length - 1) {
        throw new ActionError("invalid_group", `The pattern has ${m.length - 1} capture groups; there is no group ${input.group}.`);
      }
      if (typeof input.group === "string" && !(m.groups && input.group in m.groups)) {
        throw new ActionError("invalid_group", `The pattern has no group named "${input.group}".`);
      }
      const chosen = typeof input.group === "number" ? m[input.group] : m.groups?.[input.group];
      if (chosen !== undefined) values.push(chosen);
    }
    return { matches, count: matches.length, values, truncated };
  },
});
