import { describe, expect, it } from "vitest";
import { parseCsv, parseCsvRecords, stringifyCsv } from "./csv";

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
