/**
 * RFC 4180 CSV: quoted fields, doubled quotes, newlines inside quotes, CRLF or LF.
 * Typing is per column so a code column like "007, 12A" stays text throughout.
 */
import { ActionError } from "@/lib/core/action";
import { checkAborted } from "../abort";
import type { Row, Table } from "./table";

export interface CsvParseOptions {
  delimiter?: string;
  header?: boolean;
  inferTypes?: boolean;
  signal?: AbortSignal;
}

/** Records as arrays of raw strings. Throws on an unterminated quote or text after a closing quote. */
export function parseCsvRecords(text: string, delimiter = ",", signal?: AbortSignal): string[][] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new ActionError("invalid_delimiter", `The delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}.`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let line = 1;
  let i = 0;
  const n = text.length;
  // A record holding one empty unquoted field is a blank line; those are skipped.
  let quotedInRecord = false;
  const endRecord = () => {
    record.push(field);
    field = "";
    if (!(record.length === 1 && record[0] === "" && !quotedInRecord)) records.push(record);
    record = [];
    quotedInRecord = false;
    checkAborted(signal, records.length);
  };
  while (i < n) {
    const c = text[i];
    if (c === '"' && field === "") {
      quotedInRecord = true;
      const startLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new ActionError("csv_parse_error", `CSV line ${startLine}: a quoted field is never closed.`);
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === "\n") line++;
        field += q;
        i++;
      }
      const after = text[i];
      if (i < n && after !== delimiter && after !== "\n" && after !== "\r") {
        throw new ActionError("csv_parse_error", `CSV line ${line}: unexpected ${JSON.stringify(after)} after a closing quote (a quote inside a quoted field must be doubled).`);
      }
      continue;
    }
    if (c === delimiter) {
      record.push(field);
      field = "";
      i++;
    } else if (c === "\r") {
      endRecord();
      i += text[i + 1] === "\n" ? 2 : 1;
      line++;
    } else if (c === "\n") {
      endRecord();
      i++;
      line++;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== "" || record.length > 0 || quotedInRecord) endRecord();
  return records;
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
// Leading zeros mean an identifier (zip code, product code), not a quantity.
const LEADING_ZERO = /^[-+]?0\d/;

function looksNumeric(s: string): boolean {
  const t = s.trim();
  return NUMBER.test(t) && !LEADING_ZERO.test(t);
}

function looksBoolean(s: string): boolean {
  const t = s.trim().toLowerCase();
  return t === "true" || t === "false";
}

/** Header names made unique and non-empty so every column is addressable. */
function uniqueHeaders(raw: string[]): string[] {
  const used = new Set<string>();
  return raw.map((h, i) => {
    const base = h.trim() || `column_${i + 1}`;
    let name = base;
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`;
    used.add(name);
    return name;
  });
}

export function parseCsv(text: string, options: CsvParseOptions = {}): Table {
  const { delimiter = ",", header = true, inferTypes = true, signal } = options;
  const records = parseCsvRecords(text, delimiter, signal);
  if (records.length === 0) return { columns: [], rows: [] };
  const width = Math.max(...records.map((r) => r.length));
  const columns = header ? uniqueHeaders(records[0]) : Array.from({ length: width }, (_, i) => `column_${i + 1}`);
  const body = header ? records.slice(1) : records;
  body.forEach((rec, idx) => {
    if (rec.length > columns.length) {
      const extra = rec.slice(columns.length);
      if (extra.some((x) => x.trim() !== "")) {
        const lineNo = idx + (header ? 2 : 1);
        throw new ActionError(
          "csv_parse_error",
          `CSV record ${lineNo} has ${rec.length} fields but the header has ${columns.length}. Check the delimiter or quoting.`,
        );
      }
    }
  });

  const kinds = columns.map((_, c) => {
    if (!inferTypes) return "string" as const;
    let sawValue = false;
    let numeric = true;
    let boolean = true;
    for (const rec of body) {
      const v = rec[c] ?? "";
      if (v.trim() === "") continue;
      sawValue = true;
      if (numeric && !looksNumeric(v)) numeric = false;
      if (boolean && !looksBoolean(v)) boolean = false;
      if (!numeric && !boolean) break;
    }
    if (!sawValue) return "string" as const;
    return numeric ? ("number" as const) : boolean ? ("boolean" as const) : ("string" as const);
  });

  const rows: Row[] = body.map((rec, r) => {
    checkAborted(signal, r);
    const row: Row = {};
    columns.forEach((col, c) => {
      const raw = rec[c];
      if (raw === undefined) {
        row[col] = inferTypes ? null : "";
        return;
      }
      if (!inferTypes) {
        row[col] = raw;
        return;
      }
      if (raw.trim() === "") row[col] = null;
      else if (kinds[c] === "number") row[col] = Number(raw.trim());
      else if (kinds[c] === "boolean") row[col] = raw.trim().toLowerCase() === "true";
      else row[col] = raw;
    });
    return row;
  });
  return { columns, rows };
}

function csvField(v: unknown, delimiter: string): string {
  if (v === null || v === undefined) return "";
  const s = typeof v === "object" ? JSON.stringify(v) : String(v);
  if (s.includes(delimiter) || s.includes('"') || s.includes("\n") || s.includes("\r") || /^\s|\s$/.test(s)) {
    return `"${s.replace(/"/g, '""')}"`;
  }
  return s;
}

/** RFC 4180 output with CRLF line ends; nested values are written as JSON text. */
export function stringifyCsv(table: Table, delimiter = ","): string {
  const lines = [table.columns.map((c) => csvField(c, delimiter)).join(delimiter)];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvField(row[c], delimiter)).join(delimiter));
  return lines.join("\r\n") + "\r\n";
}
