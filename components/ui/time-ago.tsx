/**
 * A date as "3 min ago" with the exact time on hover. Rendered on the server and again in the
 * browser a moment later, where the text may have moved on ("just now" → "1 min ago"): that
 * difference is expected, so React is told not to treat it as a hydration error.
 */
export function TimeAgo({ date: at, now = new Date() }: { date: Date | string; now?: Date }) {
  const date = typeof at === "string" ? new Date(at) : at;
  const s = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  const text = s < 45 ? "just now" : s < 3600 ? `${Math.round(s / 60)} min ago` : s < 86400 ? `${Math.round(s / 3600)} h ago` : date.toISOString().slice(0, 10);
  return <time dateTime={date.toISOString()} title={date.toISOString()} suppressHydrationWarning>{text}</time>;
}
