/**
 * Where the master key comes from: `TESSERA_MASTER_KEY` (64 hex characters, or base64 of
 * 32 bytes), else `<data-dir>/master.key`, created on first start with mode 0600 — and
 * only then: a data dir that already holds data never gets a new key silently.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class MasterKeyError extends Error {}

/** Parses a key given as 64 hex characters or as base64 of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (b.length === 32) return b;
  }
  throw new MasterKeyError("The master key must be 32 bytes, given as 64 hex characters or as base64.");
}

/** Loads the key from the environment or the data dir, creating the file on first start. */
export function loadMasterKey(dataDir: string, env: NodeJS.ProcessEnv = process.env, mayCreate = true): { key: Buffer; source: string } {
  const fromEnv = env["TESSERA_MASTER_KEY"];
  if (fromEnv) {
    try {
      return { key: parseMasterKey(fromEnv), source: "TESSERA_MASTER_KEY" };
    } catch (err) {
      throw new MasterKeyError(`TESSERA_MASTER_KEY is not valid: ${(err as Error).message}`);
    }
  }
  const path = join(dataDir, "master.key");
  if (existsSync(path)) {
    try {
      return { key: parseMasterKey(readFileSync(path, "utf8")), source: path };
    } catch (err) {
      throw new MasterKeyError(`${path} is not valid: ${(err as Error).message}`);
    }
  }
  if (!mayCreate) {
    throw new MasterKeyError(
      `No master key: ${path} is missing and TESSERA_MASTER_KEY is not set, but the data dir already holds encrypted data. ` +
        "Restore the key file or set TESSERA_MASTER_KEY; nothing was changed.",
    );
  }
  const key = randomBytes(32);
  writeFileSync(path, key.toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  return { key, source: path };
}
