/**
 * The first thing a new gateway shows: what an endpoint is and the three ways to make one
 * (the wizard, the CLI, the REST API).
 */
import { Link } from "react-router";
import { CopyButton } from "../../../components/CopyButton";
import { EmptyState } from "../../../components/EmptyState";

function snippet(origin: string): string {
  return `# endpoint.json — a Databricks create-endpoint body
{"name": "chat",
 "config": {"served_entities": [{"external_model": {
   "name": "gpt-4o-mini", "provider": "openai",
   "task": "llm/v1/chat",
   "openai_config": {
     "openai_api_key": "{{secrets/providers/openai}}"}}}]}}

tessera endpoints create -f endpoint.json
# or
curl -X POST ${origin}/api/2.0/serving-endpoints \\
  -H "Authorization: Bearer $TESSERA_TOKEN" -d @endpoint.json`;
}

export function EmptyEndpoints() {
  const code = snippet(window.location.origin);
  return (
    <EmptyState title="No serving endpoints yet">
      <p>
        A serving endpoint gives one stable name to one or more models — OpenAI, Anthropic, Bedrock, Vertex AI and others — with its credentials, traffic
        split and AI gateway rules. Clients query it with the Databricks or OpenAI API.
      </p>
      <div className="empty-action">
        <Link to="/endpoints/new" className="btn btn-primary">
          Create your first endpoint
        </Link>
      </div>
      <p className="ep-empty-or">or from a terminal, with the CLI or the REST API:</p>
      <div className="ep-empty-code">
        <div className="ep-empty-copy">
          <CopyButton text={code} />
        </div>
        <pre className="code-block">{code}</pre>
      </div>
    </EmptyState>
  );
}
