/**
 * The deterministic reader behind "Fill from text" when no LLM is configured. Everything it
 * knows comes from the inputs it is asked for (their names, schemas and descriptions), never
 * from one plan or one phrasing:
 *
 * 1. `<name> is|=|:|equals|to|of <value>`, for every input named in the text (its name with
 *    spaces, `_`, `-` or camelCase alike, or a near miss before `=`/`:`). A value runs to the
 *    next named input, `;` or the end of the line, and is read in the form the input's schema
 *    asks for: a number, yes/no, a date, one of an enum, a URL, an e-mail, a path, text.
 *    A number, yes/no, date or enum value may also follow the name directly ("limit 10").
 * 2. `to|into|as <path>` (and `from <path>`) for inputs whose name or description says they are
 *    a file, folder or path: a written-to path goes to the output-like one, a read-from path to
 *    the source-like one, or to the only path input there is.
 * 3. A yes/no input named on its own is yes ("overwrite it"), after no/not/without/don't no.
 * 4. Values whose form points at one input alone: a URL, an e-mail, a media file, a date (as
 *    people write them, relative to `today`), a number, quoted text.
 */
import { isObject, type JsonSchema } from "../core/json-schema";
import { nameSimilarity, normalizeName } from "../core/similarity";
import { extractLiterals, type GoalLiteral } from "./offline/literals";
import { kindOfSchema, type Kind } from "./schema-kind";
import { findDates, type CalendarDay, type FoundDate } from "./text/dates";
import { decodeValue } from "./wire-plan";

export interface OfflineInputKey {
  name: string;
  schema: JsonSchema;
  description?: string;
}

interface Mention {
  key: OfflineInputKey;
  start: number;
  end: number;
}

interface Span {
  start: number;
  end: number;
}

/** What joins a name to its value: a strong operator states the value; "to" and "of" only introduce one that has a typed form. */
const OPERATOR = /^\s*(?:(=|:(?!\/\/)|\bis\b|\bare\b|\bequals?\b|\bshould\s+be\b|\bset\s+to\b)|(\bto\b|\bof\b))?\s*/i;
/** Words that end a value without being part of it. */
const TRAILING = /(?:[\s,.;]+|\s+(?:and|or|then|also|plus|with|&))+$/i;
const BOOLEAN_WORDS: Record<string, boolean> = { yes: true, y: true, true: true, on: true, enabled: true, enable: true, no: false, n: false, false: false, off: false, disabled: false, disable: false };
const NEGATION = /\b(?:no|not|without|don'?t|do\s+not|never|disable|skip)\s+(?:the\s+|a\s+|an\s+)?$/i;
const PATH_TOKEN = /^(?:"[^"]+"|'[^']+'|`[^`]+`|[^\s"'`,;]+)/;
const PATH_WORDS = /\b(?:path|file|filename|files|dir|directory|folder|location|destination|dest)\b/;
const OUTPUT_WORDS = /\b(?:out|output|dest|destination|target|report|save|saved|write|written|result|export)\b/;
const SOURCE_WORDS = /\b(?:source|src|input|from|read|load|data)\b/;
const START_WORDS = /\b(?:start|from|since|begin|beginning|first|after)\b/;
const END_WORDS = /\b(?:end|to|until|till|through|last|before)\b/;

export function readInputsOffline(message: string, keys: readonly OfflineInputKey[], today: CalendarDay): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const taken: Span[] = [];
  const dates = findDates(message, today);
  const mentions = findMentions(message, keys);

  // 1. Named values.
  const operatorAfter = (m: Mention) => OPERATOR.exec(message.slice(m.end))!;
  for (const [i, m] of mentions.entries()) {
    if (m.key.name in out) continue;
    const op = operatorAfter(m);
    const valueStart = m.end + op[0].length;
    // A value runs to the next input that is given one (a name in passing does not end it).
    const next = mentions.slice(i + 1).find((n) => n.start >= valueStart && (operatorAfter(n)[1] || operatorAfter(n)[2]));
    const lineEnd = message.slice(valueStart).search(/[;\n]/);
    const limit = Math.min(next?.start ?? message.length, lineEnd < 0 ? message.length : valueStart + lineEnd);
    const span = message.slice(valueStart, limit);
    const read = readValue(span, m.key, op[1] ? "strong" : op[2] ? "weak" : "none", dates.filter((d) => d.start >= valueStart).map((d) => ({ ...d, start: d.start - valueStart, end: d.end - valueStart })));
    if (!read) continue;
    out[m.key.name] = read.value;
    taken.push({ start: m.start, end: valueStart + read.length });
  }

  // 2. Paths written to or read from.
  for (const p of message.matchAll(/\b(to|into|as|from)\s+/gi)) {
    const at = p.index + p[0].length;
    if (overlaps(taken, at, at + 1)) continue;
    const token = PATH_TOKEN.exec(message.slice(at))?.[0];
    if (!token) continue;
    const path = unquote(token).replace(/[.:!?)]+$/, "");
    if (!looksLikePath(path)) continue;
    const open = keys.filter((k) => !(k.name in out) && isPathLike(k));
    const wanted = p[1].toLowerCase() === "from" ? SOURCE_WORDS : OUTPUT_WORDS;
    const preferred = open.filter((k) => wanted.test(words(k)));
    const chosen = preferred.length === 1 ? preferred[0] : open.length === 1 ? open[0] : undefined;
    if (!chosen) continue;
    out[chosen.name] = path;
    taken.push({ start: p.index, end: at + token.length });
  }

  // 3. A yes/no input named on its own.
  for (const m of mentions) {
    if (m.key.name in out || kindOfSchema(m.key.schema) !== "boolean" || overlaps(taken, m.start, m.end)) continue;
    out[m.key.name] = !NEGATION.test(message.slice(Math.max(0, m.start - 20), m.start));
    taken.push(m);
  }

  // 4. Values whose form gives them away, in what is left of the text.
  const rest = mask(message, taken);
  const freeDates = dates.filter((d) => !overlaps(taken, d.start, d.end));
  const literals = extractLiterals(mask(rest, freeDates)).filter((l) => l.kind !== "date");
  fillDates(out, keys, freeDates);
  const used = new Set<GoalLiteral>();
  for (const key of keys) {
    if (key.name in out) continue;
    const kind = kindOfSchema(key.schema);
    const fitting = literals.filter((l) => !used.has(l) && literalFits(l, kind, key.schema));
    // Only a value whose form points at this input alone: two URLs for one URL input is a guess.
    const others = keys.filter((k) => k !== key && !(k.name in out) && kindOfSchema(k.schema) === kind);
    if (fitting.length === 1 && (others.length === 0 || kind === "string")) {
      out[key.name] = fitting[0].value;
      used.add(fitting[0]);
    }
  }
  return out;
}

