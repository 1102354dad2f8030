/**
 * Turning Postgres values into plain JSON. Step outputs are stored and shown as JSON,
 * so a Date, a bigint or a Uint8Array in a row would break or silently change there.
 */
import type { QueryOptions } from "@electric-sql/pglite";

const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082, TIMESTAMP: 1114, TIMESTAMPTZ: 1184, TIME: 1083 } as const;

/** Numbers a JS number holds exactly; longer ones stay strings so no digit is lost. */
function numberOrString(text: string): number | string {
  const digits = text.replace(/[-+.]/g, "").replace(/^0+/, "");
  const n = Number(text);
  return Number.isFinite(n) && digits.length <= 15 ? n : text;
}

/**
 * PGlite parsers that keep dates as the text Postgres printed (no time-zone shifts
 * through JS Date) and turn numeric/int8 into numbers when exact.
 */
export const JSON_FRIENDLY_PARSERS: NonNullable<QueryOptions["parsers"]> = {
  [OID.INT8]: numberOrString,
  [OID.NUMERIC]: numberOrString,
  [OID.DATE]: (text) => text,
  [OID.TIMESTAMP]: (text) => text.replace(" ", "T"),
  [OID.TIMESTAMPTZ]: (text) => text.replace(" ", "T"),
  [OID.TIME]: (text) => text,
};

/** Anything that still is not JSON (arrays of dates, bytea, …) made into JSON. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString("hex")}`;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

/** Column names made unique (`id`, `id_2`) so rows as objects lose no column. */
export function uniqueColumnNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set(names);
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    if (count === 1) return name;
    let candidate = `${name}_${count}`;
    for (let n = count + 1; taken.has(candidate); n++) candidate = `${name}_${n}`;
    taken.add(candidate);
    return candidate;
  });
}
