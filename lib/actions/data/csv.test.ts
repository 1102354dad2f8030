import { describe, expect, it } from "vitest";
import { CsvRecordReader, parseCsv, parseCsvRecords, parseCsvStream, stringifyCsv } from "./csv";

describe("parseCsvRecords (RFC 4180)", () => {
  it("handles quotes, doubled quotes, delimiters and newlines inside quotes, and CRLF", () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line1\r\nline2"\r\n1,,3\r\n';
    expect(parseCsvRecords(text)).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "line1\r\nline2"],
      ["1", "", "3"],
    ]);
  });

  it("accepts LF, a missing final newline, a BOM and skips blank lines", () => {
    expect(parseCsvRecords("\uFEFFa,b\n\n1,2")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("keeps an empty quoted field as a record", () => {
    expect(parseCsvRecords('a\n""\n')).toEqual([["a"], [""]]);
  });

  it("supports other delimiters", () => {
    expect(parseCsvRecords("a;b\n1;2", ";")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(parseCsvRecords("a\tb\n1\t2", "\t")).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
  });

  it("reports an unterminated quote with its line", () => {
    expect(() => parseCsvRecords('a,b\n1,"open\nstill open')).toThrow(/line 2: a quoted field is never closed/);
  });

  it("reports text after a closing quote", () => {
    expect(() => parseCsvRecords('a\n"x"y\n')).toThrow(/after a closing quote/);
  });
});

describe("CsvRecordReader (incremental)", () => {
  const read = (chunks: string[]) => {
    const records: string[][] = [];
    const reader = new CsvRecordReader((r) => records.push(r));
    for (const c of chunks) reader.push(c);
    reader.end();
    return records;
  };
  const tricky = '\uFEFFa,b,c\r\n"x, y","say ""hi""","line1\r\nline2"\r\n\r\n1,,3\rz,"",\n"q"\n""';

  it("gives the same records wherever the text is cut into chunks", () => {
    const whole = parseCsvRecords(tricky);
    expect(whole).toEqual([["a", "b", "c"], ["x, y", 'say "hi"', "line1\r\nline2"], ["1", "", "3"], ["z", "", ""], ["q"], [""]]);
    for (let i = 0; i <= tricky.length; i++) expect(read([tricky.slice(0, i), tricky.slice(i)]), `cut at ${i}`).toEqual(whole);
    expect(read([...tricky])).toEqual(whole);
  });

  it("reports errors across chunks with their lines", () => {
    expect(() => read(["a\n\"x", "\"y\n"])).toThrow(/line 2: unexpected "y" after a closing quote/);
    expect(() => read(["a,b\n1,\"op", "en\nstill open"])).toThrow(/line 2: a quoted field is never closed/);
  });
});

describe("parseCsv", () => {
  it("infers numbers, booleans and nulls per column", () => {
    const t = parseCsv("id,price,ok,zip,note\n1,2.50,true,02139,\n2,-1e3,FALSE,10001,hello\n");
    expect(t.columns).toEqual(["id", "price", "ok", "zip", "note"]);
    expect(t.rows).toEqual([
      { id: 1, price: 2.5, ok: true, zip: "02139", note: null },
      { id: 2, price: -1000, ok: false, zip: "10001", note: "hello" },
    ]);
  });

  it("keeps a column as text when any value is not numeric", () => {
    const t = parseCsv("code\n12\n12A\n");
    expect(t.rows.map((r) => r.code)).toEqual(["12", "12A"]);
  });

  it("leaves everything as text when inferTypes is false", () => {
    const t = parseCsv("a,b\n1,\n", { inferTypes: false });
    expect(t.rows).toEqual([{ a: "1", b: "" }]);
  });

  it("names headerless columns and fills short rows with null", () => {
    const t = parseCsv("1,2,3\n4\n", { header: false });
    expect(t.columns).toEqual(["column_1", "column_2", "column_3"]);
    expect(t.rows[1]).toEqual({ column_1: 4, column_2: null, column_3: null });
  });

  it("makes duplicate and empty header names unique", () => {
    expect(parseCsv("a,a,\n1,2,3\n").columns).toEqual(["a", "a_2", "column_3"]);
  });

  it("refuses rows with more fields than the header", () => {
    expect(() => parseCsv("a,b\n1,2,3\n")).toThrow(/record 2 has 3 fields but the header has 2/);
    // trailing empty fields (a common export quirk) are tolerated
    expect(parseCsv("a,b\n1,2,\n").rows).toEqual([{ a: 1, b: 2 }]);
  });
});

describe("large CSV", () => {
  const ROWS = 250_000;
  const text = () => {
    const lines = ["id,name,price,ok"];
    for (let i = 0; i < ROWS; i++) lines.push(`${i},"item ${i}, boxed",${(i % 1000) / 10},${i % 2 === 0}`);
    return lines.join("\n") + "\n";
  };

  it(`parses ${ROWS.toLocaleString("en-US")} rows without overflowing the stack`, () => {
    const t = parseCsv(text());
    expect(t.rows).toHaveLength(ROWS);
    expect(t.rows[ROWS - 1]).toEqual({ id: ROWS - 1, name: `item ${ROWS - 1}, boxed`, price: 99.9, ok: false });
    expect(parseCsv(text(), { header: false }).rows).toHaveLength(ROWS + 1);
  });

  it("parses the same table from a stream of chunks", async () => {
    const whole = text();
    async function* chunks() {
      for (let i = 0; i < whole.length; i += 65_521) yield whole.slice(i, i + 65_521);
    }
    const t = await parseCsvStream(chunks());
    expect(t.rows).toHaveLength(ROWS);
    expect(t.rows[123_456]).toEqual({ id: 123_456, name: "item 123456, boxed", price: 45.6, ok: true });
  });

  it("widens a header-less table when a longer record comes late", async () => {
    async function* chunks() { yield "1,2\n3"; yield ",4,5\n"; }
    expect(await parseCsvStream(chunks(), { header: false })).toEqual({
      columns: ["column_1", "column_2", "column_3"],
      rows: [{ column_1: 1, column_2: 2, column_3: null }, { column_1: 3, column_2: 4, column_3: 5 }],
    });
  });
});

describe("stringifyCsv", () => {
  it("round-trips awkward values", () => {
    const table = {
      columns: ["name", "note", "n"],
      rows: [
        { name: '27" Monitor', note: "a, b\nc", n: 1.5 },
        { name: "plain", note: null, n: 0 },
      ],
    };
    const text = stringifyCsv(table);
    expect(text).toBe('name,note,n\r\n"27"" Monitor","a, b\nc",1.5\r\nplain,,0\r\n');
    expect(parseCsv(text)).toEqual(table);
  });
});
