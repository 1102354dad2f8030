import { describe, expect, it } from "vitest";
import { SecretBox, SecretUnreadableError } from "./secret-box";

const KEY = "a-test-key-0123456789abcdef0123456789abcdef";

describe("SecretBox (AES-256-GCM under an HKDF-derived key)", () => {
  it("seals and opens; what is stored holds no value in clear and differs each time", () => {
    const box = new SecretBox(KEY);
    const values = { API_KEY: "sk-live-123456789", Authorization: "Bearer abc.def" };
    const sealed = box.seal(values, "github");
    expect(sealed).toMatch(/^v1\.[\w-]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("sk-live");
    expect(sealed).not.toContain(Buffer.from("sk-live-123456789").toString("base64").slice(0, 12));
    expect(box.seal(values, "github")).not.toBe(sealed);
    expect(box.open(sealed, "github")).toEqual(values);
  });

  it("says the key changed when TRELLIS_SECRET_KEY is another one", () => {
    const sealed = new SecretBox(KEY).seal({ A: "value-1234" }, "x");
    const other = new SecretBox(`${KEY}-rotated`);
    expect(() => other.open(sealed, "x")).toThrow(SecretUnreadableError);
    try {
      other.open(sealed, "x");
    } catch (err) {
      expect((err as SecretUnreadableError).reason).toBe("key_changed");
      expect((err as Error).message).toMatch(/another TRELLIS_SECRET_KEY/);
    }
  });

  it("refuses changed data, another connection's secrets, and unknown forms", () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal({ A: "value-1234" }, "one");
    const parts = sealed.split(".");
    const flipped = Buffer.from(parts[4], "base64url");
    flipped[0] ^= 1;
    const tampered = [...parts.slice(0, 4), flipped.toString("base64url")].join(".");
    expect(() => box.open(tampered, "one")).toThrow(/do not decrypt/);
    expect(() => box.open(sealed, "two")).toThrow(/do not decrypt/);
    expect(() => box.open("v9.x.y.z.w", "one")).toThrow(/form this Trellis does not know/);
  });
});
