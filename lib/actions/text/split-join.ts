import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { compileRegex } from "./regex-extract";

export const splitAction = defineAction({
  id: "text.split",
  title: "Split text",
  description:
    'Split a text into parts at a separator (default: newline, so one part per line; "\\r\\n" is handled). The separator is literal text, or a regular expression ' +
    'when regex is true (e.g. "[,;]\\\\s*"). By default parts are trimmed and empty parts dropped. Returns { parts, count }.',
  flows: ["text"],
  effect: "pure",
  // A literal separator splits in one pass; a regular expression given by the plan may not.
  inlineSafe: (input) => !input.regex,
  input: z.object({
    text: z.string().describe("The text to split"),
    separator: z.string().default("\n").describe('Where to split (default "\\n")'),
    regex: z.boolean().default(false).describe("Treat separator as a regular expression (default false)"),
    trim: z.boolean().default(true).describe("Trim whitespace around each part (default true)"),
    removeEmpty: z.boolean().default(true).describe("Drop empty parts (default true)"),
    limit: z.number().int().min(1).optional().describe("Keep at most this many parts (optional)"),
  }),
  output: z.object({
    parts: z.array(z.string()).describe("The parts, in order"),
    count: z.number().int().describe("Number of parts"),
  }),
  run(input) {
    let parts: string[];
    if (input.regex) parts = input.text.split(compileRegex(input.separator, ""));
    else if (input.separator === "\n") parts = input.text.split(/\r?\n/);
    else if (input.separator === "") parts = [...input.text];
    else parts = input.text.split(input.separator);
    // split() with capture groups interleaves them; those come back undefined when unmatched.
    parts = parts.filter((p): p is string => typeof p === "string");
    if (input.trim) parts = parts.map((p) => p.trim());
    if (input.removeEmpty) parts = parts.filter((p) => p !== "");
    if (input.limit !== undefined) parts = parts.slice(0, input.limit);
    return { parts, count: parts.length };
  },
});

const Part = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const joinAction = defineAction({
  id: "text.join",
  title: "Join text",
  description:
    'Join a list of values into one text with a separator (default newline), optionally turning each into a bullet ("- item") or numbered ("1. item") line, ' +
    "and adding a prefix and suffix. Null parts are skipped. Returns { text, count }.",
  flows: ["text"],
  effect: "pure",
  inlineSafe: () => true,
  input: z.object({
    parts: z.array(Part).describe("The values to join (text, numbers, booleans; nulls are skipped)"),
    separator: z.string().default("\n").describe('Put between parts (default "\\n")'),
    style: z.enum(["plain", "bullets", "numbered"]).default("plain").describe('"plain" (default), "bullets" ("- " before each) or "numbered" ("1. ")'),
    prefix: z.string().default("").describe("Text before the result (optional)"),
    suffix: z.string().default("").describe("Text after the result (optional)"),
  }),
  output: z.object({
    text: z.string().describe("The joined text"),
    count: z.number().int().describe("Number of parts joined"),
  }),
  run(input) {
    const kept = input.parts.filter((p) => p !== null).map(String);
    const lines = kept.map((p, i) => (input.style === "bullets" ? `- ${p}` : input.style === "numbered" ? `${i + 1}. ${p}` : p));
    return { text: `${input.prefix}${lines.join(input.separator)}${input.suffix}`, count: kept.length };
  },
});
