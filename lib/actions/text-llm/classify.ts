import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { LLM_RETRY, LLM_TIMEOUT_MS, completeJson } from "./llm-json";
import { InputText } from "./text-input";

const Input = z.object({
  text: InputText,
  labels: z
    .array(z.string().trim().min(1))
    .min(2)
    .max(100)
    .refine((labels) => new Set(labels.map((l) => l.toLowerCase())).size === labels.length, "labels must be distinct")
    .describe("the labels to choose from, e.g. ['bug', 'feature request', 'question']"),
  multiLabel: z.boolean().default(false).describe("true to return every label that applies (at least one), false for the single best one"),
  instructions: z.string().optional().describe("what the labels mean or how to decide between them"),
});

/** Map a label the model wrote to the given one it means (case and spacing differ at most). */
function canonical(labels: string[]) {
  const byKey = new Map(labels.map((l) => [l.toLowerCase().replace(/\s+/g, " "), l]));
  return (value: unknown) => (typeof value === "string" ? (byKey.get(value.trim().toLowerCase().replace(/\s+/g, " ")) ?? value) : value);
}

export const classifyAction = defineAction({
  id: "text.classify",
  title: "Classify text (LLM)",
  description:
    "Classifies a text into one of the given labels (or, with multiLabel, every label that applies) with the configured LLM, with a confidence between 0 and 1. The answer is always among the given labels. Use it to route tickets, tag feedback, detect sentiment or topic.",
  flows: ["text"],
  effect: "pure",
  usesLlm: true,
  timeoutMs: LLM_TIMEOUT_MS,
  retry: LLM_RETRY,
  input: Input,
  output: z.object({
    label: z.string().describe("the best label (the first of labels)"),
    labels: z.array(z.string()).min(1).describe("all chosen labels, best first; just [label] unless multiLabel"),
    confidence: z.number().min(0).max(1).optional().describe("the model's confidence in the answer, 0 to 1"),
  }),
  async run(input, ctx) {
    const Label = z.enum(input.labels as [string, ...string[]]);
    const answer = input.multiLabel
      ? z.object({ labels: z.array(Label).min(1).describe("every label that applies, best first"), confidence: z.number().min(0).max(1) })
      : z.object({ label: Label.describe("the single best label"), confidence: z.number().min(0).max(1) });
    const toLabel = canonical(input.labels);
    const result = await completeJson(ctx, {
      name: "classification",
      answer,
      normalize: (value) => {
        if (typeof value !== "object" || value === null) return value;
        const v = value as Record<string, unknown>;
        return { ...v, label: toLabel(v.label), labels: Array.isArray(v.labels) ? v.labels.map(toLabel) : v.labels };
      },
      system: [
        "You classify texts. Use only the labels given, spelled exactly as given.",
        input.multiLabel ? "Choose every label that applies (at least one), most relevant first." : "Choose the single best label.",
        "confidence is your probability (0 to 1) that the answer is right.",
        "Answer with JSON only.",
      ].join("\n"),
      prompt: [
        `Labels: ${input.labels.map((l) => JSON.stringify(l)).join(", ")}`,
        input.instructions ? `How to decide: ${input.instructions}` : "",
        `Text:\n"""\n${input.text}\n"""`,
      ]
        .filter(Boolean)
        .join("\n\n"),
    });
    const labels = "labels" in result ? [...new Set(result.labels)] : [result.label];
    return { label: labels[0], labels, confidence: result.confidence };
  },
});
