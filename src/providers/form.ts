/**
 * How a provider's config block is filled in by a person: the fields of its form, in
 * order, with labels, kinds and help, and example model names per task. Served by the
 * provider catalogue (`GET /api/2.0/tessera/providers`) so that the web UI renders every
 * provider's form without knowing any provider itself. The UI imports these types (type
 * only: this module imports nothing at run time), so the catalogue's shape is declared once.
 *
 * A form describes input only; the provider's `parseConfig` stays the authority on what
 * is valid (form.test.ts checks that a form filled in as it describes passes it).
 */
import type { Task } from "../gateway/types.js";

export interface ProviderFormField {
  /** Dotted path inside the config block, e.g. `openai_api_base` or `bearer_token_auth.token`. */
  path: string;
  label: string;
  /**
   * `secret`: one of the provider's credential fields — sent as a `{{secrets/scope/key}}`
   * reference at `path`, or as a literal at `<path>_plaintext`.
   */
  kind: "text" | "url" | "number" | "select" | "secret" | "textarea" | "boolean";
  required?: boolean;
  /** The choices of a `select`. */
  options?: string[];
  placeholder?: string;
  help?: string;
  /** Shown (and sent) only when the field at `path` has one of `values`. */
  when?: { path: string; values: string[] };
}

export interface ProviderForm {
  /** Display name, e.g. "Amazon Bedrock". */
  label: string;
  description?: string;
  fields: ProviderFormField[];
  /** Example upstream model names per task, offered as suggestions. */
  example_models: Partial<Record<Task, string[]>>;
}

/** One entry of the catalogue `GET /api/2.0/tessera/providers` returns. */
export interface ProviderCatalogueEntry {
  /** The `external_model.provider` value. */
  name: string;
  label: string;
  description?: string;
  /** The key of its config block, e.g. `openai_config`. */
  config_key: string;
  tasks: string[];
  fields: ProviderFormField[];
  /**
   * The field paths that decide where the credentials are sent (a base URL, a region…): a
   * stored credential is kept only while none of them changes (see provider.ts).
   */
  destination_fields: string[];
  /** Example model names per task, for a model picker's suggestions. */
  example_models: Record<string, string[]>;
}

/**
 * The `network` block every provider config may hold (config/network-config.ts): shown
 * after each provider's own fields in the catalogue, all optional.
 */
export const NETWORK_FORM_FIELDS: readonly ProviderFormField[] = [
  {
    path: "network.proxy_url",
    label: "Network: outbound proxy URL",
    kind: "url",
    placeholder: "http://proxy.internal:3128",
    help: "An HTTP(S) proxy for this model's upstream calls (tunnelled with CONNECT). Empty: HTTPS_PROXY / NO_PROXY of the gateway, if set.",
  },
  {
    path: "network.tls_ca_bundle",
    label: "Network: CA bundle (PEM)",
    kind: "textarea",
    placeholder: "-----BEGIN CERTIFICATE-----",
    help: "Certificates to trust for the upstream instead of the system's, e.g. a private CA.",
  },
  {
    path: "network.tls_client_cert",
    label: "Network: client certificate (PEM)",
    kind: "textarea",
    placeholder: "-----BEGIN CERTIFICATE-----",
    help: "For an upstream that asks for mutual TLS; give the client key with it.",
  },
  { path: "network.tls_client_key", label: "Network: client key (PEM)", kind: "secret", help: "The client certificate's private key." },
];
