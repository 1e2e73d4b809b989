// Keeps every provider's form (form.ts in its folder) in step with its parser: each
// credential field is offered as a secret, `when` names a select's values, and a config
// filled in as the form describes — for every task and every choice of its selects —
// passes the same checks a create request goes through (parseEndpointConfig).
// Run: node --import tsx --test src/providers/form.test.ts
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseEndpointConfig } from "../config/endpoint-config.js";
import { GatewayError } from "../gateway/errors.js";
import type { JsonObject, Task } from "../gateway/types.js";
import type { ProviderFormField } from "./form.js";
import type { ProviderDefinition } from "./provider.js";
import { providerDefinitions } from "./registry.js";

type Values = Map<string, string>;

function visible(f: ProviderFormField, values: Values): boolean {
  return !f.when || f.when.values.includes(values.get(f.when.path) ?? "");
}

/** A plausible value for a field: its placeholder (which should therefore be valid), or a stand-in. */
function dummy(f: ProviderFormField): string {
  switch (f.kind) {
    case "url":
      return f.placeholder ?? "https://example.com/v1";
    case "secret":
      return "{{secrets/form-test/key}}";
    case "number":
      return "1";
    case "boolean":
      return "true";
    default:
      return f.placeholder ?? "dummy-value";
  }
}

function setPath(obj: JsonObject, path: string, value: unknown): void {
  const parts = path.split(".");
  const leaf = parts.pop() as string;
  let cur = obj;
  for (const p of parts) {
    if (typeof cur[p] !== "object" || cur[p] === null) cur[p] = {};
    cur = cur[p] as JsonObject;
  }
  cur[leaf] = value;
}

/** The config block for `selects` (path → option), with the required fields and `extra` filled in. */
function block(def: ProviderDefinition, selects: Values, extra: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {};
  for (const f of def.form.fields) {
    if (!visible(f, selects)) continue;
    if (f.kind === "select") {
      const v = selects.get(f.path);
      if (v !== undefined) setPath(out, f.path, v);
    } else if (f.required || extra.has(f.path)) {
      setPath(out, f.path, dummy(f));
    }
  }
  return out;
}

/** Every combination of the form's select options. */
function selectChoices(def: ProviderDefinition): Values[] {
  let out: Values[] = [new Map()];
  for (const f of def.form.fields) {
    if (f.kind !== "select") continue;
    out = out.flatMap((m) => (f.options ?? []).map((o) => new Map([...m, [f.path, o]])));
  }
  return out;
}

/** Parses one served entity as a create request would; undefined when valid, else the field at fault. */
function problem(def: ProviderDefinition, task: Task, config: JsonObject): { field: string; message: string } | undefined {
  const model = def.form.example_models[task]?.[0] ?? "some-model";
  try {
    // Named: a default name from a model id with "/" (meta-llama/…) is not a valid entity name.
    const entity = { name: "form-test", external_model: { provider: def.name, name: model, task, [def.configKey]: config } };
    parseEndpointConfig({ served_entities: [entity] });
    return undefined;
  } catch (err) {
    assert.ok(err instanceof GatewayError, String(err));
    const prefix = `config.served_entities[0].external_model.${def.configKey}.`;
    return { field: (err.param ?? "").replace(prefix, ""), message: err.message };
  }
}

const definitions = providerDefinitions();

test("the registry has the providers the catalogue lists", () => {
  assert.ok(definitions.length >= 8);
  assert.ok(definitions.some((d) => d.name === "openai"));
});

for (const def of definitions) {
  describe(`form of ${def.name}`, () => {
    const fields = def.form.fields;

    test("has a label, and example models only for its tasks, at least one for each", () => {
      assert.ok(def.form.label);
      for (const task of Object.keys(def.form.example_models)) assert.ok(def.tasks.includes(task as Task), task);
      for (const task of def.tasks) assert.ok((def.form.example_models[task] ?? []).length > 0, task);
    });

    test("offers each credential field as a secret, and no other field as one", () => {
      for (const c of def.credentialFields) {
        assert.ok(fields.some((f) => f.path === c && f.kind === "secret"), `${c} is a secret field`);
      }
      for (const f of fields.filter((x) => x.kind === "secret")) assert.ok(def.credentialFields.includes(f.path), `${f.path} is a credential`);
    });

    test("names at least one destination field, each a non-secret field of its form", () => {
      assert.ok(def.destinationFields.length > 0, "every provider sends its credentials somewhere");
      for (const d of def.destinationFields) assert.ok(fields.some((f) => f.path === d && f.kind !== "secret"), `${d} is a field of the form`);
    });

    test("selects have options, `when` names a select's options, a path repeats only under disjoint `when`s", () => {
      for (const f of fields) {
        if (f.kind === "select") assert.ok(f.options && f.options.length > 0, f.path);
        if (f.when) {
          const w = f.when;
          const sel = fields.find((x) => x.path === w.path && x.kind === "select");
          assert.ok(sel, `${f.path}: when names select ${w.path}`);
          for (const v of w.values) assert.ok(sel.options?.includes(v), `${f.path}: ${v} is an option of ${w.path}`);
        }
      }
      for (const [i, a] of fields.entries()) {
        for (const b of fields.slice(i + 1)) {
          if (a.path !== b.path) continue;
          assert.ok(a.when && b.when && a.when.path === b.when.path, `${a.path} repeats only under when`);
          assert.ok(!a.when.values.some((v) => b.when?.values.includes(v)), `${a.path}: the two are never shown together`);
        }
      }
    });

    for (const task of def.tasks) {
      test(`filled in for ${task}: required fields pass for every choice the parser accepts for the task`, () => {
        let passed = 0;
        for (const selects of selectChoices(def)) {
          const p = problem(def, task, block(def, selects, new Set()));
          if (!p) {
            passed++;
            continue;
          }
          // A choice may be refused for a task (Bedrock's families without embeddings), but only
          // by the select that made it: never a field the form did not ask for.
          assert.ok(selects.has(p.field), `${[...selects].join(",")}: ${p.message}`);
        }
        assert.ok(passed > 0, "some choice passes");
      });

      test(`filled in for ${task}: each optional field (with the rest of its group) passes too`, () => {
        for (const selects of selectChoices(def)) {
          if (problem(def, task, block(def, selects, new Set()))) continue;
          for (const f of fields) {
            if (f.required || f.kind === "select" || !visible(f, selects)) continue;
            const group = f.path.includes(".") ? f.path.slice(0, f.path.lastIndexOf(".") + 1) : f.path;
            const extra = new Set(fields.filter((x) => x.path === f.path || x.path.startsWith(group)).map((x) => x.path));
            const p = problem(def, task, block(def, selects, extra));
            assert.equal(p, undefined, `${f.path} filled: ${p?.message}`);
          }
        }
      });

      test(`for ${task}: leaving out a required field is refused naming that field`, () => {
        const selects = selectChoices(def).find((s) => !problem(def, task, block(def, s, new Set())));
        assert.ok(selects);
        for (const f of fields) {
          if (!f.required || f.kind === "select" || !visible(f, selects)) continue;
          const full = block(def, selects, new Set());
          const parts = f.path.split(".");
          const leaf = parts.pop() as string;
          let parent = full;
          for (const p of parts) parent = parent[p] as JsonObject;
          delete parent[leaf];
          const p = problem(def, task, full);
          assert.equal(p?.field, f.path, `${f.path} left out: ${p?.message ?? "accepted"}`);
        }
      });
    }
  });
}
