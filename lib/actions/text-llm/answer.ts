import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { LLM_RETRY, LLM_TIMEOUT_MS, completeJson } from "./llm-json";
import { InputText } from "./text-input";

const Answer = z.object({ answer: z.string().min(1) });

export const answerAction = defineAction({
  id: "text.answer",
  title: "Answer a question (LLM)",
  description:
    "Answers a question in plain words with the configured LLM, in at most maxWords words. With `context` (a text, query results as a Markdown table, notes), the answer uses only what the context states and says when it does not tell; without it, the model answers from general knowledge. Use it for general questions, or to turn data a plan found into a sentence.",
  flows: ["text"],
  effect: "pure",
  usesLlm: true,
  timeoutMs: LLM_TIMEOUT_MS,
  retry: LLM_RETRY,
  input: z.object({
    question: z.string().min(1).max(4000).describe("the question to answer"),
    context: InputText.optional().describe("what the answer must be based on, e.g. query results as a Markdown table; leave out for a general question"),
    maxWords: z.number().int().min(5).max(2000).default(150).describe("upper bound on the answer's length in words (default 150)"),
  }),
  output: z.object({
    answer: z.string().describe("the answer, in the language of the question"),
  }),
  async run(input, ctx) {
    const result = await completeJson(ctx, {
      name: "answer",
      answer: Answer,
      system: [
        "You answer questions briefly and plainly, in the language of the question.",
        input.context !== undefined
          ? "Use only what the context states; give the numbers and names it holds; when it does not answer the question, say so."
          : "Answer from general knowledge; when you do not know, say so.",
        'Answer with JSON only: {"answer": "..."}.',
      ].join("\n"),
      prompt: [`Answer in at most ${input.maxWords} words.`, input.context !== undefined ? `Context:\n"""\n${input.context}\n"""` : "", `Question: ${input.question}`]
        .filter(Boolean)
        .join("\n\n"),
    });
    return { answer: result.answer.trim() };
  },
});
