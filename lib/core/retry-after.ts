/**
 * An HTTP `Retry-After` value in milliseconds: delay-seconds ("120", "0.5") or an HTTP date
 * ("Wed, 21 Oct 2015 07:28:00 GMT", counted from `now`). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