/**
 * Where the text names an input: its name's words in any spelling ("report_path", "report
 * path", "reportPath"), or a near miss of it right before `=` or `:`. A longer name wins over a
 * shorter one inside it ("report path" over "path").
 */
function findMentions(message: string, keys: readonly OfflineInputKey[]): Mention[] {
  const found: Mention[] = [];
  for (const key of keys) {
    const parts = normalizeName(key.name).split(" ").filter(Boolean);
    if (!parts.length) continue;
    // Not inside a URL, an address or a path ("…/url/…", "data.csv").
    const re = new RegExp(`(?<![\\w/.:@-])${parts.map(escapeRegExp).join("[\\s_-]*")}(?![\\w/@-]|\\.\\w)`, "gi");
    for (const m of message.matchAll(re)) found.push({ key, start: m.index, end: m.index + m[0].length });
  }
  for (const m of message.matchAll(/(?<![\w-])([A-Za-z_][\w-]*(?:[ \t]+[A-Za-z_][\w-]*){0,2})[ \t]*(?==|:(?!\/\/))/g)) {
    const end = m.index + m[1].length;
    if (found.some((f) => f.end === end)) continue;
    // The phrase's last one to three words, longest first.
    const wordsBefore = m[1].split(/[ \t]+/);
    for (let n = wordsBefore.length; n >= 1; n--) {
      const phrase = wordsBefore.slice(-n).join(" ");
      const key = keys.find((k) => nameSimilarity(k.name, phrase) >= 0.8);
      if (key) {
        found.push({ key, start: end - phrase.length, end });
        break;
      }
    }
  }
  const longestFirst = [...found].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: Mention[] = [];
  for (const m of longestFirst) if (!kept.some((k) => k.start < m.end && m.start < k.end)) kept.push(m);
  return kept.sort((a, b) => a.start - b.start);
}

