import { z } from "zod";
import { ActionError, defineAction } from "@/lib/core/action";

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME = /^[A-Za-z_$][\w$-]*(?:\.(?:[A-Za-z_$][\w$-]*|\d+))*$/;

/** Own properties only, so "{{constructor}}" cannot reach Object.prototype. */
function lookup(values: unknown, dotted: string): { found: boolean; value?: unknown } {
  let cur: unknown = values;
  for (const seg of dotted.split(".")) {
    if (cur === null || typeof cur !== "object" || !Object.hasOwn(cur, seg)) return { found: false };
    cur = (cur as Record<string, unknown>)[seg];
  }
  return { found: true, value: cur };
}

function format(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function renderTemplate(template: string, values: Record<string, unknown>): { text: string; used: string[] } {
  const missing: string[] = [];
  const invalid: string[] = [];
  const used = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!NAME.test(name)) {
      invalid.push(whole);
      return whole;
    }
    const hit = lookup(values, name);
    if (!hit.found) {
      missing.push(name);
      return whole;
    }
    used.add(name);
    return format(hit.value);
  });
  if (invalid.length) {
    throw new ActionError("invalid_placeholder", `Malformed placeholder${invalid.length > 1 ? "s" : ""} ${invalid.join(", ")}; use {{name}} or {{a.b}}.`);
  }
  if (missing.length) {
    const unique = [...new Set(missing)];
    throw new ActionError(
      "unknown_placeholder",
      `The template uses ${unique.map((m) => `{{${m}}}`).join(", ")} but values has no such key. Available keys: ${Object.keys(values).join(", ") || "(none)"}.`,
      { details: { missing: unique } },
    );
  }
  return { text, used: [...used] };
}

export const templateAction = defineAction({
  id: "text.template",
  title: "Fill a text template",
  description:
    "Fill a text template with values: {{name}} is replaced by values.name, {{a.b}} by a nested field, {{rows.0.city}} by a list element's field. " +
    "Strings are inserted as they are, numbers and booleans as text, null as nothing, objects and lists as JSON. A placeholder with no matching value is an error " +
    "(so typos are caught). Bind `values` to a whole step output to use its fields. Returns { text, placeholders (names filled) }.",
  flows: ["text"],
  effect: "pure",
  input: z.object({
    template: z.string().describe('The template text, e.g. "Total revenue in {{region}}: {{stats.total}}"'),
    values: z.record(z.string(), z.unknown()).describe("Values for the placeholders, keyed by name (may be nested)"),
  }),
  output: z.object({
    text: z.string().describe("The filled-in text"),
    placeholders: z.array(z.string()).describe("Placeholder names that were filled"),
  }),
  run(input) {
    const { text, used } = renderTemplate(input.template, input.values);
    return { text, placeholders: used };
  },
});
