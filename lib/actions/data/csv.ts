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

/**
 * An incremental RFC 4180 reader: text goes in by chunks (`push`), each record comes out as
 * soon as it is complete, so a file is parsed while it streams in and is never whole in memory.
 * Throws on an unterminated quote or text after a closing quote.
 */
export class CsvRecordReader {
  private record: string[] = [];
  private field = "";
  /** inside a quoted field; `quoteSeen`: its last character was a quote (a closing or a doubled one) */
  private quoted = false;
  private quoteSeen = false;
  /** a quoted field ended: only a delimiter or a line end may follow */
  private closed = false;
  /** the last chunk ended with CR: a LF starting the next one belongs to it */
  private pendingCr = false;
  private quotedInRecord = false;
  private started = false;
  private line = 1;
  private quoteLine = 1;
  private records = 0;

  constructor(private readonly onRecord: (fields: string[]) => void, private readonly delimiter = ",", private readonly signal?: AbortSignal) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
      throw new ActionError("invalid_delimiter", `The delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}.`);
    }
  }

  push(text: string): void {
    if (!this.started && text) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const n = text.length;
    const d = this.delimiter;
    let i = 0;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (text[0] === "\n") i = 1;
    }
    // `from`: where the unquoted or quoted text not yet added to `field` begins
    let from = i;
    while (i < n) {
      const c = text[i];
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === '"') {
            // a doubled quote: one quote of the value
            this.field += '"';
            from = ++i;
            continue;
          }
          this.quoted = false;
          this.closed = true;
          from = i;
          continue;
        }
        if (c === '"') {
          this.field += text.slice(from, i);
          this.quoteSeen = true;
          from = ++i;
          continue;
        }
        if (c === "\n") this.line++;
        i++;
        continue;
      }
      if (this.closed && c !== d && c !== "\n" && c !== "\r") {
        throw new ActionError("csv_parse_error", `CSV line ${this.line}: unexpected ${JSON.stringify(c)} after a closing quote (a quote inside a quoted field must be doubled).`);
      }
      if (c === '"' && this.field === "" && from === i && !this.closed) {
        this.quoted = true;
        this.quotedInRecord = true;
        this.quoteLine = this.line;
        from = ++i;
        continue;
      }
      if (c === d) {
        this.endField(text.slice(from, i));
        from = ++i;
      } else if (c === "\r" || c === "\n") {
        this.endField(text.slice(from, i));
        this.endRecord();
        this.line++;
        i++;
        if (c === "\r") {
          if (i === n) this.pendingCr = true;
          else if (text[i] === "\n") i++;
        }
        from = i;
      } else {
        i++;
      }
    }
    if (from < n) this.field += text.slice(from, n);
  }

  /** The end of the text: the last record, if it had no line end. */
  end(): void {
    if (this.quoted && !this.quoteSeen) throw new ActionError("csv_parse_error", `CSV line ${this.quoteLine}: a quoted field is never closed.`);
    this.quoted = this.quoteSeen = false;
    if (this.field !== "" || this.record.length > 0 || this.quotedInRecord) {
      this.endField("");
      this.endRecord();
    }
  }

  private endField(rest: string): void {
    this.record.push(this.field + rest);
    this.field = "";
    this.closed = false;
  }

  private endRecord(): void {
    const record = this.record;
    this.record = [];
    // A record holding one empty unquoted field is a blank line; those are skipped.
    const blank = record.length === 1 && record[0] === "" && !this.quotedInRecord;
    this.quotedInRecord = false;
    if (blank) return;
    checkAborted(this.signal, ++this.records);
    this.onRecord(record);
  }
}

