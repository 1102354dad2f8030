/**
 * The approval panel's form: one typed field per input of the step, driven by the action's
 * input JSON Schema (the same fields as the run form), so a person changes the one value they
 * mean to instead of a JSON blob of the whole input. Pure, for tests.
 */
import { isArtifactRef } from "@/lib/core/artifact";
import { isObject } from "@/lib/core/json-schema";
import { fieldOf, parseFieldText, toFieldText, type Field } from "@/components/ui/schema-field";

/** Text longer than this is not put in a field unless asked for (a base64 chart, a whole report). */
export const LONG_TEXT = 20_000;

export interface ApprovalField {
  name: string;
  schema: unknown;
  field: Field;
  /** the value as the form shows it */
  text: string;
  required: boolean;
  /** text on several lines (a report): a text area */
  multiline: boolean;
  /** too large to edit here (an artifact reference, or text past LONG_TEXT): kept unless opened */
  large: boolean;
  /** a part kept in the run's artifact store: never edited here, sent back as it is */
  stored: boolean;
}

/** The fields of a step's input, or null when the schema is not an object of named inputs (raw JSON then). */
export function approvalFields(input: unknown, schema: unknown): ApprovalField[] | null {
  if (!isObject(input) || !isObject(schema) || !isObject(schema.properties)) return null;
  const props = schema.properties as Record<string, unknown>;
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const names = [...Object.keys(input), ...Object.keys(props).filter((n) => !(n in input))];
  return names.map((name) => {
    const value = input[name];
    const propSchema = props[name] ?? {};
    const stored = isArtifactRef(value);
    const field = stored ? { kind: "json" as const } : fieldOf(propSchema);
    const text = stored ? "" : field.kind === "json" && value !== undefined ? JSON.stringify(value, null, 2) : toFieldText(value, field);
    return {
      name,
      schema: propSchema,
      field,
      text,
      required: required.has(name),
      multiline: field.kind === "json" ? text.includes("\n") : field.kind === "string" && (text.includes("\n") || text.length > 80),
      large: stored || text.length > LONG_TEXT,
      stored,
    };
  });
}

/**
 * The input to approve with: the shown input with each changed field read back as its schema
 * says. `changed` false when nothing differs (approve without an edited input).
 */
export function editedInput(input: Record<string, unknown>, fields: ApprovalField[], texts: Record<string, string>): { ok: true; input: Record<string, unknown>; changed: boolean } | { ok: false; error: string } {
  const out: Record<string, unknown> = { ...input };
  let changed = false;
  for (const f of fields) {
    const text = texts[f.name];
    if (f.stored || text === undefined || text === f.text) continue;
    changed = true;
    if (text === "") {
      if (f.required && f.field.kind !== "string") return { ok: false, error: `"${f.name}" needs a value.` };
      if (f.field.kind === "string" && f.required) out[f.name] = "";
      else delete out[f.name];
      continue;
    }
    const parsed = parseFieldText(f.schema, text);
    if (parsed.error) return { ok: false, error: `"${f.name}" ${parsed.error}` };
    out[f.name] = parsed.value;
  }
  return { ok: true, input: out, changed };
}
