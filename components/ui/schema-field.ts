/**
 * Plain form fields for values typed by a JSON Schema: which input to show, how a value
 * reads as text, and how typed text becomes a checked value. Shared by every typed form
 * that is not the editor's inspector (run inputs, template parameters).
 */
import { checkValue, formatValueErrors } from "@/lib/core/check-value";
import { isObject } from "@/lib/core/json-schema";

export type FieldKind = "string" | "number" | "integer" | "boolean" | "enum" | "json";
export interface Field {
  kind: FieldKind;
  options?: unknown[];
}

export function fieldOf(schema: unknown): Field {
  if (!isObject(schema)) return { kind: "json" };
  if (Array.isArray(schema.enum)) return { kind: "enum", options: schema.enum };
  if (schema.type === "string" || schema.type === "number" || schema.type === "integer" || schema.type === "boolean") return { kind: schema.type };
  return { kind: "json" };
}

export function toFieldText(value: unknown, field: Field): string {
  if (value === undefined) return "";
  return field.kind === "json" ? JSON.stringify(value) : String(value);
}

/** Typed text to a value that fits `schema`; empty text is no value. */
export function parseFieldText(schema: unknown, text: string): { value?: unknown; error?: string } {
  if (text === "") return {};
  const f = fieldOf(schema);
  let v: unknown = text;
  if (f.kind === "number" || f.kind === "integer") {
    v = Number(text);
    // Number() reads "abc" as NaN and " " as 0; neither is a number someone typed
    if (!text.trim() || !Number.isFinite(v)) return { error: "is not a number" };
  } else if (f.kind === "boolean") v = text === "true";
  else if (f.kind === "enum") v = f.options?.find((o) => String(o) === text) ?? text;
  else if (f.kind === "json") {
    try {
      v = JSON.parse(text);
    } catch {
      return { error: "is not valid JSON" };
    }
  }
  const errs = checkValue(v, schema);
  return errs.length ? { error: formatValueErrors(errs) } : { value: v };
}
