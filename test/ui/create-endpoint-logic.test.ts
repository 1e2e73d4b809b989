/**
 * The Create endpoint wizard's pure logic, run by Node without a browser: the request it
 * sends (second entity and split, AI gateway switches, description), which step holds a
 * field, the checks that stop it at a step, and the review's JSON/curl/Python — with a
 * plaintext credential shown only as a placeholder. When bash and python3 are installed,
 * the curl body is unquoted by bash and the Python is parsed and evaluated by Python.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { providerCatalogue } from "../../src/server/routes/providers.js";
import { emptyEntity, type EntityState } from "../../src/ui/pages/endpoints/form/model.js";
import { curlSnippet, maskPlaintext, mlflowSnippet, shellQuote, toPython } from "../../src/ui/pages/endpoints/create/snippets.js";
import { createBody, initialWizard, stepOfKey, validateAll, validateStep, type WizardState } from "../../src/ui/pages/endpoints/create/wizard.js";

const catalogue = providerCatalogue();
const openaiInfo = catalogue.find((p) => p.name === "openai");
assert.ok(openaiInfo);
const SECRET = "sk-typed-into-the-form-1234";

function entity(model: string, secret: EntityState["secrets"][string]): EntityState {
  const e = emptyEntity(openaiInfo);
  return { ...e, model, values: { ...e.values, openai_api_base: "http://mock:1/v1" }, secrets: { openai_api_key: secret } };
}

function wizard(p: Partial<WizardState> = {}): WizardState {
  return { ...initialWizard(), name: "my-chat", first: entity("gpt-4o", { mode: "ref", scope: "llm", key: "openai" }), ...p };
}

function has(cmd: string): boolean {
  return spawnSync(cmd, ["--version"], { stdio: "ignore" }).status === 0;
}

describe("create wizard: the request", () => {
  it("is name and config alone for one entity with nothing else switched on", () => {
    assert.deepEqual(Object.keys(createBody(wizard(), catalogue)), ["name", "config"]);
  });

  it("adds the second entity with the split, the description and the AI gateway switches", () => {
    const w = wizard({
      description: "  team chat ",
      withSecond: true,
      second: { ...entity("gpt-4o-mini", { mode: "ref", scope: "llm", key: "openai" }), name: "mini" },
      split: [80, 20],
      gateway: { usage: true, inference: true, fallbacks: true },
    });
    const body = createBody(w, catalogue);
    assert.equal(body["description"], "team chat");
    assert.deepEqual(body["ai_gateway"], { usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true }, fallback_config: { enabled: true } });
    const config = body["config"] as { served_entities: unknown[]; traffic_config: unknown };
    assert.equal(config.served_entities.length, 2);
    assert.deepEqual(config.traffic_config, {
      routes: [
        { served_entity_name: "gpt-4o", traffic_percentage: 80 },
        { served_entity_name: "mini", traffic_percentage: 20 },
      ],
    });
    // Switched off, the second entity (and fallbacks, which need two) are not sent, but kept for later.
    const off = createBody({ ...w, withSecond: false }, catalogue);
    assert.equal((off["config"] as { served_entities: unknown[] }).served_entities.length, 1);
    assert.deepEqual(off["ai_gateway"], { usage_tracking_config: { enabled: true }, inference_table_config: { enabled: true } });
  });
});

describe("create wizard: steps", () => {
  it("knows which step holds a field", () => {
    const cases: Array<[string, number]> = [
      ["name", 0],
      ["task", 0],
      ["description", 0],
      ["entities", 1],
      ["entities.0", 1],
      ["entities.0.model", 1],
      ["entities.0.config.openai_api_key", 1],
      ["entities.1.config.openai_api_base", 2],
      ["traffic", 2],
      ["ai_gateway.usage_tracking_config", 2],
      ["tags", 3],
    ];
    for (const [key, step] of cases) assert.equal(stepOfKey(key), step, key);
  });

  it("stops at the first step with a problem", () => {
    assert.deepEqual(validateAll(wizard(), catalogue), { errors: {}, step: undefined });
    assert.equal(validateAll(wizard({ name: "bad name" }), catalogue).step, 0);
    assert.equal(validateAll(wizard({ first: { ...emptyEntity(openaiInfo), model: "" } }), catalogue).step, 1);
    const second = wizard({ withSecond: true, second: entity("gpt-4o", { mode: "ref", scope: "llm", key: "openai" }), split: [50, 50] });
    assert.match(validateStep(2, second, catalogue)["entities.1.name"] ?? "", /another name/, "two entities named gpt-4o");
    assert.equal(validateAll({ ...second, split: [60, 60] }, catalogue).step, 2);
  });
});

describe("create wizard: the review's JSON, curl and Python", () => {
  const w = wizard({
    name: "it's-chat",
    withSecond: true,
    second: { ...entity("gpt-4o-mini", { mode: "plaintext", value: SECRET }), name: "mini" },
    gateway: { usage: true, inference: false, fallbacks: false },
  });
  const body = createBody(w, catalogue);

  it("sends the plaintext, but shows only a placeholder for it", () => {
    assert.ok(JSON.stringify(body).includes(SECRET), "the request carries the value typed");
    const masked = JSON.stringify(maskPlaintext(body));
    assert.ok(!masked.includes(SECRET));
    assert.ok(masked.includes('"openai_api_key_plaintext":"<openai_api_key>"'));
    assert.ok(masked.includes("{{secrets/llm/openai}}"), "references are shown as they are");
    assert.deepEqual(maskPlaintext({ a_plaintext: "[REDACTED]" }), { a_plaintext: "[REDACTED]" }, "the kept marker is not a secret");
    for (const s of [curlSnippet("http://gw:8080", body), mlflowSnippet("http://gw:8080", body)]) assert.ok(!s.includes(SECRET));
  });

  it("curl posts the masked body, quoted for the shell", { skip: !has("bash") }, () => {
    const curl = curlSnippet("http://gw:8080", body);
    assert.match(curl, /^curl -X POST 'http:\/\/gw:8080\/api\/2\.0\/serving-endpoints'/);
    const quoted = curl.slice(curl.indexOf("-d ") + 3);
    const r = spawnSync("bash", ["-c", `printf %s ${quoted}`], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), maskPlaintext(body));
    assert.equal(spawnSync("bash", ["-c", `printf %s ${shellQuote("a'b")}`], { encoding: "utf8" }).stdout, "a'b");
  });

  it("Python is valid, and its config literal is the masked body", { skip: !has("python3") }, () => {
    const py = mlflowSnippet("http://gw:8080", body);
    assert.match(py, /client = get_deploy_client\("databricks"\)/);
    // With ai_gateway in the body, the whole body goes as config.
    assert.match(py, /endpoint = client\.create_endpoint\(\n {4}config=\{/);
    const literal = toPython(maskPlaintext(body));
    const r = spawnSync("python3", ["-c", `import ast, json, sys\nast.parse(sys.stdin.read())\nprint(json.dumps(${literal}))`], { input: py, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), maskPlaintext(body));
    // Name and config alone: the long-standing name=…, config=… call.
    const simple = mlflowSnippet("http://gw:8080", createBody(wizard(), catalogue));
    assert.match(simple, /create_endpoint\(\n {4}name="my-chat",\n {4}config=\{/);
    const parsed = spawnSync("python3", ["-c", "import ast, sys\nast.parse(sys.stdin.read())"], { input: simple, encoding: "utf8" });
    assert.equal(parsed.status, 0, parsed.stderr);
  });
});
