/**
 * The egress allow-list: `TESSERA_EGRESS_ALLOW`, the hosts an endpoint may send requests to,
 * so that whoever may manage an endpoint cannot point it at an internal address the
 * operator did not allow (a metadata service, a database, another team's API). Unset, every
 * host is allowed. Checked when a config is created or changed (a 400 naming the field)
 * and when a stored one is loaded (the endpoint is then unavailable).
 *
 * Patterns, separated by commas or spaces:
 * - `api.anthropic.com` — that host;
 * - `*.amazonaws.com` — any host under that domain (not the domain itself);
 * - `10.0.0.0/8`, `fd00::/8` — IP literals in a subnet (host names are not resolved);
 * - any of these with `:port` to allow one port only (`127.0.0.1:8443`);
 * - `*` — everything (the same as unset, but explicit).
 */
import { BlockList, isIP } from "node:net";

interface Rule {
  match(host: string): boolean;
  port: string | undefined;
}

function hostRule(pattern: string): Rule["match"] {
  if (pattern === "*") return () => true;
  if (pattern.startsWith("*.")) {
    const suffix = pattern.slice(1).toLowerCase();
    return (h) => h.endsWith(suffix) && h.length > suffix.length;
  }
  const slash = pattern.indexOf("/");
  if (slash > 0) {
    const net = pattern.slice(0, slash);
    const bits = Number(pattern.slice(slash + 1));
    const family = isIP(net);
    if (!family || !Number.isInteger(bits)) throw new Error(`'${pattern}' is not a subnet`);
    const list = new BlockList();
    list.addSubnet(net, bits, family === 6 ? "ipv6" : "ipv4");
    return (h) => {
      const f = isIP(h);
      return f !== 0 && list.check(h, f === 6 ? "ipv6" : "ipv4");
    };
  }
  const exact = pattern.toLowerCase();
  return (h) => h === exact;
}

/** Splits `host:port`, `[v6]:port`, `v6`, `10.0.0.0/8:443` into its host and optional port. */
function splitPort(p: string): { host: string; port: string | undefined } {
  if (p.startsWith("[")) {
    const end = p.indexOf("]");
    return { host: p.slice(1, end), port: p[end + 1] === ":" ? p.slice(end + 2) : undefined };
  }
  const colons = p.split(":").length - 1;
  if (colons === 1) {
    const [host, port] = p.split(":") as [string, string];
    return { host, port };
  }
  return { host: p, port: undefined };
}

export class EgressPolicy {
  private constructor(
    private readonly rules: readonly Rule[] | undefined,
    readonly source: string,
  ) {}

  /** Everything allowed. */
  static readonly open = new EgressPolicy(undefined, "");

  /**
   * Parses the variable's value; throws on a pattern it cannot read (the gateway then
   * refuses to start, rather than run with a list it misread).
   *
   * @example EgressPolicy.parse("api.anthropic.com, *.amazonaws.com, 10.0.0.0/8").allows("https://bedrock-runtime.us-east-1.amazonaws.com") // true
   */
  static parse(value: string | undefined): EgressPolicy {
    const text = (value ?? "").trim();
    if (!text) return EgressPolicy.open;
    const rules = text
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((p): Rule => {
        const { host, port } = splitPort(p);
        if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new Error(`TESSERA_EGRESS_ALLOW: '${p}' has a bad port`);
        try {
          return { match: hostRule(host), port };
        } catch (err) {
          throw new Error(`TESSERA_EGRESS_ALLOW: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
    return new EgressPolicy(rules, text);
  }

  /** Whether a URL's host (and port) is allowed. */
  allows(url: string): boolean {
    if (!this.rules) return true;
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    const port = u.port || (u.protocol === "https:" ? "443" : u.protocol === "http:" ? "80" : "");
    return this.rules.some((r) => r.match(host) && (r.port === undefined || r.port === port));
  }
}
