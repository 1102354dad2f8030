/**
 * Values for plan inputs from free text ("use the North region and send it to ops@acme.io"):
 * the LLM extracts one value per input, each is decoded, coerced and checked against the
 * input's schema; what the text does not state, or states in a form that does not fit, stays
 * missing. Without an LLM, a deterministic reader (`read-inputs-offline.ts`) takes
 * `name is/=/: value` for every input, paths after to/into/as, yes/no inputs named on their
 * own, and values whose form gives them away (a URL for a URL input, a .wav for an audio input,
 * a date as people write it, a number). Relative dates ("next Tuesday") count from `now`.
 */
import { z } from "zod";
import type { LlmClient } from "../core/action";
import { Usage } from "../core/events";
import { checkValue, formatValueErrors } from "../core/check-value";
import type { JsonSchema } from "../core/json-schema";
import { extractJson } from "../llm/extract-json";
import { readInputsOffline } from "./read-inputs-offline";
import { coerceLiteral } from "./repair/coerce";
import { schemaText } from "./schema-text";
import { dayOf, formatDay, parseDay, weekdayName } from "./text/dates";
import { decodeValue } from "./wire-plan";

export interface InputKey {
  name: string;
  schema: JsonSchema;
  description?: string;
}

export const ParsedInputs = z.object({
  values: z.record(z.string(), z.unknown()),
  /** names the text gives no value for */
  missing: z.array(z.string()),
  /** names the text gives a value for that does not fit */
  invalid: z.array(z.object({ name: z.string(), value: z.unknown(), reason: z.string() })),
  source: z.enum(["llm", "offline"]),
  usage: Usage.optional(),
});
export type ParsedInputs = z.infer<typeof ParsedInputs>;

const Extraction = z.object({
  values: z.array(z.object({
    name: z.string(),
    found: z.boolean().describe("false when the text does not state a value for this input"),
    value: z.string().describe("the value as a JSON literal (a plain string may be written without quotes); empty when not found"),
  })),
});

export interface ParseInputsOptions {
  llm?: LlmClient;
  signal?: AbortSignal;
  /** the moment relative dates count from ("tomorrow", "next Tuesday"); its local calendar day is used (default: now) */
  now?: Date;
  /** that day as YYYY-MM-DD (the person's calendar); wins over `now` */
  today?: string;
}

export async function parseInputs(message: string, keys: readonly InputKey[], options: ParseInputsOptions = {}): Promise<ParsedInputs> {
  if (!keys.length) return { values: {}, missing: [], invalid: [], source: options.llm ? "llm" : "offline" };
  const today = (options.today ? parseDay(options.today) : null) ?? dayOf(options.now ?? new Date());
  if (!options.llm) return check(readInputsOffline(message, keys, today), keys, "offline");
  const schema = z.toJSONSchema(Extraction, { io: "output" }) as JsonSchema;
  delete schema.$schema;
  const items = ((schema.properties as Record<string, JsonSchema>).values.items as JsonSchema).properties as Record<string, JsonSchema>;
  items.name = { ...items.name, enum: keys.map((k) => k.name) };
  const reply = await options.llm.complete({
    system: "You read values for a plan's inputs out of a person's message. Report only values the message states; never guess or fill in defaults. Give each value in the form its type asks for (dates as YYYY-MM-DD).",
    prompt: `Today is ${formatDay(today)} (${weekdayName(today)}).\n\n# Inputs\n${keys.map((k) => `- ${k.name}: ${schemaText(k.schema)}${k.description ? ` — ${k.description}` : ""}`).join("\n")}\n\n# Message\n${message}`,
    jsonSchema: { name: "input_values", schema },
    signal: options.signal,
  });
  const found = extractJson(reply.text);
  const parsed = found.ok ? Extraction.safeParse(found.value) : undefined;
  const raw: Record<string, unknown> = {};
  if (parsed?.success) {
    for (const v of parsed.data.values) {
      const key = keys.find((k) => k.name === v.name);
      if (!key || !v.found || !v.value.trim()) continue;
      const b = decodeValue(v.value, key.schema);
      if (b.kind === "literal") raw[key.name] = b.value;
    }
  }
  return { ...check(raw, keys, "llm"), usage: reply.usage };
}

function check(raw: Record<string, unknown>, keys: readonly InputKey[], source: "llm" | "offline"): ParsedInputs {
  const values: Record<string, unknown> = {};
  const invalid: ParsedInputs["invalid"] = [];
  for (const key of keys) {
    if (!(key.name in raw)) continue;
    const coerced = coerceLiteral(raw[key.name], key.schema);
    if (coerced) values[key.name] = coerced.value;
    else invalid.push({ name: key.name, value: raw[key.name], reason: formatValueErrors(checkValue(raw[key.name], key.schema)) });
  }
  const missing = keys.map((k) => k.name).filter((n) => !(n in values) && !invalid.some((i) => i.name === n));
  return { values, missing, invalid, source };
}
