/**
 * `--input name=value` and `--param name=value`: text from the command line, typed by the JSON
 * Schema of what it fills (a number for a number, JSON for objects and arrays), then checked
 * against it. Unknown names and values that do not fit are usage errors that name them.
 */
import { checkValue, formatValueErrors, isObject } from "../core";
import { usageError } from "./exit-codes";

export interface NamedSchema {
  name: string;
  schema: unknown;
}

export function parsePairs(pairs: string[], flag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw usageError(`${flag} takes name=value, not "${pair}".`);
    out.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
  }
  return out;
}

/** A value whose type is not known yet: JSON when it reads as a number, boolean, null, array or object, else the text. */
export function looseValue(text: string): unknown {
  const t = text.trim();
  if (/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(t) || /^[[{]/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

function types(schema: unknown): string[] {
  if (!isObject(schema)) return [];
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter((t): t is string => typeof t === "string");
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map((v) => (typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "string")))];
  return [];
}

/** Text to the value the schema expects; anything unclear is read loosely. */
export function valueFor(text: string, schema: unknown): unknown {
  const ts = types(schema);
  if (ts.length === 1 && ts[0] === "string") return text;
  if (ts.length === 1 && (ts[0] === "integer" || ts[0] === "number")) return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
  if (ts.length === 1 && ts[0] === "boolean") {
    const t = text.trim().toLowerCase();
    if (["true", "yes", "y", "1"].includes(t)) return true;
    if (["false", "no", "n", "0"].includes(t)) return false;
    return text;
  }
  return looseValue(text);
}

export function typedValues(pairs: Map<string, string>, specs: readonly NamedSchema[], what: string, flag: string): Record<string, unknown> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: Record<string, unknown> = {};
  for (const [name, text] of pairs) {
    const spec = byName.get(name);
    if (!spec) throw usageError(`There is no ${what} "${name}" (${flag}). ${specs.length ? `Known: ${specs.map((s) => s.name).join(", ")}.` : `It takes no ${what}s.`}`);
    const value = valueFor(text, spec.schema);
    const errors = checkValue(value, spec.schema);
    if (errors.length) throw usageError(`${flag} ${name}=${JSON.stringify(text)}: ${formatValueErrors(errors)}.`);
    out[name] = value;
  }
  return out;
}
