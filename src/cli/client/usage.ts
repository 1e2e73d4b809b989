/** Help texts of the client commands. */
import { IDENTITY_USAGE_LINES } from "./identity.js";
import { OBSERVABILITY_USAGE_LINES } from "./observability.js";

export const GLOBAL = `Global options (every command):
  --host <url>     gateway URL (env TESSERA_HOST, default http://127.0.0.1:8080;
                   without a scheme, http:// is assumed)
  --token <token>  API token, sent as "Authorization: Bearer <token>" (env TESSERA_TOKEN; required)
  -h, --help       show help`;

export const ENDPOINTS_USAGE = `Usage: tessera endpoints <command> [options]

Commands:
  list                           list serving endpoints (table; --json for the raw reply)
  get <name>                     show one endpoint as JSON
  create -f <file>               create an endpoint from {name, config, tags?, ai_gateway?}
  update-config <name> -f <file> replace an endpoint's config
  delete <name>                  delete an endpoint

Options:
  -f, --file <path>  JSON or YAML (.yaml/.yml) request body; "-" reads standard input
  --json             print the gateway's JSON reply

${GLOBAL}
`;

export const SECRETS_USAGE = `Usage: tessera secrets <command> [options]

Commands:
  create-scope <scope>        create a secret scope
  put <scope> <key>           store a secret (creates the scope if needed); the value comes
                              from --value, --value-file, or standard input
  list [<scope>]              list scopes, or the keys in a scope
  delete <scope> <key>        delete a secret
  delete-scope <scope>        delete a scope and its secrets

Options:
  --value <value>        the secret value (visible in shell history; prefer stdin)
  --value-file <path>    read the value from a file
  --json                 print the gateway's JSON reply
  (A single trailing newline is removed from a value read from stdin or a file.)

${GLOBAL}
`;

export const QUERY_USAGE = `Usage: tessera query <endpoint> (--json '<body>' | -f <file>) [--stream]

Sends a request to /serving-endpoints/<endpoint>/invocations and prints the reply.

Options:
  --json <body>      the request body as JSON, e.g. '{"messages":[{"role":"user","content":"Hi"}]}'
  -f, --file <path>  read the request body from a JSON or YAML file ("-" reads standard input)
  --stream           stream the answer: text is printed as it arrives, then the finish
                     reason and token usage on stderr

${GLOBAL}
`;

export const CLIENT_USAGE = `Client commands (talk to a running gateway):
  tessera endpoints list|get|create|update-config|delete   manage serving endpoints
  tessera secrets create-scope|put|list|delete|delete-scope manage secrets
  tessera query <endpoint> --json '<body>' [--stream]      call an endpoint
  tessera sql "<statement>" [--output x.parquet]           batch inference with ai_query (SQL, DuckDB)
${IDENTITY_USAGE_LINES}${OBSERVABILITY_USAGE_LINES}
Run "tessera <command> --help" for the options of each command.

${GLOBAL}

Exit codes: 0 success, 1 error (gateway error, unreachable gateway, bad input),
2 invalid command line (unknown command or option, missing argument or token).
`;

export const ENDPOINTS_HINT = 'Run "tessera endpoints --help" for usage.\n';
export const SECRETS_HINT = 'Run "tessera secrets --help" for usage.\n';
export const QUERY_HINT = 'Run "tessera query --help" for usage.\n';
