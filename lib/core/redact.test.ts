import { describe, expect, it } from "vitest";
import { REDACTED, Redactor } from "./redact";

const SECRET = "s3cr3t-value/with+chars";

describe("Redactor", () => {
  it("replaces a secret as it is and in its base64 and URL-encoded forms", () => {
    const r = new Redactor([SECRET]);
    const b64 = Buffer.from(SECRET).toString("base64");
    const b64url = Buffer.from(SECRET).toString("base64url");
    const text = `a ${SECRET} b ${b64} c ${b64url} d ${encodeURIComponent(SECRET)} e`;
    const out = r.text(text);
    expect(out).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED} d ${REDACTED} e`);
    expect(out).not.toContain(SECRET);
  });

  it("walks values: strings, keys, arrays and errors, and keeps what holds no secret as it is", () => {
    const r = new Redactor([SECRET]);
    const clean = { a: [1, "x", { b: null }] };
    expect(r.value(clean)).toBe(clean);
    const dirty = { env: { TOKEN: SECRET }, list: [`Echo: ${SECRET}`], [SECRET]: 1, n: 2 };
    const out = r.value(dirty);
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out).toEqual({ env: { TOKEN: REDACTED }, list: [`Echo: ${REDACTED}`], [REDACTED]: 1, n: 2 });
    expect(dirty.env.TOKEN).toBe(SECRET);
    const err = r.value(new Error(`failed with ${SECRET}`));
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(`failed with ${REDACTED}`);
    expect(err.stack).not.toContain(SECRET);
  });

  it("replaces the longer of two overlapping secrets whole, and ignores values too short to be secrets", () => {
    const r = new Redactor(["abcd", "abcdefgh-long", "x", ""]);
    expect(r.text("abcdefgh-long and abcd and x")).toBe(`${REDACTED} and ${REDACTED} and x`);
    expect(new Redactor(["ab"]).empty).toBe(true);
  });

  it("treats regular-expression characters in a secret literally", () => {
    const r = new Redactor(["a.b*c(d)"]);
    expect(r.text("aXbbc(d) a.b*c(d)")).toBe(`aXbbc(d) ${REDACTED}`);
  });
});
