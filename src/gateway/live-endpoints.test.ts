import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildRoutes, pickEntity, type LiveEndpoint, type LiveEntity } from "./live-endpoints.js";

const entity = (name: string): LiveEntity => ({ name, model: name, provider: {} });

describe("traffic split", () => {
  const a = entity("a");
  const b = entity("b");
  const c = entity("c");
  const routes = buildRoutes([a, b, c], [
    { served_entity_name: "a", traffic_percentage: 70 },
    { served_entity_name: "b", traffic_percentage: 0 },
    { served_entity_name: "c", traffic_percentage: 30 },
  ]);
  const ep: LiveEndpoint = { id: "1", name: "e", task: "llm/v1/chat", entities: [a, b, c], routes, refs: [] };
  it("picks by cumulative percentage and never picks a 0% entity", () => {
    assert.equal(pickEntity(ep, () => 0).name, "a");
    assert.equal(pickEntity(ep, () => 0.6999).name, "a");
    assert.equal(pickEntity(ep, () => 0.7).name, "c");
    assert.equal(pickEntity(ep, () => 0.99999).name, "c");
    assert.ok(!routes.some((r) => r.entity.name === "b"));
  });
});
