/**
 * Dates as people write them, found in free text and read as calendar dates (`YYYY-MM-DD`):
 * `2023-08-01`, `August 1, 2023`, `Aug 1st 2023`, `1 August 2023`, `the 1st of August`,
 * `August 1` (this year), and, relative to a given day, `today`, `tomorrow`, `yesterday`,
 * `the day after tomorrow`, `Tuesday` / `this Tuesday` (the next one, today included),
 * `next Tuesday` (the next one after today), `last Tuesday`, `in 3 days`, `in two weeks`,
 * `3 days ago`. Numeric forms like 8/1/2023 are left alone: their order is a guess.
 */

/** A calendar day; months count from 1. */
export interface CalendarDay {
  y: number;
  m: number;
  d: number;
}

export interface FoundDate {
  /** `YYYY-MM-DD` */
  value: string;
  /** as written */
  text: string;
  start: number;
  end: number;
}

const MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];
const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const NUMBER_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12 };

const MONTH = "(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
/** Whole names only on their own ("sat" and "sun" are words too); abbreviations only before a month date. */
const WEEKDAY = "(sunday|monday|tuesday|wednesday|thursday|friday|saturday)";
const WEEKDAY_SHORT = "(sun|mon|tues?|wed|thu(?:rs?)?|fri|sat)\\.?";
const DAY = "(\\d{1,2})(?:st|nd|rd|th)?";
const YEAR = "(\\d{4})";
const COUNT = `(\\d{1,3}|${Object.keys(NUMBER_WORDS).join("|")})`;
const WEEKDAY_PREFIX = `(?:(?:${WEEKDAY}|${WEEKDAY_SHORT}),?\\s+)?`;

/** Each pattern reads its match into a day; null when the match is not a real date. */
const PATTERNS: { re: RegExp; read: (m: RegExpExecArray, today: CalendarDay) => CalendarDay | null }[] = [
  { re: /\b(\d{4})-(\d{2})-(\d{2})\b/gi, read: (m) => real(+m[1], +m[2], +m[3]) },
  // August 1, 2023 · Tue, Aug 1st 2023 · August 1
  { re: new RegExp(`\\b${WEEKDAY_PREFIX}${MONTH}\\s+${DAY}(?:,?\\s+${YEAR})?\\b`, "gi"), read: (m, t) => real(m[5] ? +m[5] : t.y, monthOf(m[3]), +m[4]) },
  // 1 August 2023 · the 1st of August, 2023 · 1 Aug
  { re: new RegExp(`\\b(?:the\\s+)?${DAY}\\s+(?:of\\s+)?${MONTH}(?:,?\\s+${YEAR})?\\b`, "gi"), read: (m, t) => real(m[3] ? +m[3] : t.y, monthOf(m[2]), +m[1]) },
  { re: /\b(?:the\s+)?day\s+after\s+tomorrow\b/gi, read: (_m, t) => addDays(t, 2) },
  { re: /\b(?:the\s+)?day\s+before\s+yesterday\b/gi, read: (_m, t) => addDays(t, -2) },
  { re: /\b(today|tonight|tomorrow|yesterday)\b/gi, read: (m, t) => addDays(t, { today: 0, tonight: 0, tomorrow: 1, yesterday: -1 }[m[1].toLowerCase()]!) },
  { re: new RegExp(`\\bin\\s+${COUNT}\\s+(days?|weeks?)\\b`, "gi"), read: (m, t) => addDays(t, countOf(m[1]) * unitDays(m[2])) },
  { re: new RegExp(`\\b${COUNT}\\s+(days?|weeks?)\\s+ago\\b`, "gi"), read: (m, t) => addDays(t, -countOf(m[1]) * unitDays(m[2])) },
  { re: new RegExp(`\\b(?:(next|this|last|coming|on)\\s+)?${WEEKDAY}\\b`, "gi"), read: (m, t) => weekdayFrom(t, weekdayOf(m[2]), (m[1] ?? "this").toLowerCase()) },
];

/** Every date in the text, in order; where two readings overlap, the longer one. */
export function findDates(text: string, today: CalendarDay): FoundDate[] {
  const found: FoundDate[] = [];
  for (const { re, read } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const day = read(m, today);
      if (!day) continue;
      const hit = { value: formatDay(day), text: m[0], start: m.index, end: m.index + m[0].length };
      const overlapping = found.filter((f) => f.start < hit.end && hit.start < f.end);
      if (overlapping.some((f) => f.end - f.start >= hit.end - hit.start)) continue;
      for (const f of overlapping) found.splice(found.indexOf(f), 1);
      found.push(hit);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The calendar day of a moment, in the local time zone. */
export function dayOf(now: Date): CalendarDay {
  return { y: now.getFullYear(), m: now.getMonth() + 1, d: now.getDate() };
}

export function formatDay(day: CalendarDay): string {
  return `${String(day.y).padStart(4, "0")}-${String(day.m).padStart(2, "0")}-${String(day.d).padStart(2, "0")}`;
}

/** `YYYY-MM-DD` as a day, or null. */
export function parseDay(text: string): CalendarDay | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m ? real(+m[1], +m[2], +m[3]) : null;
}

export function weekdayName(day: CalendarDay): string {
  const name = WEEKDAYS[new Date(Date.UTC(day.y, day.m - 1, day.d)).getUTCDay()];
  return name[0].toUpperCase() + name.slice(1);
}

function real(y: number, m: number, d: number): CalendarDay | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? { y, m, d } : null;
}

function addDays(day: CalendarDay, n: number): CalendarDay {
  const t = new Date(Date.UTC(day.y, day.m - 1, day.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function monthOf(name: string): number {
  return MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().replace(/\.$/, "").slice(0, 3))) + 1;
}

function weekdayOf(name: string): number {
  return WEEKDAYS.findIndex((w) => w.startsWith(name.toLowerCase().slice(0, 3)));
}

function countOf(word: string): number {
  return /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word.toLowerCase()];
}

function unitDays(unit: string): number {
  return unit.toLowerCase().startsWith("week") ? 7 : 1;
}

/** this/on/coming: the next such day, today included; next: after today; last: before today. */
function weekdayFrom(today: CalendarDay, weekday: number, which: string): CalendarDay {
  const current = new Date(Date.UTC(today.y, today.m - 1, today.d)).getUTCDay();
  const ahead = (weekday - current + 7) % 7;
  if (which === "last") return addDays(today, -(((current - weekday + 7) % 7) || 7));
  if (which === "next") return addDays(today, ahead || 7);
  return addDays(today, ahead);
}
