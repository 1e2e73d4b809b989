/**
 * Restarts, keys and the config file: data survives a restart; a wrong master key stops
 * start-up with a clear error and loses nothing; the declarative config is applied
 * idempotently on every start.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { MOCK_CONTENT, startMockOpenAI, type MockOpenAI } from "../../testing/mock-openai/index.js";
import { bearer, Client } from "../helpers/http.js";
import { runCli, startGateway, tempDir } from "../helpers/gateway-process.js";

const ADMIN = "lifecycle-admin-token-42";
const KEY_A = "11".repeat(32);
const KEY_B = "22".repeat(32);

describe("restarts, master keys and the config file", () => {
  let mock: MockOpenAI;
  before(async () => {
    mock = await startMockOpenAI();
  });
  after(async () => {
    await mock.close();
  });

  it("keeps endpoints and secrets across a restart; a wrong key fails start-up and loses nothing", async () => {
    const dir = tempDir();
    const env = { TESSERA_ADMIN_TOKEN: ADMIN, TESSERA_MASTER_KEY: KEY_A };
    let gw = await startGateway(["--data-dir", dir], env);
    let api = new Client(gw.url, bearer(ADMIN));
    await api.call("POST", "/api/2.0/secrets/scopes/create", { scope: "p" });
    await api.call("POST", "/api/2.0/secrets/put", { scope: "p", key: "k", string_value: "sk-restart-secret" });
    const created = await api.call("POST", "/api/2.0/serving-endpoints", {
      name: "persisted",
      config: { served_entities: [{ external_model: { name: "m1", provider: "openai", task: "llm/v1/chat", openai_config: { openai_api_base: `${mock.url}/v1`, openai_api_key: "{{secrets/p/k}}" } } }] },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal(await gw.stop(), 0);

    const wrong = await runCli(["serve", "--port", "0", "--data-dir", dir], { ...env, TESSERA_MASTER_KEY: KEY_B });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /master key does not match/);
    assert.doesNotMatch(wrong.stderr + wrong.stdout, new RegExp(KEY_A));

    const missing = await runCli(["serve", "--port", "0", "--data-dir", dir], { TESSERA_ADMIN_TOKEN: ADMIN });
    assert.equal(missing.code, 1, "no key file and no env: a data dir with data never gets a new key");
    assert.match(missing.stderr, /No master key/);

    gw = await startGateway(["--data-dir", dir], env);
    api = new Client(gw.url, bearer(ADMIN));
    const list = await api.call("GET", "/api/2.0/serving-endpoints");
    assert.deepEqual((list.json as { endpoints: Array<{ name: string }> }).endpoints.map((e) => e.name), ["persisted"]);
    const secrets = await api.call("GET", "/api/2.0/secrets/list?scope=p");
    assert.equal((secrets.json as { secrets: Array<{ key: string }> }).secrets[0]?.key, "k");
    mock.reset();
    const q = await api.call("POST", "/serving-endpoints/persisted/invocations", { messages: [{ role: "user", content: "hi" }] });
    assert.equal(q.status, 200, q.text);
    assert.equal(mock.requests.at(-1)?.headers["authorization"], "Bearer sk-restart-secret");
    await gw.stop();
  });

  it("creates master.key with mode 0600 and prints a generated admin token once", async () => {
    const dir = tempDir();
    const gw = await startGateway(["--data-dir", dir]);
    const m = /generated an admin token[^\n]*\n\n\s+(tsr_\S+)/.exec(gw.output());
    assert.ok(m, gw.output());
    const token = m[1] as string;
    const { statSync } = await import("node:fs");
    assert.equal(statSync(join(dir, "master.key")).mode & 0o777, 0o600);
    const ok = await new Client(gw.url, bearer(token)).call("GET", "/api/2.0/serving-endpoints");
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { endpoints: [] });
    await gw.stop();
    const again = await startGateway(["--data-dir", dir]);
    assert.doesNotMatch(again.output(), /generated an admin token/);
    assert.equal((await new Client(again.url, bearer(token)).call("GET", "/api/2.0/serving-endpoints")).status, 200);
    await again.stop();
  });

  it("applies the config file at start, idempotently, with secrets from the environment", async () => {
    const dir = tempDir();
    const file = join(dir, "tessera.yaml");
    writeFileSync(
      file,
      `secrets:
  - scope: providers
    key: openai
    value: \${MY_OPENAI_KEY}
endpoints:
  - name: from-file
    tags: [{ key: team, value: ml }]
    config:
      served_entities:
        - external_model:
            name: gpt-4o-mini
            provider: openai
            task: llm/v1/chat
            openai_config:
              openai_api_base: ${mock.url}/v1
              openai_api_key: "{{secrets/providers/openai}}"
`,
    );
    const env = { TESSERA_ADMIN_TOKEN: ADMIN, MY_OPENAI_KEY: "sk-from-env-file" };
    let gw = await startGateway(["--data-dir", dir, "--config", file], env);
    let api = new Client(gw.url, bearer(ADMIN));
    const first = (await api.call("GET", "/api/2.0/serving-endpoints/from-file")).json as { config: { config_version: number }; tags: unknown };
    assert.equal(first.config.config_version, 1);
    assert.deepEqual(first.tags, [{ key: "team", value: "ml" }]);
    mock.reset();
    assert.equal((await api.call("POST", "/serving-endpoints/from-file/invocations", { messages: [{ role: "user", content: "x" }] })).status, 200);
    assert.equal(mock.requests.at(-1)?.headers["authorization"], "Bearer sk-from-env-file");
    await gw.stop();

    gw = await startGateway(["--data-dir", dir, "--config", file], env);
    api = new Client(gw.url, bearer(ADMIN));
    const second = (await api.call("GET", "/api/2.0/serving-endpoints/from-file")).json as { config: { config_version: number } };
    assert.equal(second.config.config_version, 1, "re-applying the same file changes nothing");
    await gw.stop();

    const missingVar = await runCli(["serve", "--port", "0", "--data-dir", dir, "--config", file], { TESSERA_ADMIN_TOKEN: ADMIN });
    assert.equal(missingVar.code, 1);
    assert.match(missingVar.stderr, /MY_OPENAI_KEY is not set/);
    assert.ok(!gw.output().includes("sk-from-env-file"));
  });

  it("drives a running gateway through the tessera CLI", async () => {
    const dir = tempDir();
    const gw = await startGateway(["--data-dir", dir], { TESSERA_ADMIN_TOKEN: ADMIN });
    const env = { TESSERA_HOST: gw.url, TESSERA_TOKEN: ADMIN };
    const put = await runCli(["secrets", "put", "cli", "key"], env, "sk-cli-secret-value\n");
    assert.equal(put.code, 0, put.stderr);
    const spec = join(dir, "ep.json");
    writeFileSync(
      spec,
      JSON.stringify({
        name: "cli-chat",
        config: { served_entities: [{ external_model: { name: "m", provider: "custom", task: "llm/v1/chat", custom_provider_config: { custom_provider_url: `${mock.url}/v1`, bearer_token_auth: { token: "{{secrets/cli/key}}" } } } }] },
      }),
    );
    assert.equal((await runCli(["endpoints", "create", "-f", spec], env)).code, 0);
    const list = await runCli(["endpoints", "list"], env);
    assert.match(list.stdout, /cli-chat/);
    const q = await runCli(["query", "cli-chat", "--json", '{"messages":[{"role":"user","content":"hi"}]}', "--stream"], env);
    assert.equal(q.code, 0, q.stderr);
    assert.match(q.stdout, new RegExp(MOCK_CONTENT.replace(/\./g, "\\.")));
    const del = await runCli(["endpoints", "delete", "cli-chat"], env);
    assert.equal(del.code, 0);
    for (const out of [put, list, q, del]) assert.ok(!(out.stdout + out.stderr).includes("sk-cli-secret-value"));
    await gw.stop();
  });
});
