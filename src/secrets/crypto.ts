/**
 * Encryption at rest: AES-256-GCM with a random 96-bit IV per value. The ciphertext is
 * bound to where it is stored through the additional authenticated data (e.g.
 * `secret:scope/key`), so a value copied to another row does not decrypt.
 * Stored form: `v1.<base64 iv>.<base64 tag>.<base64 ciphertext>`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export class Cipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("The master key must be 32 bytes.");
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    c.setAAD(Buffer.from(context, "utf8"));
    const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
    return ["v1", iv.toString("base64"), c.getAuthTag().toString("base64"), ct.toString("base64")].join(".");
  }

  /** Throws when the key or the context is wrong, or the value was tampered with. */
  decrypt(stored: string, context: string): string {
    const [version, iv, tag, ct] = stored.split(".");
    if (version !== "v1" || iv === undefined || tag === undefined || ct === undefined) {
      throw new Error("Unknown ciphertext format.");
    }
    const d = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    d.setAAD(Buffer.from(context, "utf8"));
    d.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([d.update(Buffer.from(ct, "base64")), d.final()]).toString("utf8");
  }
}
