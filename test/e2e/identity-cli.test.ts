/**
 * The identity CLI against a running gateway (in process): principals, group members,
 * tokens (own and on behalf of), service-principal OAuth secrets, endpoint permissions
 * and secret ACLs.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { runClientCommand } from "../../src/cli/client/index.js";
import { startRuntime, type Runtime } from "../../src/runtime.js";
import { tempDir } from "../helpers/gateway-process.js";

const ADMIN = "identity-cli-admin-token-1";

describe("identity CLI", () => {
  let rt: Runtime;

  /** Runs `tessera <argv>` with the admin token (or `token`); resolves to its exit code and output. */
  const tessera = async (argv: string[], token = ADMIN) => {
    let out = "";
    let err = "";
    const code = await runClientCommand([...argv, "--host", rt.url, "--token", token], { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {} });
    return { code, out, err };
  };
  const ok = async (argv: string[], token?: string) => {
    const r = await tessera(argv, token);
    assert.equal(r.code, 0, `tessera ${argv.join(" ")}: ${r.err}`);
    return r.out;
  };

  before(async () => {
    rt = await startRuntime({ port: 0, dataDir: tempDir(), env: { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_LOG_LEVEL: "silent", TESSERA_SHUTDOWN_GRACE_MS: "200" } });
  });
  after(() => rt.close());

  it("manages users, groups and members", async () => {
    assert.match(await ok(["users", "create", "dana", "--display-name", "Dana", "--entitlements", "allow-endpoint-create"]), /Created user dana \(id \d+\)/);
    assert.match(await ok(["users", "list"]), /dana\s+Dana\s+true/);
    assert.match(await ok(["users", "list", "--filter", 'userName eq "admin"']), /admin/);
    assert.doesNotMatch(await ok(["users", "list", "--filter", 'userName eq "admin"']), /dana/);
    assert.match(await ok(["groups", "create", "crew"]), /Created group crew/);
    await ok(["groups", "add-member", "crew", "dana"]);
    const group = JSON.parse(await ok(["groups", "get", "crew"])) as { members: Array<{ display: string }> };
    assert.deepEqual(group.members.map((m) => m.display), ["Dana"]);
    assert.match(await ok(["users", "deactivate", "dana"]), /Deactivated user dana/);
    assert.equal((JSON.parse(await ok(["users", "get", "dana"])) as { active: boolean }).active, false);
    await ok(["users", "activate", "dana"]);
    await ok(["groups", "remove-member", "crew", "dana"]);
    assert.match(await ok(["groups", "list"]), /crew\s+0/);
    assert.equal((await tessera(["users", "get", "nobody"])).code, 1);
    assert.equal((await tessera(["users", "frobnicate"])).code, 2);
  });

  it("makes tokens for oneself and on behalf of others, lists and revokes them", async () => {
    const made = await tessera(["tokens", "create", "--for-user", "dana", "--comment", "cli", "--lifetime", "600"]);
    assert.equal(made.code, 0, made.err);
    const token = made.out.trim();
    assert.match(token, /^tsr_/);
    assert.match(made.err, /shown once/);
    assert.match(JSON.parse(await ok(["users", "me"], token)).userName as string, /^dana$/);
    const own = (await ok(["tokens", "create", "--comment", "self"], token)).trim();
    assert.match(await ok(["tokens", "list"], token), /cli[\s\S]*self|self[\s\S]*cli/);
    const all = await ok(["tokens", "list", "--all"]);
    assert.match(all, /dana/);
    assert.ok(!all.includes(token) && !all.includes(own));
    const infos = JSON.parse(await ok(["tokens", "list", "--json"], token)) as { token_infos: Array<{ token_id: string; comment: string }> };
    const selfId = infos.token_infos.find((t) => t.comment === "self")?.token_id ?? "";
    await ok(["tokens", "revoke", selfId], token);
    assert.equal((await tessera(["users", "me"], own)).code, 1, "revoked");
    const cliId = infos.token_infos.find((t) => t.comment === "cli")?.token_id ?? "";
    await ok(["tokens", "revoke", cliId, "--any"]);
    assert.equal((await tessera(["users", "me"], token)).code, 1);
  });

  it("manages service principals and their OAuth secrets", async () => {
    const created = await ok(["service-principals", "create", "pipeline"]);
    const appId = /application id ([0-9a-f-]{36})/.exec(created)?.[1] ?? assert.fail(created);
    const made = await tessera(["service-principals", "secrets", "create", "pipeline"]);
    assert.equal(made.code, 0, made.err);
    const secret = made.out.trim();
    assert.match(made.err, new RegExp(`client id ${appId}`));
    const res = await fetch(`${rt.url}/oidc/v1/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "client_credentials", client_id: appId, client_secret: secret }) });
    assert.equal(res.status, 200);
    const listed = await ok(["service-principals", "secrets", "list", appId]);
    assert.ok(!listed.includes(secret));
    const secretId = /^([0-9a-f]{32})\s+ACTIVE/m.exec(listed)?.[1] ?? assert.fail(listed);
    await ok(["service-principals", "secrets", "delete", "pipeline", secretId]);
    assert.match(await ok(["service-principals", "secrets", "list", "pipeline"]), /No OAuth secrets/);
    assert.match(await ok(["tokens", "create", "--for-sp", appId]), /^tsr_/);
    await ok(["service-principals", "delete", "pipeline"]);
  });

  it("reads and changes endpoint permissions and secret ACLs", async () => {
    const danaToken = (await ok(["tokens", "create", "--for-user", "dana"])).trim();
    await ok(["secrets", "create-scope", "cli-scope"], danaToken);
    await ok(["secrets", "acls", "put", "cli-scope", "crew", "read"], danaToken);
    assert.match(await ok(["secrets", "acls", "list", "cli-scope"], danaToken), /crew\s+READ[\s\S]*dana\s+MANAGE/);
    assert.match(await ok(["secrets", "acls", "get", "cli-scope", "crew"], danaToken), /crew\s+READ/);
    await ok(["secrets", "acls", "delete", "cli-scope", "crew"], danaToken);
    assert.doesNotMatch(await ok(["secrets", "acls", "list", "cli-scope"], danaToken), /crew/);

    const ep = {
      name: "cli-ep",
      config: { served_entities: [{ external_model: { name: "m", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: "http://127.0.0.1:9/v1", openai_api_key_plaintext: "sk-cli-key" } } }] },
    };
    const r = await fetch(`${rt.url}/api/2.0/serving-endpoints`, { method: "POST", headers: { authorization: `Bearer ${danaToken}`, "content-type": "application/json" }, body: JSON.stringify(ep) });
    assert.equal(r.status, 200);
    assert.match(await ok(["permissions", "get", "cli-ep"], danaToken), /user\s+dana\s+CAN_MANAGE[\s\S]*group\s+admins\s+CAN_MANAGE \(inherited\)/);
    assert.match(await ok(["permissions", "update", "cli-ep", "group:crew=CAN_QUERY", "user:admin=CAN_VIEW"], danaToken), /group\s+crew\s+CAN_QUERY/);
    const replaced = await ok(["permissions", "set", "cli-ep", "user:dana=CAN_MANAGE"], danaToken);
    assert.doesNotMatch(replaced, /crew/);
    assert.match(await ok(["permissions", "levels", "cli-ep"], danaToken), /CAN_VIEW[\s\S]*CAN_QUERY[\s\S]*CAN_MANAGE/);
    assert.equal((await tessera(["permissions", "update", "cli-ep", "crew=CAN_QUERY"], danaToken)).code, 2, "a grant needs a kind");
  });
});
