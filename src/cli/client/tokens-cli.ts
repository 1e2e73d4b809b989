/** `tessera tokens …`: personal access tokens, one's own or (admins) anyone's. */

import { CliError, UsageError } from "./errors.js";
import type { CommandIO } from "./io.js";
import { TOKENS_USAGE } from "./identity-usage.js";
import { dispatch, hintFor, open, say, type Sub } from "./identity-kit.js";
import { arrayField, isRecord, numberField, recordField, stringField } from "./json.js";
import { formatTimestamp, renderTable } from "./table.js";

const hint = hintFor("tokens");
const help = (io: CommandIO) => (io.out(TOKENS_USAGE), 0);

const subs: Record<string, Sub> = {
  async create(args, io) {
    const o = open(args, io, {
      usage: TOKENS_USAGE,
      hint,
      names: [],
      options: { lifetime: { type: "string" }, comment: { type: "string" }, "for-user": { type: "string" }, "for-sp": { type: "string" } },
    });
    if (!o) return help(io);
    const v = o.values;
    if (v["for-user"] !== undefined && v["for-sp"] !== undefined) throw new UsageError("pass either --for-user or --for-sp, not both", hint);
    const lifetime = v.lifetime === undefined ? undefined : Number(v.lifetime);
    if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 0)) throw new UsageError("--lifetime must be a whole number of seconds", hint);
    const body = { ...(lifetime ? { lifetime_seconds: lifetime } : {}), ...(v.comment !== undefined ? { comment: v.comment } : {}) };
    const onBehalf = v["for-user"] !== undefined ? { user_name: v["for-user"] } : v["for-sp"] !== undefined ? { application_id: v["for-sp"] } : undefined;
    const reply = onBehalf
      ? await o.client.json("POST", "/api/2.0/token-management/on-behalf-of/tokens", { ...onBehalf, ...body })
      : await o.client.json("POST", "/api/2.0/token/create", body);
    if (v.json) return say(io, true, reply, "");
    const value = stringField(reply, "token_value");
    if (!value) throw new CliError("the gateway did not return a token");
    const info = recordField(reply, "token_info");
    const expiry = numberField(info, "expiry_time");
    io.err(`Token ${stringField(info, "token_id") ?? "?"}${expiry && expiry > 0 ? `, expires ${formatTimestamp(expiry)}` : ""} (shown once; store it now):\n`);
    io.out(`${value}\n`);
    return 0;
  },
  async list(args, io) {
    const o = open(args, io, { usage: TOKENS_USAGE, hint, names: [], options: { all: { type: "boolean" } } });
    if (!o) return help(io);
    const reply = await o.client.json("GET", o.values.all ? "/api/2.0/token-management/tokens" : "/api/2.0/token/list");
    if (o.values.json) return say(io, true, reply, "");
    const rows = arrayField(reply, "token_infos")
      .filter(isRecord)
      .map((t) => {
        const expiry = numberField(t, "expiry_time");
        const row = [stringField(t, "token_id") ?? "-", stringField(t, "comment") ?? "", formatTimestamp(t["creation_time"]), expiry === undefined || expiry < 0 ? "never" : formatTimestamp(expiry)];
        return o.values.all ? [...row, stringField(t, "owner_username") ?? String(t["owner_id"] ?? "-")] : row;
      });
    const headers = ["ID", "COMMENT", "CREATED", "EXPIRES", ...(o.values.all ? ["OWNER"] : [])];
    io.out(rows.length ? renderTable(headers, rows) : "No tokens.\n");
    return 0;
  },
  async revoke(args, io) {
    const o = open(args, io, { usage: TOKENS_USAGE, hint, names: ["token-id"], options: { any: { type: "boolean" } } });
    if (!o) return help(io);
    const id = o.pos[0] as string;
    const reply = o.values.any
      ? await o.client.json("DELETE", `/api/2.0/token-management/tokens/${encodeURIComponent(id)}`)
      : await o.client.json("POST", "/api/2.0/token/delete", { token_id: id });
    return say(io, o.values.json, reply, `Revoked token ${id}\n`);
  },
};

export const tokensCommand: Sub = (args, io) => dispatch("tokens", subs, TOKENS_USAGE, args, io);
