import { z } from "zod";
import { defineAction } from "@/lib/core/action";
import { LLM_RETRY, LLM_TIMEOUT_MS, completeJson } from "./llm-json";
import { InputText } from "./text-input";

const FieldType = z.enum(["string", "number", "boolean", "date"]);

const Field = z.object({
  // identifier-like names keep the answer schema valid for strict providers and usable in ${steps.x.output.values.NAME}
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "a field name is letters, digits and _ (not starting with a digit)")
    .describe("key of the value in the output, e.g. invoice_total"),
  type: FieldType.describe("string, number, boolean, or date (returned as YYYY-MM-DD)"),
  description: z.string().min(1).describe("what to extract, e.g. 'the total amount due, in euros'"),
});
type Field = z.infer<typeof Field>;

function valueSchema(field: Field): z.ZodType {
  const base =
    field.type === "number" ? z.number() : field.type === "boolean" ? z.boolean() : field.type === "date" ? z.iso.date() : z.string();
  return base.nullable().describe(field.description);
}

/**
 * Forgive two harmless habits of non-strict models before validating: leaving out a
 * key they found nothing for (that is a null), and writing numbers as text ("1,250.00").
 * Anything else is left for validation to judge.
 */
function tidyAnswer(fields: Field[]) {
  return (value: unknown) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
    const out = { ...(value as Record<string, unknown>) };
    for (const f of fields) {
      const v = out[f.name];
      if (v === undefined) out[f.name] = null;
      else if (f.type === "number" && typeof v === "string" && /^\s*-?[\d,]*\.?\d+\s*$/.test(v)) out[f.name] = Number(v.replace(/[,\s]/g, ""));
    }
    return out;
  };
}

export const extractAction = defineAction({
  id: "text.extract",
  title: "Extract fields from text (LLM)",
  description:
    "Extracts named, typed fields (string, number, boolean, date) from a text with the configured LLM, e.g. the total, due date and customer of an invoice email. Returns every field in values (null when the text does not state it) and the names of the fields not found in missing. Never guesses values that are not in the text.",
  flows: ["text"],
  effect: "pure",
  usesLlm: true,
  timeoutMs: LLM_TIMEOUT_MS,
  retry: LLM_RETRY,
  input: z.object({
    text: InputText,
    fields: z
      .array(Field)
      .min(1)
      .max(50)
      .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, "field names must be distinct")
      .describe("the fields to extract"),
  }),
  output: z.object({
    values: z.record(z.string(), z.unknown()).describe("field name → extracted value (number, boolean, string, date as YYYY-MM-DD) or null"),
    missing: z.array(z.string()).describe("names of the fields the text does not state"),
  }),
  async run(input, ctx) {
    const answer = z.object(Object.fromEntries(input.fields.map((f) => [f.name, valueSchema(f)])));
    const values = await completeJson(ctx, {
      name: "extraction",
      answer,
      normalize: tidyAnswer(input.fields),
      system: [
        "You extract facts from a text into JSON fields.",
        "Use only what the text states; when it does not state a field, use null. Never guess.",
        "Numbers are plain JSON numbers (no units or thousands separators); dates are YYYY-MM-DD.",
        "Answer with JSON only, one key per field.",
      ].join("\n"),
      prompt: [
        "Fields:",
        ...input.fields.map((f) => `- ${f.name} (${f.type}): ${f.description}`),
        `Text:\n"""\n${input.text}\n"""`,
      ].join("\n"),
    });
    const record = values as Record<string, unknown>;
    return {
      values: Object.fromEntries(input.fields.map((f) => [f.name, record[f.name] ?? null])),
      missing: input.fields.filter((f) => record[f.name] === null || record[f.name] === undefined).map((f) => f.name),
    };
  },
});
