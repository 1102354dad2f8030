/**
 * `{{NAME}}` placeholders in template text. A string that is exactly one placeholder takes
 * the value itself (a number stays a number); a placeholder inside longer text is replaced
 * by the value as text. Names without a value are left as they are.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;

export function placeholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function fillText(text: string, values: ReadonlyMap<string, unknown>): unknown {
  const whole = WHOLE.exec(text);
  if (whole && values.has(whole[1])) return values.get(whole[1]);
  return text.replace(PLACEHOLDER, (match, name: string) => (values.has(name) ? asText(values.get(name)) : match));
}

/** Like fillText, but always text (for goals and labels); `missing` says what to write for a name without a value. */
export function fillLabel(text: string, values: ReadonlyMap<string, unknown>, missing: (name: string) => string | undefined = () => undefined): string {
  return text.replace(PLACEHOLDER, (match, name: string) => (values.has(name) ? asText(values.get(name)) : missing(name) ?? match));
}

/** Fills placeholders in every string inside a JSON value. */
export function fillValue(value: unknown, values: ReadonlyMap<string, unknown>): unknown {
  if (typeof value === "string") return fillText(value, values);
  if (Array.isArray(value)) return value.map((v) => fillValue(v, values));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillValue(v, values)]));
  }
  return value;
}

/** Every placeholder name used in the strings of a JSON value. */
export function placeholdersIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === "string") for (const n of placeholderNames(value)) into.add(n);
  else if (Array.isArray(value)) for (const v of value) placeholdersIn(v, into);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) placeholdersIn(v, into);
  return into;
}