/** Records as arrays of raw strings. Throws on an unterminated quote or text after a closing quote. */
export function parseCsvRecords(text: string, delimiter = ",", signal?: AbortSignal): string[][] {
  const records: string[][] = [];
  const reader = new CsvRecordReader((r) => records.push(r), delimiter, signal);
  reader.push(text);
  reader.end();
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

/**
 * Builds a table from records as they come: each record becomes a row of raw text at once
 * (no second copy of the data), and what each column's cells look like is tallied on the
 * way, so typing the cells at the end is one pass over the rows.
 */
class CsvTableBuilder {
  columns: string[] = [];
  readonly rows: Row[] = [];
  private readonly numeric: boolean[] = [];
  private readonly boolean: boolean[] = [];
  private readonly sawValue: boolean[] = [];
  private headerSeen = false;
  /** header-less tables grow a column when a longer record comes; earlier rows get it at the end */
  private ragged = false;

  constructor(private readonly header: boolean, private readonly inferTypes: boolean) {}

  add(rec: string[]): void {
    if (this.header && !this.headerSeen) {
      this.headerSeen = true;
      this.columns = uniqueHeaders(rec);
      return;
    }
    const columns = this.columns;
    if (rec.length > columns.length) {
      if (this.header) {
        for (let c = columns.length; c < rec.length; c++) {
          if (rec[c].trim() !== "") {
            throw new ActionError("csv_parse_error", `CSV record ${this.rows.length + 2} has ${rec.length} fields but the header has ${columns.length}. Check the delimiter or quoting.`);
          }
        }
      } else {
        if (this.rows.length) this.ragged = true;
        for (let c = columns.length; c < rec.length; c++) columns.push(`column_${c + 1}`);
      }
    }
    const row: Row = {};
    const missing = this.inferTypes ? null : "";
    for (let c = 0; c < columns.length; c++) {
      const raw = rec[c];
      if (raw === undefined) {
        row[columns[c]] = missing;
        continue;
      }
      row[columns[c]] = raw;
      if (!this.inferTypes) continue;
      const t = raw.trim();
      if (t === "") continue;
      if (!this.sawValue[c]) {
        this.sawValue[c] = true;
        this.numeric[c] = true;
        this.boolean[c] = true;
      }
      if (this.numeric[c] && !looksNumeric(t)) this.numeric[c] = false;
      if (this.boolean[c] && !looksBoolean(t)) this.boolean[c] = false;
    }
    this.rows.push(row);
  }

  /** The rows typed in place: numbers, booleans, and null for empty cells. */
  finish(signal?: AbortSignal): Table {
    const { columns, rows } = this;
    const missing = this.inferTypes ? null : "";
    if (this.ragged) {
      for (const row of rows) for (const col of columns) if (!(col in row)) row[col] = missing;
    }
    if (this.inferTypes) {
      const kinds = columns.map((_, c) => (!this.sawValue[c] ? "string" : this.numeric[c] ? "number" : this.boolean[c] ? "boolean" : "string"));
      for (let r = 0; r < rows.length; r++) {
        checkAborted(signal, r);
        const row = rows[r];
        for (let c = 0; c < columns.length; c++) {
          const raw = row[columns[c]];
          if (typeof raw !== "string") continue;
          const t = raw.trim();
          if (t === "") row[columns[c]] = null;
          else if (kinds[c] === "number") row[columns[c]] = Number(t);
          else if (kinds[c] === "boolean") row[columns[c]] = t.toLowerCase() === "true";
        }
      }
    }
    return { columns, rows };
  }
}

export function parseCsv(text: string, options: CsvParseOptions = {}): Table {
  const { delimiter = ",", header = true, inferTypes = true, signal } = options;
  const builder = new CsvTableBuilder(header, inferTypes);
  const reader = new CsvRecordReader((r) => builder.add(r), delimiter, signal);
  reader.push(text);
  reader.end();
  return builder.finish(signal);
}

/**
 * Parses CSV text that arrives in chunks (a file being read, a response): memory holds the
 * rows being built and one chunk of text, never the whole text or a list of records beside the rows.
 */
export async function parseCsvStream(chunks: AsyncIterable<string>, options: CsvParseOptions = {}): Promise<Table> {
  const { delimiter = ",", header = true, inferTypes = true, signal } = options;
  const builder = new CsvTableBuilder(header, inferTypes);
  const reader = new CsvRecordReader((r) => builder.add(r), delimiter, signal);
  for await (const chunk of chunks) {
    signal?.throwIfAborted();
    reader.push(chunk);
  }
  reader.end();
  return builder.finish(signal);
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
