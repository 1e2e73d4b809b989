/**
 * The secrets store: scopes and keys (Databricks secrets API), values encrypted at rest,
 * and the endpoint-owned credentials given as `*_plaintext`. `value()` is for resolving
 * credentials inside the gateway; the only way a value reaches a client is `readForClient()`
 * (`GET /api/2.0/secrets/get`), which is off unless the operator turned it on
 * (`TESSERA_ALLOW_SECRET_READ=1`).
 */
import { randomUUID } from "node:crypto";
import { errors } from "../gateway/errors.js";
import { isUniqueViolation, type Db } from "../store/index.js";
import type { Cipher } from "./crypto.js";
import { MasterKeyError } from "./master-key.js";
import { KEY_NAME, SCOPE_NAME } from "./references.js";

const CANARY_KEY = "master_key_check";
const CANARY_TEXT = "tessera-master-key-check";
export const MAX_SECRET_BYTES = 128 * 1024;

export interface SecretListener {
  /** Called after a secret changed or was deleted, so endpoints using it are rebuilt. */
  secretChanged(scope: string, key: string): Promise<void>;
  /** Names of the endpoints whose config references the scope (and key, when given). */
  endpointsUsing(scope: string, key?: string): string[];
}

/** The setting that lets `GET /api/2.0/secrets/get` return values. */
export const SECRET_READ_SETTING = "TESSERA_ALLOW_SECRET_READ";

export interface SecretServiceOptions {
  /** Whether secret values may be returned to clients (`TESSERA_ALLOW_SECRET_READ=1`); off by default. */
  allowValueRead?: boolean;
}

/** Whether a store holds the master-key check already (a first start sealed it with its key). */
export async function isSealed(db: Db): Promise<boolean> {
  return (await db.selectFrom("meta").select("key").where("key", "=", CANARY_KEY).executeTakeFirst()) !== undefined;
}

export class SecretService {
  private listener: SecretListener | undefined;
  private readonly allowValueRead: boolean;

  constructor(
    private readonly db: Db,
    private readonly cipher: Cipher,
    opts: SecretServiceOptions = {},
  ) {
    this.allowValueRead = opts.allowValueRead === true;
  }

  setListener(listener: SecretListener): void {
    this.listener = listener;
  }

  /**
   * Checks the master key against the one the store was sealed with (a known value
   * encrypted at first start). A wrong key fails start-up before anything is written.
   * `sealedBy` names the store in the message ("this data dir", or the database URL).
   */
  async verifyMasterKey(sealedBy = "this data dir"): Promise<void> {
    const row = await this.db.selectFrom("meta").select("value").where("key", "=", CANARY_KEY).executeTakeFirst();
    if (!row) {
      // Replicas starting at once hold the start-up lock, but a second writer must still not fail here.
      await this.db
        .insertInto("meta")
        .values({ key: CANARY_KEY, value: this.cipher.encrypt(CANARY_TEXT, CANARY_KEY) })
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
      return this.verifyMasterKey(sealedBy);
    }
    let ok = false;
    try {
      ok = this.cipher.decrypt(row.value, CANARY_KEY) === CANARY_TEXT;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new MasterKeyError(
        `The master key does not match the one ${sealedBy} was sealed with; nothing was changed. ` +
          "Start with the original TESSERA_MASTER_KEY or <data-dir>/master.key.",
      );
    }
  }

  async createScope(scope: unknown, backendType: unknown = "TESSERA"): Promise<void> {
    if (typeof scope !== "string" || !SCOPE_NAME.test(scope)) {
      throw errors.invalidParameter("scope", "scope must be 1-128 letters, digits, '_', '.', '@' or '-'.");
    }
    const backend = typeof backendType === "string" && backendType ? backendType : "TESSERA";
    const existing = await this.db.selectFrom("secret_scopes").select("name").where("name", "=", scope).executeTakeFirst();
    if (existing) throw errors.alreadyExists(`Scope ${scope} already exists.`);
    try {
      await this.db.insertInto("secret_scopes").values({ name: scope, backend_type: backend, created_at: Date.now() }).execute();
    } catch (err) {
      // Made at the same moment through another replica.
      if (isUniqueViolation(err)) throw errors.alreadyExists(`Scope ${scope} already exists.`);
      throw err;
    }
  }

