/**
 * Values a goal states outright: quoted text, URLs, file names, e-mail addresses, dates and
 * numbers. The offline planner fills step inputs from them; anything it cannot find becomes a
 * plan input instead of an invented value.
 */
import { contentKindOf } from "../../core/schema-formats";
import { dayOf, findDates, type CalendarDay } from "../text/dates";

export type LiteralKind = "url" | "image" | "audio" | "video" | "file" | "text" | "number" | "date" | "email";

export interface GoalLiteral {
  /** as written in the goal */
  text: string;
  value: string | number;
  kind: LiteralKind;
  start: number;
  end: number;
  quoted: boolean;
}

const TLD = "com|org|net|io|edu|gov|co|ai|dev|app|info|biz|us|uk|de|fr|es|it|nl|eu|ca|au|in|jp|me|tv|ly";
const FILE_EXT = "png|jpe?g|gif|bmp|webp|tiff?|svg|heic|ico|wav|mp3|flac|ogg|m4a|aac|wma|opus|mp4|avi|mov|mkv|webm|flv|wmv|m4v|mpe?g|txt|csv|tsv|json|md|markdown|pdf|docx?|xlsx?|html?|xml|ya?ml|log|url|srt|zip";

const QUOTES: [string, string][] = [["'", "'"], ['"', '"'], ["“", "”"], ["‘", "’"], ["`", "`"]];
const URL_RE = new RegExp(`\\bhttps?:\\/\\/[^\\s'"<>\`)\\]]+|\\bwww\\.[^\\s'"<>\`)\\]]+|\\b(?:[a-z0-9-]+\\.)+(?:${TLD})\\b(?:\\/[^\\s'"<>\`)\\]]*)?`, "gi");
const FILE_RE = new RegExp(`(?<![\\w/.:-])[\\w-]+(?:[.-][\\w-]+)*\\.(?:${FILE_EXT})\\b`, "gi");
const EMAIL_RE = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const NUMBER_RE = /(?<![\w.])\d+(?:\.\d+)?(?![\w.]*\w)/g;

/** `today` is the day relative dates ("next Tuesday") count from; by default the local today. */
export function extractLiterals(goal: string, today: CalendarDay = dayOf(new Date())): GoalLiteral[] {
  const found: GoalLiteral[] = [];
  const taken: [number, number][] = [];
  const free = (s: number, e: number) => taken.every(([a, b]) => e <= a || s >= b);
  const add = (lit: GoalLiteral) => {
    found.push(lit);
    taken.push([lit.start, lit.end]);
  };

  for (const q of quotedSpans(goal)) {
    const inner = q.text;
    const kind = kindOfWhole(inner);
    add({ text: inner, value: kind === "url" ? normalizeUrl(inner) : inner, kind, start: q.start, end: q.end, quoted: true });
  }
  for (const m of goal.matchAll(EMAIL_RE)) {
    if (free(m.index, m.index + m[0].length)) add({ text: m[0], value: m[0], kind: "email", start: m.index, end: m.index + m[0].length, quoted: false });
  }
  for (const m of goal.matchAll(URL_RE)) {
    const text = trimPunctuation(m[0]);
    if (isFileName(text) && !/^(https?:|www\.)/i.test(text)) continue;
    if (free(m.index, m.index + text.length)) add({ text, value: normalizeUrl(text), kind: "url", start: m.index, end: m.index + text.length, quoted: false });
  }
  for (const m of goal.matchAll(FILE_RE)) {
    const text = m[0];
    if (free(m.index, m.index + text.length)) add({ text, value: text, kind: fileKind(text), start: m.index, end: m.index + text.length, quoted: false });
  }
  // Dates as people write them: 2023-08-01, "August 1, 2023", "next Tuesday".
  for (const d of findDates(goal, today)) {
    if (free(d.start, d.end)) add({ text: d.text, value: d.value, kind: "date", start: d.start, end: d.end, quoted: false });
  }
  for (const m of goal.matchAll(NUMBER_RE)) {
    if (free(m.index, m.index + m[0].length)) add({ text: m[0], value: Number(m[0]), kind: "number", start: m.index, end: m.index + m[0].length, quoted: false });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Quoted passages: an opening quote after a space or bracket, a closing one before a space or punctuation. */
function quotedSpans(text: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  let i = 0;
  while (i < text.length) {
    const pair = QUOTES.find(([open]) => text.startsWith(open, i));
    const before = i === 0 ? " " : text[i - 1];
    if (!pair || !/[\s([{:,;=]/.test(before)) {
      i++;
      continue;
    }
    const [open, close] = pair;
    let j = i + open.length;
    let end = -1;
    while (j < text.length) {
      const k = text.indexOf(close, j);
      if (k < 0) break;
      const after = text[k + close.length] ?? " ";
      if (/[\s.,;:!?)\]}]/.test(after) && k > i + open.length && !/\s/.test(text[k - 1])) {
        end = k;
        break;
      }
      j = k + close.length;
    }
    if (end < 0) {
      i++;
      continue;
    }
    const inner = text.slice(i + open.length, end).trim();
    if (inner) out.push({ text: inner, start: i, end: end + close.length });
    i = end + close.length;
  }
  return out;
}

function trimPunctuation(s: string): string {
  return s.replace(/[.,;:!?]+$/, "");
}

function isFileName(s: string, spaces = false): boolean {
  return new RegExp(`^[\\w.${spaces ? " " : ""}-]+\\.(?:${FILE_EXT})$`, "i").test(s);
}

function fileKind(name: string): LiteralKind {
  const k = contentKindOf(name);
  return k === "text" ? "file" : k;
}

function kindOfWhole(s: string): LiteralKind {
  if (/^(https?:\/\/|www\.)\S+$/i.test(s) || new RegExp(`^(?:[a-z0-9-]+\\.)+(?:${TLD})(?:\\/\\S*)?$`, "i").test(s)) return "url";
  if (isFileName(s, true)) return fileKind(s);
  if (/^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(s)) return "email";
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return "date";
  return "text";
}

/** `www.example.com/x` → `https://www.example.com/x`. */
function normalizeUrl(s: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `https://${s}`;
}