/** The value at the start of `span` in the form the input asks for, and how much of the span it took. */
function readValue(span: string, key: OfflineInputKey, operator: "strong" | "weak" | "none", dates: FoundDate[]): { value: unknown; length: number } | undefined {
  const lead = span.length - span.trimStart().length;
  const text = span.trimStart();
  const kind = kindOfSchema(key.schema);
  const quoted = /^("([^"]*)"|'([^']*)'|“([^”]*)”|`([^`]*)`)/.exec(text);
  if (quoted) return { value: decode(quoted[2] ?? quoted[3] ?? quoted[4] ?? quoted[5], key.schema), length: lead + quoted[0].length };
  const enumValues = isObject(key.schema) && Array.isArray(key.schema.enum) ? key.schema.enum : undefined;
  if (enumValues) {
    const hit = enumValues
      .filter((e) => ["string", "number", "boolean"].includes(typeof e))
      .map(String)
      .sort((a, b) => b.length - a.length)
      .find((e) => new RegExp(`^${escapeRegExp(e)}(?![\\w-])`, "i").test(text));
    if (hit !== undefined) return { value: hit, length: lead + hit.length };
  }
  switch (kind) {
    case "number": {
      const n = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w.]*\w)/.exec(text);
      if (n) return { value: Number(n[0].replace(/,/g, "")), length: lead + n[0].length };
      break;
    }
    case "boolean": {
      const b = /^[a-z]+\b/i.exec(text);
      if (b && b[0].toLowerCase() in BOOLEAN_WORDS) return { value: BOOLEAN_WORDS[b[0].toLowerCase()], length: lead + b[0].length };
      break;
    }
    case "date": {
      const d = dates.find((x) => x.start >= lead && /^(?:on\s+)?$/i.test(span.slice(lead, x.start)));
      if (d) return { value: d.value, length: d.end };
      break;
    }
    case "uri":
    case "email": {
      const l = extractLiterals(text).find((x) => x.start === 0 && (kind === "uri" ? x.kind === "url" : x.kind === "email"));
      if (l) return { value: l.value, length: lead + l.end };
      break;
    }
    case "string":
    case "any":
    case "object":
    case "array": {
      if (operator === "none") return undefined;
      if (kind === "string" && isPathLike(key)) {
        const token = PATH_TOKEN.exec(text)?.[0];
        if (token && looksLikePath(unquote(token))) return { value: unquote(token).replace(/[.:!?)]+$/, ""), length: lead + token.length };
      }
      if (operator === "weak") return undefined;
      // Text runs to a comma or the end of a sentence.
      const cut = kind === "string" ? text.search(/,\s|\.\s|\.$/) : -1;
      const raw = (cut < 0 ? text : text.slice(0, cut)).replace(TRAILING, "");
      if (!raw) return undefined;
      return { value: decode(raw, key.schema), length: lead + raw.length };
    }
    default:
      break;
  }
  if (operator !== "strong") return undefined;
  // Stated, but not in a form that fits: reported as invalid rather than ignored.
  const raw = text.replace(TRAILING, "").split(/,\s/)[0];
  return raw ? { value: raw, length: lead + raw.length } : undefined;
}

/** Dates not yet used: one for the one date input, or in order for inputs named like a start and an end. */
function fillDates(out: Record<string, unknown>, keys: readonly OfflineInputKey[], dates: FoundDate[]) {
  const open = keys.filter((k) => !(k.name in out) && kindOfSchema(k.schema) === "date");
  if (!open.length || !dates.length) return;
  if (open.length === 1 && dates.length === 1) {
    out[open[0].name] = dates[0].value;
    return;
  }
  const starts = open.filter((k) => START_WORDS.test(words(k)));
  const ends = open.filter((k) => END_WORDS.test(words(k)));
  if (open.length === 2 && dates.length === 2 && starts.length === 1 && ends.length === 1 && starts[0] !== ends[0]) {
    out[starts[0].name] = dates[0].value;
    out[ends[0].name] = dates[1].value;
  }
}

function literalFits(l: GoalLiteral, kind: Kind, schema: JsonSchema): boolean {
  switch (kind) {
    case "uri":
      return l.kind === "url";
    case "image":
    case "audio":
    case "video":
    case "email":
      return l.kind === kind;
    case "number":
      return l.kind === "number";
    case "string":
      if (isObject(schema) && Array.isArray(schema.enum)) return false;
      return l.kind === "text" && l.quoted;
    default:
      return false;
  }
}

function decode(text: string, schema: JsonSchema): unknown {
  const b = decodeValue(text, schema);
  return b.kind === "literal" ? b.value : text;
}

/** The words of an input's name and description, lower case. */
function words(key: OfflineInputKey): string {
  return `${normalizeName(key.name)} ${(key.description ?? "").toLowerCase()}`;
}

/** A plain-text input whose name or description says it holds a path. */
function isPathLike(key: OfflineInputKey): boolean {
  const s = key.schema;
  if (kindOfSchema(s) !== "string" || (isObject(s) && Array.isArray(s.enum))) return false;
  return PATH_WORDS.test(words(key)) || (isObject(s) && s.format === "path");
}

/** A folder or file path: a slash or a file extension, no scheme, no spaces unless quoted. */
function looksLikePath(text: string): boolean {
  if (!text || /^[a-z][a-z0-9+.-]*:\/\//i.test(text) || /@/.test(text)) return false;
  return /[\\/]/.test(text) || /\.[a-z0-9]{1,8}$/i.test(text);
}

function unquote(token: string): string {
  return /^(["'`]).*\1$/.test(token) ? token.slice(1, -1) : token;
}

function overlaps(spans: Span[], start: number, end: number): boolean {
  return spans.some((s) => s.start < end && start < s.end);
}

/** The text with these spans blanked out (same length, so positions still hold). */
function mask(text: string, spans: Span[]): string {
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + " ".repeat(s.end - s.start) + out.slice(s.end);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
