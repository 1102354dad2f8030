/**
 * Secret redaction: every occurrence of a known secret value in a text or a JSON-like value is
 * replaced with `[redacted]`. A value is looked for as it is and, when it is 8 characters or
 * longer, in the forms it takes when passed along: base64 (standard and URL-safe, with or without
 * padding) and URL-encoded. Values shorter than 4 characters are not looked for: they would blank
 * out ordinary text and protect nothing.
 */
export const REDACTED = "[redacted]";
export const MIN_REDACTED_LENGTH = 4;
const MIN_ENCODED_LENGTH = 8;

export class Redactor {
  private readonly pattern?: RegExp;

  constructor(values: Iterable<string> = []) {
    const forms = new Set<string>();
    for (const value of values) {
      if (typeof value !== "string" || value.length < MIN_REDACTED_LENGTH) continue;
      forms.add(value);
      if (value.length >= MIN_ENCODED_LENGTH) for (const f of encodedForms(value)) if (f.length >= MIN_REDACTED_LENGTH) forms.add(f);
    }
    // Longest first, so that a value inside another is not replaced before the longer one.
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    if (sorted.length) this.pattern = new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  }

  get empty(): boolean {
    return !this.pattern;
  }

  /** The text with every secret replaced. */
  text(text: string): string {
    if (!this.pattern || !text) return text;
    this.pattern.lastIndex = 0;
    return text.replace(this.pattern, REDACTED);
  }

  /** Whether the text holds a secret. */
  finds(text: string): boolean {
    if (!this.pattern) return false;
    this.pattern.lastIndex = 0;
    return this.pattern.test(text);
  }

  /**
   * A copy of a JSON-like value with every secret replaced in its strings (and object keys); the
   * value itself when it holds none, so that nothing is copied in the common case.
   */
  value<T>(value: T): T {
    if (!this.pattern) return value;
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === "string") return this.text(value);
    if (value === null || typeof value !== "object" || depth > 200) return value;
    if (value instanceof Error) {
      if (!this.finds(`${value.message}\n${value.stack ?? ""}`)) return value;
      const copy = new Error(this.text(value.message));
      copy.name = value.name;
      copy.stack = this.text(value.stack ?? "");
      return copy;
    }
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((v) => {
        const r = this.walk(v, depth + 1);
        if (r !== v) changed = true;
        return r;
      });
      return changed ? out : value;
    }
    if (value instanceof Date || ArrayBuffer.isView(value)) return value;
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const key = this.text(k);
      const r = this.walk(v, depth + 1);
      if (r !== v || key !== k) changed = true;
      out[key] = r;
    }
    return changed ? out : value;
  }
}

function encodedForms(value: string): string[] {
  const bytes = new TextEncoder().encode(value);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  const b64 = btoa(binary);
  const unpadded = b64.replace(/=+$/, "");
  const urlSafe = unpadded.replace(/\+/g, "-").replace(/\//g, "_");
  return [b64, unpadded, urlSafe, encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, "+")].filter((f) => f !== value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
