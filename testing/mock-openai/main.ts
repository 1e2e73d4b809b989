// CLI: node --import tsx testing/mock-openai/main.ts [--port 9100] [--host 127.0.0.1] [--no-record]
// Prints exactly one line, `mock-openai listening on <url>`, once it accepts connections.
import { startMockOpenAI } from "./server.js";

interface CliOptions {
  port: number;
  host: string;
  record: boolean;
}

function usage(message: string): never {
  process.stderr.write(`mock-openai: ${message}\nusage: main.ts [--port N] [--host H] [--no-record]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = { port: 0, host: "127.0.0.1", record: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) usage(`${name} needs a value`);
      return next;
    };
    switch (name) {
      case "--port": {
        const raw = value();
        const port = Number(raw);
        if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`invalid port: ${raw}`);
        opts.port = port;
        break;
      }
      case "--host":
        opts.host = value();
        break;
      case "--no-record":
        opts.record = false;
        break;
      case "--record":
        opts.record = true;
        break;
      default:
        usage(`unknown argument: ${arg}`);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const mock = await startMockOpenAI(opts);
process.stdout.write(`mock-openai listening on ${mock.url}\n`);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  mock.close().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`mock-openai: close failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
