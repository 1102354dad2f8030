import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { LLM_RETRY, LLM_TIMEOUT_MS, completeJson } from "./llm-json";
import { InputText, countWords } from "./text-input";

const STYLES = {
  paragraph: "one plain paragraph",
  bullets: "a bullet list, one '- ' line per point",
  headline: "a single headline-like sentence",
} as const;

const Answer = z.object({ summary: z.string().min(1) });

export const summarizeAction = defineAction({
  id: "text.summarize",
  title: "Summarize text (LLM)",
  description:
    "Summarizes a text with the configured LLM, in at most maxWords words, as a paragraph, a bullet list or a one-line headline, optionally focused on one aspect. Use it to shorten documents, tickets, transcripts or query results written out as text.",
  flows: ["text"],
  effect: "pure",
  usesLlm: true,
  timeoutMs: LLM_TIMEOUT_MS,
  retry: LLM_RETRY,
  input: z.object({
    text: InputText,
    maxWords: z.number().int().min(5).max(2000).default(100).describe("upper bound on the summary length in words (default 100)"),
    style: z.enum(["paragraph", "bullets", "headline"]).default("paragraph").describe("shape of the summary (default paragraph)"),
    focus: z.string().optional().describe("what the summary should concentrate on, e.g. 'risks' or 'decisions taken'"),
  }),
  output: z.object({
    summary: z.string().describe("the summary, in the language of the text"),
    wordCount: z.number().int().min(0).describe("number of words in the summary"),
  }),
  async run(input, ctx) {
    const answer = await completeJson(ctx, {
      name: "summary",
      answer: Answer,
      system: [
        "You summarize texts faithfully: only facts stated in the text, no opinions, no preamble.",
        "Write in the language of the text.",
        'Answer with JSON only: {"summary": "..."}.',
      ].join("\n"),
      prompt: [
        `Summarize the text below as ${STYLES[input.style]}, in at most ${input.maxWords} words.`,
        input.focus ? `Focus on: ${input.focus}.` : "",
        `Text:\n"""\n${input.text}\n"""`,
      ]
        .filter(Boolean)
        .join("\n\n"),
    });
    const summary = answer.summary.trim();
    const wordCount = countWords(summary);
    // models overshoot word limits a little; say so rather than cut a sentence in half
    if (wordCount > input.maxWords) ctx.log("warn", `summary has ${wordCount} words, more than the ${input.maxWords} asked for`);
    return { summary, wordCount };
  },
});
