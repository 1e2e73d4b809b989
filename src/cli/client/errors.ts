/**
 * Errors a client command can end with. Each carries the exit code and prints as
 * `Error: <message>` on stderr (see `index.ts`).
 */

/** A failure while running the command: exit code 1. */
export class CliError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** The command line itself is wrong (unknown option, missing argument, no token): exit code 2. */
export class UsageError extends CliError {
  override readonly exitCode: number = 2;
  /** Help to print after the error: the usage text, or a one-line hint pointing at --help. */
  readonly usage: string | undefined;
  constructor(message: string, usage?: string) {
    super(message);
    this.name = "UsageError";
    this.usage = usage;
  }
}

/** The gateway answered with an error status. */
export class ApiError extends CliError {
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly detail: string;
  constructor(status: number, errorCode: string | undefined, detail: string) {
    super(`${detail} (${errorCode ? `${errorCode}, ` : ""}HTTP ${status})`);
    this.name = "ApiError";
    this.status = status;
    this.errorCode = errorCode;
    this.detail = detail;
  }
}

/** The gateway could not be reached at all (refused, DNS, TLS, reset). */
export class ConnectionError extends CliError {
  constructor(host: string, reason: string) {
    super(`cannot reach the gateway at ${host}: ${reason}`);
    this.name = "ConnectionError";
  }
}

/** A readable reason for a network failure: fetch wraps the socket error in `cause`. */
export function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    if (cause instanceof AggregateError && cause.message === "") {
      const first: unknown = cause.errors[0];
      if (first instanceof Error && first.message !== "") return first.message;
    }
    if (cause.message !== "") return cause.message;
    const code = errorCode(cause);
    if (code) return code;
  }
  return err.message || errorCode(err) || "unknown error";
}

function errorCode(err: Error): string | undefined {
  const code: unknown = "code" in err ? err.code : undefined;
  return typeof code === "string" ? code : undefined;
}
