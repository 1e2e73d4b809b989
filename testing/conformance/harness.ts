/**
 * What one conformance case gets: the running gateway (in process, real HTTP), an OpenAI
 * SDK client pointed at it, the provider's mock and fixture, and the names of the
 * endpoints created for the fixture.
 */
import OpenAI from "openai";
import type { ConformanceFixture, UpstreamView } from "../mocks/conformance.js";
import type { MockServer, RecordedRequest } from "../mocks/mock-server.js";

export interface CaseContext {
  fx: ConformanceFixture;
  mock: MockServer;
  gateway: string;
  token: string;
  openai: OpenAI;
  /** Endpoint names by task; a task the fixture lacks has none. */
  endpoints: { chat: string; completions?: string; embeddings?: string };
  /** The model calls the mock received since the case began (token fetches left out). */
  calls(): RecordedRequest[];
  /** The view of the last model call. */
  lastCall(): UpstreamView;
  /** POSTs JSON to the gateway; the status, headers and parsed body. */
  post(path: string, body: unknown): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }>;
  /** POSTs a streaming request; the `data:` payloads in order (the raw SSE, as a client sees it). */
  postStream(path: string, body: unknown): Promise<{ status: number; data: string[] }>;
}

export function makeContext(fx: ConformanceFixture, mock: MockServer, gateway: string, token: string, endpoints: CaseContext["endpoints"]): CaseContext {
  const openai = new OpenAI({ baseURL: `${gateway}/serving-endpoints`, apiKey: token, maxRetries: 0 });
  const isCall = (r: RecordedRequest) => (fx.isModelCall ? fx.isModelCall(r) : true);
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return {
    fx,
    mock,
    gateway,
    token,
    openai,
    endpoints,
    calls: () => mock.requests.filter(isCall),
    lastCall() {
      const calls = mock.requests.filter(isCall);
      const last = calls[calls.length - 1];
      if (!last) throw new Error("the mock received no model call");
      return fx.view(last);
    },
    async post(path, body) {
      const res = await fetch(gateway + path, { method: "POST", headers, body: JSON.stringify(body) });
      const text = await res.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = { text };
      }
      return { status: res.status, headers: res.headers, json };
    },
    async postStream(path, body) {
      const res = await fetch(gateway + path, { method: "POST", headers, body: JSON.stringify(body) });
      const text = await res.text();
      const data = text
        .split(/\r?\n/)
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trim());
      return { status: res.status, data };
    },
  };
}
