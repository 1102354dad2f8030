/** A large CSV written to disk for tests and benchmarks (never committed): streamed, so making it costs no memory. */
import { createWriteStream } from "node:fs";

export const BIG_CSV_COLUMNS = ["id", "region", "product", "units", "price", "revenue", "ordered_on", "note"] as const;

const REGIONS = ["North", "South", "East", "West"];
const PRODUCTS = ["Widget", "Gadget", "Gizmo, large", '27" Monitor', "Printer Paper"];

/** The row `i` as the CSV holds it (and as data.load_csv reads it back, typed). */
export function bigCsvRow(i: number, noteChars: number) {
  const units = (i % 50) + 1;
  const price = ((i % 997) + 1) / 4;
  return {
    id: i,
    region: REGIONS[i % 4],
    product: PRODUCTS[i % 5],
    units,
    price,
    revenue: units * price,
    ordered_on: `2026-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`,
    note: `order ${i}: ${"lorem ipsum dolor sit amet ".repeat(Math.ceil(noteChars / 27))}`.slice(0, noteChars),
  };
}

function field(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function line(i: number, noteChars: number): string {
  const r = bigCsvRow(i, noteChars);
  return `${BIG_CSV_COLUMNS.map((c) => field(r[c])).join(",")}\r\n`;
}

/** How long each row's note is for `rows` rows to make about `bytes`. */
export function bigCsvNoteChars(rows: number, bytes: number): number {
  return Math.max(10, Math.round(bytes / rows) - line(Math.floor(rows / 2), 0).length);
}

/** Writes `rows` rows whose notes make the file about `bytes` long; resolves with its size. */
export async function writeBigCsv(file: string, options: { rows: number; bytes: number }): Promise<number> {
  const noteChars = bigCsvNoteChars(options.rows, options.bytes);
  const out = createWriteStream(file);
  let size = 0;
  const write = (text: string) => {
    size += Buffer.byteLength(text);
    return out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once("drain", () => r()));
  };
  await write(`${BIG_CSV_COLUMNS.join(",")}\r\n`);
  let chunk = "";
  for (let i = 0; i < options.rows; i++) {
    chunk += line(i, noteChars);
    if (chunk.length > 1 << 20) { await write(chunk); chunk = ""; }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return size;
}
