/**
 * Secrets at rest: AES-256-GCM under a key derived from TRELLIS_SECRET_KEY with HKDF-SHA256 and
 * a purpose label (so the key that signs sessions never encrypts anything itself). What is stored
 * is one text, `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts): the version says how to
 * read it, the key id (the first bytes of a hash of the derived key) tells a changed
 * TRELLIS_SECRET_KEY apart from damaged data. The connection's name is authenticated with it, so
 * one connection's secrets cannot be moved onto another.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";
const PURPOSE = "trellis/connection-secrets/v1";

export class SecretUnreadableError extends Error {
  constructor(readonly reason: "key_changed" | "damaged", message: string) {
    super(message);
    this.name = "SecretUnreadableError";
  }
}

export class SecretBox {
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(secretKey: string) {
    if (!secretKey) throw new Error("a secret key is needed to encrypt connection secrets");
    this.key = Buffer.from(hkdfSync("sha256", Buffer.from(secretKey, "utf8"), Buffer.alloc(0), Buffer.from(PURPOSE, "utf8"), 32));
    this.keyId = createHash("sha256").update(this.key).digest("base64url").slice(0, 8);
  }

  seal(values: Record<string, string>, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(`${VERSION}:${context}`, "utf8"));
    const data = Buffer.concat([cipher.update(JSON.stringify(values), "utf8"), cipher.final()]);
    return [VERSION, this.keyId, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
  }

  /** The values, or a SecretUnreadableError that says why they cannot be read. */
  open(sealed: string, context: string): Record<string, string> {
    const parts = sealed.split(".");
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretUnreadableError("damaged", "the stored secrets are in a form this Trellis does not know");
    const [, keyId, iv, tag, data] = parts;
    if (keyId !== this.keyId) throw new SecretUnreadableError("key_changed", "the secrets were stored under another TRELLIS_SECRET_KEY; enter them again");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(`${VERSION}:${context}`, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      const text = Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
      const values = JSON.parse(text) as unknown;
      if (!values || typeof values !== "object" || Array.isArray(values) || Object.values(values).some((v) => typeof v !== "string")) throw new Error("not a map of texts");
      return values as Record<string, string>;
    } catch {
      throw new SecretUnreadableError("damaged", "the stored secrets do not decrypt (they were changed or damaged); enter them again");
    }
  }
}
