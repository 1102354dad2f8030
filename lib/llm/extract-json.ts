/**
 * Finding the JSON in an LLM's answer: the whole text, a ```json fence, or the first balanced
 * object or array inside prose. A result object, never a bare JSON.parse: a failure keeps the
 * raw text so it can be shown and sent back to the model.
 */

export type JsonExtraction =
  | { ok: true; value: unknown; json: string; raw: string; how: "whole" | "fence" | "embedded" }
  | { ok: false; error: string; raw: string };

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export function extractJson(raw: string): JsonExtraction {
  const text = raw.replace(/^\uFEFF/, "").trim();
  if (!text) return { ok: false, error: "the answer is empty", raw };
  const whole = parseJson(text);
  if (whole.ok) return { ok: true, value: whole.value, json: text, raw, how: "whole" };

  for (const m of text.matchAll(/```[ \t]*(?:json|JSON|jsonc)?[ \t]*\r?\n?([\s\S]*?)```/g)) {
    const body = m[1].trim();
    const parsed = parseJson(body);
    if (parsed.ok) return { ok: true, value: parsed.value, json: body, raw, how: "fence" };
  }

  // The first balanced {...} or [...] that parses; objects first, since plans are objects.
  for (const open of ["{", "["] as const) {
    let from = text.indexOf(open);
    while (from >= 0) {
      const end = balancedEnd(text, from);
      if (end < 0) break;
      const candidate = text.slice(from, end + 1);
      const parsed = parseJson(candidate);
      if (parsed.ok) return { ok: true, value: parsed.value, json: candidate, raw, how: "embedded" };
      from = text.indexOf(open, from + 1);
    }
  }
  const truncated = looksTruncated(text);
  return {
    ok: false,
    error: truncated ? "the answer stops in the middle of its JSON (cut off at the token limit?)" : `the answer holds no JSON value: ${whole.error}`,
    raw,
  };
}

/** Index of the bracket closing the one at `start`, skipping strings; -1 when it never closes. */
function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") stack.push(c === "{" ? "}" : "]");
    else if (c === "}" || c === "]") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

function looksTruncated(text: string): boolean {
  const first = text.search(/[{[]/);
  return first >= 0 && balancedEnd(text, first) < 0;
}
