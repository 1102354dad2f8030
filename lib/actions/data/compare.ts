/**
 * Ordering and equality of cell values shared by filter, sort, group and stats, so that
 * "3" from a text source and 3 from a typed source behave the same everywhere.
 */

export function isBlank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

/** A number for numbers and numeric strings, otherwise null. */
export function asNumber(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "variant" });

function typeRank(v: unknown): number {
  if (typeof v === "boolean") return 0;
  if (typeof v === "number") return 1;
  if (typeof v === "string") return 2;
  return 3;
}

/** Total order for non-blank values: numbers numerically, strings naturally ("a2" < "a10"). */
export function compareValues(a: unknown, b: unknown): number {
  const na = typeof a === "number" ? a : null;
  const nb = typeof b === "number" ? b : null;
  if (na !== null && nb !== null) return na - nb;
  // A numeric string next to a number compares as a number: CSV typing is per column.
  const xa = asNumber(a);
  const xb = asNumber(b);
  if (xa !== null && xb !== null && (na !== null || nb !== null)) return xa - xb;
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (typeof a === "string" && typeof b === "string") return collator.compare(a, b);
  return collator.compare(JSON.stringify(a), JSON.stringify(b));
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (isBlank(a) || isBlank(b)) return isBlank(a) && isBlank(b);
  if (typeof a === typeof b && typeof a !== "object") return a === b;
  const xa = asNumber(a);
  const xb = asNumber(b);
  if (xa !== null && xb !== null) return xa === xb;
  if (typeof a === "boolean" || typeof b === "boolean") return String(a).toLowerCase() === String(b).toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A string key that groups equal values together (1 and "1" share a key). */
export function valueKey(v: unknown): string {
  if (isBlank(v)) return "\u0000null";
  const n = asNumber(v);
  if (n !== null && typeof v !== "boolean") return `n:${n}`;
  if (typeof v === "string") return `s:${v}`;
  return `j:${JSON.stringify(v)}`;
}
