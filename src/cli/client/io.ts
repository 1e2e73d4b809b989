/**
 * The I/O a client command uses. `stdout` and `stderr` receive raw strings: the commands
 * add their own newlines (streamed text arrives in pieces). Every string written goes
 * through a redactor that masks the token and any secret value the command registered.
 */

export interface ClientIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Reads all of standard input; defaults to `process.stdin`. */
  stdin?: () => Promise<string>;
}

export interface CommandIO {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  readStdin: () => Promise<string>;
  /** Whether standard input is an interactive terminal (only for the default reader). */
  stdinIsTTY: boolean;
  /** Whether stdout / stderr are terminals (false when the caller supplied its own writers). */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Marks a string (token, secret value) that must never appear in output. */
  addSensitive: (value: string) => void;
}

/** Strings shorter than this are not masked: masking "ab" everywhere would garble output. */
const MIN_SENSITIVE_LENGTH = 6;

export function resolveIO(io?: ClientIO): CommandIO {
  const stdout = io?.stdout ?? ((s: string) => void process.stdout.write(s));
  const stderr = io?.stderr ?? ((s: string) => void process.stderr.write(s));
  const sensitive = new Set<string>();
  const redact = (s: string): string => {
    let result = s;
    for (const value of sensitive) result = result.split(value).join("***");
    return result;
  };
  return {
    out: (s) => stdout(redact(s)),
    err: (s) => stderr(redact(s)),
    env: io?.env ?? process.env,
    readStdin: io?.stdin ?? readProcessStdin,
    stdinIsTTY: io?.stdin ? false : Boolean(process.stdin.isTTY),
    stdoutIsTTY: io?.stdout ? false : Boolean(process.stdout.isTTY),
    stderrIsTTY: io?.stderr ? false : Boolean(process.stderr.isTTY),
    addSensitive: (value) => {
      if (value.length >= MIN_SENSITIVE_LENGTH) sensitive.add(value);
    },
  };
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  const input: AsyncIterable<unknown> = process.stdin;
  for await (const chunk of input) {
    if (typeof chunk === "string") chunks.push(Buffer.from(chunk, "utf8"));
    else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString("utf8");
}