  async deleteScope(scope: unknown): Promise<void> {
    const name = await this.requireScope(scope);
    const users = this.listener?.endpointsUsing(name) ?? [];
    if (users.length) throw errors.invalidState(`Scope ${name} is used by endpoint(s) ${users.join(", ")}; change their config first.`);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom("secrets").where("scope", "=", name).execute();
      await tx.deleteFrom("secret_scopes").where("name", "=", name).execute();
    });
  }

  async hasScope(scope: string): Promise<boolean> {
    return (await this.db.selectFrom("secret_scopes").select("name").where("name", "=", scope).executeTakeFirst()) !== undefined;
  }

  async listScopes(): Promise<Array<{ name: string; backend_type: string }>> {
    return this.db.selectFrom("secret_scopes").select(["name", "backend_type"]).orderBy("name").execute();
  }

  async put(scopeIn: unknown, keyIn: unknown, value: { string_value?: unknown; bytes_value?: unknown }): Promise<void> {
    const scope = await this.requireScope(scopeIn);
    if (typeof keyIn !== "string" || !KEY_NAME.test(keyIn)) {
      throw errors.invalidParameter("key", "key must be 1-128 letters, digits, '_', '.' or '-'.");
    }
    const hasString = value.string_value !== undefined && value.string_value !== null;
    const hasBytes = value.bytes_value !== undefined && value.bytes_value !== null;
    if (hasString === hasBytes) throw errors.invalidParameter("string_value", "Give exactly one of string_value or bytes_value.");
    let text: string;
    if (hasString) {
      if (typeof value.string_value !== "string") throw errors.invalidParameter("string_value", "string_value must be a string.");
      text = value.string_value;
    } else {
      if (typeof value.bytes_value !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(value.bytes_value)) {
        throw errors.invalidParameter("bytes_value", "bytes_value must be base64.");
      }
      text = Buffer.from(value.bytes_value, "base64").toString("utf8");
    }
    if (Buffer.byteLength(text, "utf8") > MAX_SECRET_BYTES) {
      throw errors.invalidParameter(hasString ? "string_value" : "bytes_value", "A secret value may be at most 128 KB.");
    }
    const ciphertext = this.cipher.encrypt(text, `secret:${scope}/${keyIn}`);
    const now = Date.now();
    await this.db
      .insertInto("secrets")
      .values({ scope, key: keyIn, ciphertext, last_updated_timestamp: now })
      .onConflict((oc) => oc.columns(["scope", "key"]).doUpdateSet({ ciphertext, last_updated_timestamp: now }))
      .execute();
    await this.listener?.secretChanged(scope, keyIn);
  }

  async delete(scopeIn: unknown, keyIn: unknown): Promise<void> {
    const scope = await this.requireScope(scopeIn);
    if (typeof keyIn !== "string") throw errors.invalidParameter("key", "key is required.");
    const users = this.listener?.endpointsUsing(scope, keyIn) ?? [];
    if (users.length) throw errors.invalidState(`Secret ${scope}/${keyIn} is used by endpoint(s) ${users.join(", ")}; change their config first.`);
    const res = await this.db.deleteFrom("secrets").where("scope", "=", scope).where("key", "=", keyIn).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw errors.notFound(`Secret ${keyIn} does not exist in scope ${scope}.`);
  }

  async list(scopeIn: unknown): Promise<Array<{ key: string; last_updated_timestamp: number }>> {
    const scope = await this.requireScope(scopeIn);
    const rows = await this.db.selectFrom("secrets").select(["key", "last_updated_timestamp"]).where("scope", "=", scope).orderBy("key").execute();
    return rows.map((r) => ({ key: r.key, last_updated_timestamp: Number(r.last_updated_timestamp) }));
  }

  /**
   * A value for a client (`GET /api/2.0/secrets/get`), base64 as Databricks returns it.
   * Refused (403) unless the operator enabled it; the caller's READ on the scope is the
   * route's to check, and so is the audit line.
   */
  async readForClient(scopeIn: unknown, keyIn: unknown): Promise<{ key: string; value: string }> {
    this.requireValueRead();
    const scope = await this.requireScope(scopeIn);
    if (typeof keyIn !== "string" || keyIn === "") throw errors.invalidParameter("key", "key is required.");
    const text = await this.value(scope, keyIn);
    if (text === undefined) throw errors.notFound(`Secret ${keyIn} does not exist in scope ${scope}.`);
    return { key: keyIn, value: Buffer.from(text, "utf8").toString("base64") };
  }

  /** 403 unless values may be read back by clients at all; checked before anything else, so the refusal tells nothing about a scope. */
  requireValueRead(): void {
    if (this.allowValueRead) return;
    throw errors.permissionDenied(
      `Reading secret values through the API is disabled on this gateway. An operator can enable it with ${SECRET_READ_SETTING}=1; principals with READ on the scope may then read its values.`,
    );
  }

  /** The decrypted value, for the gateway's own use; undefined when there is none. */
  async value(scope: string, key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("secrets").select("ciphertext").where("scope", "=", scope).where("key", "=", key).executeTakeFirst();
    return row ? this.cipher.decrypt(row.ciphertext, `secret:${scope}/${key}`) : undefined;
  }

  /**
   * A value of the gateway's own kept encrypted in `meta` (e.g. the OAuth signing key):
   * read back, or made by `create` and stored on first use. Survives restarts with the
   * master key, like every secret; never returned by a route.
   */
  async sealedSetting(name: string, create: () => string): Promise<string> {
    const key = `sealed:${name}`;
    const read = () => this.db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
    let row = await read();
    if (!row) {
      await this.db
        .insertInto("meta")
        .values({ key, value: this.cipher.encrypt(create(), key) })
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
      // Another process may have stored one first: the stored value wins.
      row = await read();
    }
    if (!row) throw new Error(`could not store ${name}`);
    return this.cipher.decrypt(row.value, key);
  }

  /** Encrypts an endpoint-owned credential; returns its id and the row to insert. */
  sealCredential(endpointId: string, value: string): { id: string; endpoint_id: string; ciphertext: string } {
    const id = randomUUID();
    return { id, endpoint_id: endpointId, ciphertext: this.cipher.encrypt(value, `credential:${id}`) };
  }

  async credential(id: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("endpoint_credentials").select("ciphertext").where("id", "=", id).executeTakeFirst();
    return row ? this.cipher.decrypt(row.ciphertext, `credential:${id}`) : undefined;
  }

  private async requireScope(scope: unknown): Promise<string> {
    if (typeof scope !== "string" || scope === "") throw errors.invalidParameter("scope", "scope is required.");
    const row = await this.db.selectFrom("secret_scopes").select("name").where("name", "=", scope).executeTakeFirst();
    if (!row) throw errors.notFound(`Scope ${scope} does not exist.`);
    return scope;
  }
}
